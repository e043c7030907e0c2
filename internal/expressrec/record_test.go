package expressrec_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expressrec"
)

const nodeDoc = `{"cookie":{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","httpOnly":true,"path":"/"},"passport":{"user":"106"}, "big" : 12345678901234567890}`

func TestDecodeEncodeRoundTrip(t *testing.T) {
	rec, err := expressrec.Decode([]byte(nodeDoc))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Owner.Bound() || string(rec.Values["big"]) != "12345678901234567890" || rec.Values["cookie"] == nil {
		t.Fatalf("Decode = %+v; want every member, the cookie included, and no owner", rec)
	}
	o := core.Owner{ID: "ann", Created: time.UnixMilli(1000), Ends: time.UnixMilli(5000), Seen: time.UnixMilli(2000), UserAgent: "ua"}
	rec.Owner = o
	doc, err := expressrec.Encode(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(doc), `{"cookie":{"originalMaxAge":7200000,`) {
		t.Errorf("Encode = %s; want the cookie member first, as Express writes it", doc)
	}
	back, err := expressrec.Decode(doc)
	if err != nil {
		t.Fatal(err)
	}
	if back.Owner != o {
		t.Errorf("owner = %+v; want %+v", back.Owner, o)
	}
	if _, ok := back.Values[expressrec.OwnerMember]; ok {
		t.Error("the owner member shows as a value")
	}
}

func TestPatchTouchPop(t *testing.T) {
	owned, err := expressrec.Encode(core.Record{Values: map[string][]byte{"a": []byte("1"), "b": []byte(`"x"`)}, Owner: core.Owner{ID: "ann", Seen: time.UnixMilli(1)}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.UnixMilli(99000)
	for _, tt := range []struct {
		name string
		doc  string
		op   func([]byte) ([]byte, error)
		want func(t *testing.T, out []byte)
	}{
		{"patch keeps Node's bytes", nodeDoc, func(d []byte) ([]byte, error) {
			return expressrec.Patch(d, core.Patch{Set: map[string][]byte{"k": []byte("1")}}, now)
		}, func(t *testing.T, out []byte) {
			want := `{"cookie":{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","httpOnly":true,"path":"/"},"passport":{"user":"106"},"big" : 12345678901234567890,"k":1}`
			if string(out) != want {
				t.Errorf("Patch = %s; want %s", out, want)
			}
		}},
		{"patch moves Seen", string(owned), func(d []byte) ([]byte, error) {
			return expressrec.Patch(d, core.Patch{Delete: []string{"a"}}, now)
		}, func(t *testing.T, out []byte) {
			rec, _ := expressrec.Decode(out)
			if !rec.Owner.Seen.Equal(now) || rec.Values["a"] != nil {
				t.Errorf("after Patch: %s; want a gone and Seen moved", out)
			}
		}},
		{"touch of an unowned record changes nothing", nodeDoc, func(d []byte) ([]byte, error) {
			out, changed, err := expressrec.Touch(d, now)
			if changed {
				return nil, errors.New("changed = true")
			}
			return out, err
		}, func(t *testing.T, out []byte) {
			if string(out) != nodeDoc {
				t.Errorf("Touch = %s", out)
			}
		}},
		{"pop", string(owned), func(d []byte) ([]byte, error) {
			out, v, found, err := expressrec.Pop(d, "b", now)
			if !found || string(v) != `"x"` {
				return nil, errors.New("pop did not return the value")
			}
			return out, err
		}, func(t *testing.T, out []byte) {
			rec, _ := expressrec.Decode(out)
			if rec.Values["b"] != nil || !rec.Owner.Seen.Equal(now) {
				t.Errorf("after Pop: %s", out)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.op([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			tt.want(t, out)
		})
	}
}

func TestRefusesTheOwnerMemberAsAValue(t *testing.T) {
	_, err := expressrec.Encode(core.Record{Values: map[string][]byte{expressrec.OwnerMember: []byte("1")}})
	if !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("Encode = %v; want ErrBadRecord", err)
	}
	if _, err := expressrec.Patch([]byte(`{}`), core.Patch{Set: map[string][]byte{expressrec.OwnerMember: []byte("1")}}, time.Now()); !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("Patch = %v; want ErrBadRecord", err)
	}
	if _, err := expressrec.Decode([]byte(`{"sessionkitOwner":5}`)); !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("Decode of a bad owner = %v; want ErrBadRecord", err)
	}
}
