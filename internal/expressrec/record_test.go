package expressrec_test

import (
	"errors"
	"fmt"
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
		{"patch keeps Node's bytes and refreshes the cookie as Express's save", nodeDoc, func(d []byte) ([]byte, error) {
			out, exp, err := expressrec.Patch(d, core.Patch{Set: map[string][]byte{"k": []byte("1")}, Expiry: now.Add(time.Minute)}, now)
			if want := now.Add(2 * time.Hour); !exp.Equal(want) {
				return nil, fmt.Errorf("expiry = %v; want %v, now plus the record's maxAge", exp, want)
			}
			return out, err
		}, func(t *testing.T, out []byte) {
			want := `{"cookie":{"originalMaxAge":7200000,"expires":"1970-01-01T02:01:39.000Z","httpOnly":true,"path":"/"},"passport":{"user":"106"},"big" : 12345678901234567890,"k":1}`
			if string(out) != want {
				t.Errorf("Patch = %s; want %s", out, want)
			}
		}},
		{"patch setting the cookie keeps it", nodeDoc, func(d []byte) ([]byte, error) {
			ck := `{"originalMaxAge":60000,"expires":"1970-01-01T00:02:39.000Z","path":"/"}`
			out, exp, err := expressrec.Patch(d, core.Patch{Set: map[string][]byte{"cookie": []byte(ck)}, Expiry: now.Add(time.Hour)}, now)
			if want := now.Add(time.Minute); !exp.Equal(want) {
				return nil, fmt.Errorf("expiry = %v; want %v, the set cookie's expires", exp, want)
			}
			return out, err
		}, func(t *testing.T, out []byte) {
			if !strings.HasPrefix(string(out), `{"cookie":{"originalMaxAge":60000,`) {
				t.Errorf("Patch = %s; want the cookie set", out)
			}
		}},
		{"patch moves Seen", string(owned), func(d []byte) ([]byte, error) {
			out, exp, err := expressrec.Patch(d, core.Patch{Delete: []string{"a"}, Expiry: now.Add(time.Hour)}, now)
			if !exp.Equal(now.Add(time.Hour)) {
				return nil, fmt.Errorf("expiry without a cookie member = %v; want the patch's", exp)
			}
			return out, err
		}, func(t *testing.T, out []byte) {
			rec, _ := expressrec.Decode(out)
			if !rec.Owner.Seen.Equal(now) || rec.Values["a"] != nil {
				t.Errorf("after Patch: %s; want a gone and Seen moved", out)
			}
		}},
		{"touch of an unowned record changes nothing", nodeDoc, func(d []byte) ([]byte, error) {
			out, changed, exp, err := expressrec.Touch(d, now, now.Add(time.Minute))
			if changed {
				return nil, errors.New("changed = true")
			}
			if want := now.Add(2 * time.Hour); !exp.Equal(want) {
				return nil, fmt.Errorf("expiry = %v; want %v, now plus the record's maxAge", exp, want)
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
	if _, _, err := expressrec.Patch([]byte(`{}`), core.Patch{Set: map[string][]byte{expressrec.OwnerMember: []byte("1")}}, time.Now()); !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("Patch = %v; want ErrBadRecord", err)
	}
	// Node code may write anything there: it reads as no owner, not as a
	// record Go cannot load.
	for _, doc := range []string{`{"sessionkitOwner":5}`, `{"sessionkitOwner":"mallory"}`, `{"sessionkitOwner":{"id":7}}`} {
		if rec, err := expressrec.Decode([]byte(doc)); err != nil || rec.Owner.Bound() {
			t.Errorf("Decode(%s) = %+v, %v; want an unowned record", doc, rec.Owner, err)
		}
	}
}
