package pgstore_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// maxFuzzOps bounds the operations one input runs, so each execution stays
// a few dozen round trips.
const maxFuzzOps = 64

// FuzzPatch applies the patches a script describes to one record through
// Patch and checks after each that Load returns exactly the model, a map
// the same patches were applied to in Go, byte for byte. The script is read
// three bytes at a time: an operation (set, delete or apply the patch so
// far), a name and a value, each an index into fuzzNames and fuzzValues.
// Those draw on a, b and name besides fixed lists, so the fuzzer can also
// write the values and names itself.
//
// It runs against the real PostgreSQL (see internal/testenv), for a bounded
// count with: go test -run '^$' -fuzz '^FuzzPatch$' -fuzztime 300x ./stores/pgstore
func FuzzPatch(f *testing.F) {
	seeds := []struct {
		script     []byte
		a, b, name string
	}{
		{[]byte{0, 1, 2, 0, 2, 3, 2, 0, 0, 1, 1, 0, 2, 0, 0}, `"a\u0000b"`, `{"\u0000":1}`, "flash"},
		{[]byte{0, 0, 0, 0, 1, 1, 2, 5, 0, 1, 0, 0, 2, 9, 9}, `"\ud800"`, `"\udfff"`, "ü"},
		{[]byte{0, 3, 4, 0, 4, 5, 2, 0, 0, 0, 3, 6, 1, 4, 0, 2, 1, 1}, `12345678901234567890`, `1E400`, "cart"},
		{[]byte{0, 8, 20, 0, 0, 21, 2, 0, 0, 1, 8, 0, 1, 0, 0, 2, 0, 0}, `{"user_id":42,"roles":["admin"]}`, `"saved!"`, "user"},
		{[]byte{0, 2, 7, 1, 2, 0, 0, 2, 8, 2, 0, 0}, "\"\xff\xfe\"", `[{"a":null},[]]`, ""},
		{[]byte{2, 0, 0, 1, 0, 0, 2, 0, 0}, `""`, `{}`, "$x'y\"z"},
	}
	for _, s := range seeds {
		f.Add(s.script, s.a, s.b, s.name)
	}
	pool, _ := newPool(f)
	s := newStore(f, pool, pgstore.Options{CleanupInterval: -1})
	f.Fuzz(func(t *testing.T, script []byte, a, b, name string) {
		values, names := fuzzValues(a, b), fuzzNames(name)
		key := storetest.NewKey(t)
		t.Cleanup(func() {
			if err := s.Delete(ctxT(t), key); err != nil {
				t.Errorf("Delete = %v; want nil", err)
			}
		})
		model := map[string][]byte{names[0]: values[0], names[1]: values[1]}
		exp := time.Now().Add(time.Hour)
		if err := s.Save(ctxT(t), key, core.Record{Values: model, Expiry: exp}); err != nil {
			t.Fatalf("Save(%q) = %v; want nil", model, err)
		}
		checkModel(t, s, key, "Save", model, exp)

		var p fuzzPatch
		for i := 0; i+2 < len(script) && i < 3*maxFuzzOps; i += 3 {
			op, n, v := script[i], names[int(script[i+1])%len(names)], values[int(script[i+2])%len(values)]
			switch op % 3 {
			case 0:
				p.set(n, v)
			case 1:
				p.delete(n)
			case 2:
				exp = exp.Add(time.Duration(script[i+2]) * time.Second)
				p.apply(t, s, key, model, exp)
			}
		}
		p.apply(t, s, key, model, exp.Add(time.Second))
	})
}

// fuzzPatch collects one core.Patch; a name is never both set and deleted.
type fuzzPatch struct {
	sets map[string][]byte
	dels map[string]bool
}

func (p *fuzzPatch) set(name string, v []byte) {
	if p.sets == nil {
		p.sets = map[string][]byte{}
	}
	p.sets[name] = v
	delete(p.dels, name)
}

func (p *fuzzPatch) delete(name string) {
	if p.dels == nil {
		p.dels = map[string]bool{}
	}
	p.dels[name] = true
	delete(p.sets, name)
}

// apply patches the record and the model alike, checks that they agree and
// starts a new patch.
func (p *fuzzPatch) apply(t *testing.T, s *pgstore.Store, key string, model map[string][]byte, exp time.Time) {
	t.Helper()
	patch := core.Patch{Set: p.sets, Expiry: exp}
	for n := range p.dels {
		patch.Delete = append(patch.Delete, n)
	}
	slices.Sort(patch.Delete)
	if found, err := s.Patch(ctxT(t), key, patch); err != nil || !found {
		t.Fatalf("Patch(%q) = %v, %v; want true, nil", patch, found, err)
	}
	for n, v := range p.sets {
		model[n] = v
	}
	for n := range p.dels {
		delete(model, n)
	}
	checkModel(t, s, key, "Patch", model, exp)
	*p = fuzzPatch{}
}

func checkModel(t *testing.T, s *pgstore.Store, key, op string, model map[string][]byte, exp time.Time) {
	t.Helper()
	rec, found, err := s.Load(ctxT(t), key)
	if err != nil || !found {
		t.Fatalf("Load after %s = %v, %v; want found, nil", op, found, err)
	}
	if len(rec.Values) != len(model) {
		t.Errorf("Load after %s: names %q; want %d names", op, slices.Sorted(maps.Keys(rec.Values)), len(model))
	}
	for n, want := range model {
		if got, ok := rec.Values[n]; !ok || !bytes.Equal(got, want) {
			t.Errorf("Load after %s: %q = %.60q (present: %v); want %.60q", op, n, got, ok, want)
		}
	}
	if d := rec.Expiry.Sub(exp); d > time.Millisecond || d < -time.Millisecond {
		t.Errorf("Load after %s: Expiry = %v; want %v", op, rec.Expiry, exp)
	}
}

// fuzzValues returns a and b, each as JSON text when it is JSON and as a
// JSON string otherwise, then nastyValues and a few ordinary session
// values.
func fuzzValues(a, b string) [][]byte {
	vals := [][]byte{fuzzValue(a), fuzzValue(b)}
	for _, v := range nastyValues {
		vals = append(vals, []byte(v))
	}
	return append(vals, []byte(`42`), []byte(`"alice"`), []byte(`{"id":7,"tags":["x","y"]}`))
}

func fuzzValue(s string) []byte {
	if json.Valid([]byte(s)) {
		return []byte(s)
	}
	b, _ := json.Marshal(s)
	return b
}

// fuzzNames returns name first when it is a valid session key name (UTF-8
// text without NUL, as core.Record requires), then fixed names.
func fuzzNames(name string) []string {
	names := []string{"a", "b", "", "ü", `$x'y"z`, "v:1", "data", strings.Repeat("long", 64)}
	if utf8.ValidString(name) && !strings.ContainsRune(name, 0) && !slices.Contains(names, name) {
		names = append([]string{name}, names...)
	}
	return names
}
