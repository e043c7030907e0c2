package pgstore_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expressjson"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// A value that is not UTF-8 text, which a json column cannot hold, is
// stored as Node would read it, each invalid byte as U+FFFD, with its
// exact bytes in sessionkitBytes; they come back while the value still
// means the same, through an Express save, and are dropped once Express
// changes it.
func TestExpressKeepsBytesThatAreNotUTF8(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	sid, exact := "bytes", []byte("\"a\xffb\"")
	exp := time.Now().Add(time.Hour)
	if err := s.Save(ctxT(t), sid, core.Record{Values: map[string][]byte{"v": exact, "w": []byte("1")}, Expiry: exp}); err != nil {
		t.Fatalf("Save = %v", err)
	}
	row, _ := readRow(t, pool, table, sid)
	if want := `{"v":"a\ufffdb","w":1,"sessionkitBytes":{"v":"ImH/YiI="}}`; row.sess != want {
		t.Errorf("sess = %s; want %s", row.sess, want)
	}
	checkValue := func(op, name string, want []byte) {
		t.Helper()
		rec, found, err := s.Load(ctxT(t), sid)
		if err != nil || !found {
			t.Fatalf("%s: Load = %v, %v", op, found, err)
		}
		if got := rec.Values[name]; string(got) != string(want) {
			t.Errorf("%s: value %s = %q; want %q", op, name, got, want)
		}
		if _, ok := rec.Values["sessionkitBytes"]; ok {
			t.Errorf("%s: Load returned the sessionkitBytes member as a value", op)
		}
	}
	checkValue("after Save", "v", exact)

	// JSON.stringify writes U+FFFD itself, not its escape.
	if err := expressSave(ctxT(t), pool, table, sid, func(o map[string]json.RawMessage) {
		o["v"] = json.RawMessage("\"a\uFFFDb\"")
		o["node"] = json.RawMessage(`"n"`)
	}); err != nil {
		t.Fatal(err)
	}
	checkValue("after an Express save", "v", exact)
	if found, err := s.Patch(ctxT(t), sid, core.Patch{Set: map[string][]byte{"w": []byte("2")}, Expiry: exp}); err != nil || !found {
		t.Fatalf("Patch = %v, %v", found, err)
	}
	checkValue("after a Patch of another value", "v", exact)
	checkValue("after a Patch of another value", "node", []byte(`"n"`))

	if err := expressSave(ctxT(t), pool, table, sid, func(o map[string]json.RawMessage) { o["v"] = json.RawMessage(`"changed"`) }); err != nil {
		t.Fatal(err)
	}
	checkValue("after Express changed it", "v", []byte(`"changed"`))
	if found, err := s.Touch(ctxT(t), sid, exp); err != nil || !found {
		t.Fatalf("Touch = %v, %v", found, err)
	}
	if found, err := s.Patch(ctxT(t), sid, core.Patch{Set: map[string][]byte{"w": []byte("3")}, Expiry: exp}); err != nil || !found {
		t.Fatalf("Patch = %v, %v", found, err)
	}
	row, _ = readRow(t, pool, table, sid)
	if strings.Contains(row.sess, "sessionkitBytes") {
		t.Errorf("sess after Express changed the value and Go patched = %s; want the stale sessionkitBytes gone", row.sess)
	}
	if _, err := expressjson.Members([]byte(row.sess)); err != nil {
		t.Errorf("sess %s: %v", row.sess, err)
	}
}
