package core_test

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

func TestSessionIDsAreRandom256BitURLSafe(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	const n = 1000
	ids := make(map[string]bool, n)
	h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		ids[s.ID()] = true
	}))
	for range n {
		serve(h, get("/"))
	}
	if len(ids) != n {
		t.Fatalf("%d requests yielded %d distinct IDs; want %d", n, len(ids), n)
	}
	for id := range ids {
		if len(id) != 43 {
			t.Errorf("ID %q is %d characters; want 43 (256 bits, base64url)", id, len(id))
		}
		if strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			t.Errorf("ID %q has characters outside the URL-safe alphabet", id)
		}
		if b, err := base64.RawURLEncoding.DecodeString(id); err != nil || len(b) != 32 {
			t.Errorf("ID %q decodes to %d bytes, %v; want 32", id, len(b), err)
		}
	}
}

func TestIDGeneratorIsUsed(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	gen := func() (string, error) {
		return fmt.Sprintf("custom-id-%010d", n.Add(1)), nil
	}
	st := newCountingStore(t)
	m := newManager(t, core.Config{Store: st, IDGenerator: gen})
	ck, id := login(t, m, "v")
	if id != "custom-id-0000000001" {
		t.Errorf("ID() = %q; want the generator's custom-id-0000000001", id)
	}
	if _, found := st.Record(t, id); !found {
		t.Errorf("no record stored under StoreKey(%q)", id)
	}
	var got seen
	serve(m.Handler(reader(&got)), get("/", ck))
	if got.id != id || got.k != "v" {
		t.Errorf("next request saw ID %q, k %q; want %q, v", got.id, got.k, id)
	}
}

func TestIDGeneratorFailureIsAnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		gen  func() (string, error)
	}{
		{"error", func() (string, error) { return "", errors.New("entropy pool empty") }},
		{"empty", func() (string, error) { return "", nil }},
		{"too short", func() (string, error) { return "abc", nil }},
		{"too long", func() (string, error) { return strings.Repeat("x", 129), nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := newCountingStore(t)
			var handled error
			m := newManager(t, core.Config{Store: st, IDGenerator: tc.gen, ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				handled = err
				http.Error(w, "session failure", http.StatusServiceUnavailable)
			}})
			var id string
			var regenErr error
			h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				id = s.ID()
				regenErr = s.Regenerate()
				if err := s.Set("k", "v"); err != nil {
					t.Errorf("Set = %v; want nil (the ID is assigned at commit)", err)
				}
				w.Write([]byte("handler body"))
			}))
			resp := serve(h, get("/"))
			if id != "" {
				t.Errorf("ID() = %q; want \"\" when no ID can be generated", id)
			}
			if regenErr == nil {
				t.Error("Regenerate() = nil; want the generator's failure")
			}
			if handled == nil {
				t.Error("error handler not called")
			}
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status = %d; want the error handler's 503", resp.StatusCode)
			}
			if b := body(t, resp); strings.Contains(b, "handler body") {
				t.Errorf("body = %q; the handler's body must be discarded", b)
			}
			if c := sessionCookie(t, resp, "session"); live(c) {
				t.Errorf("Set-Cookie = %v; want none", c)
			}
			if w := st.Writes(); w != 0 {
				t.Errorf("%d writes to the store; want 0", w)
			}
		})
	}
}

func TestStoreKeyIsSHA256OfID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "a", strings.Repeat("x", 43), strings.Repeat("y", 128), strings.Repeat("z", 500)} {
		sum := sha256.Sum256([]byte(id))
		if got, want := core.StoreKey(id), base64.RawURLEncoding.EncodeToString(sum[:]); got != want {
			t.Errorf("StoreKey(%d-byte ID) = %q; want %q", len(id), got, want)
		}
	}
}

func TestStoreHoldsOnlyHashedKeys(t *testing.T) {
	t.Parallel()
	st := newCountingStore(t)
	m := newManager(t, core.Config{Store: st})
	type sess struct{ id, cookie string }
	var all []sess
	for i := range 5 {
		ck, id := login(t, m, fmt.Sprintf("value-%d", i))
		all = append(all, sess{id, ck.Value})
	}
	// A Regenerate must not leave the old raw ID behind either.
	regen := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		if err := s.Regenerate(); err != nil {
			t.Errorf("Regenerate: %v", err)
		}
		all = append(all, sess{id: s.ID()})
	}))
	ck, _ := login(t, m, "regen")
	resp := serve(regen, get("/", ck))
	all[len(all)-1].cookie = sessionCookie(t, resp, "session").Value

	keys := map[string]bool{}
	err := st.Range(t.Context(), func(key string, rec core.Record) bool {
		keys[key] = true
		for _, s := range all {
			for _, secret := range []string{s.id, s.cookie} {
				if strings.Contains(key, secret) {
					t.Errorf("store key %q contains a raw ID or cookie", key)
				}
				for k, v := range rec.Values {
					if strings.Contains(k, secret) || strings.Contains(string(v), secret) {
						t.Errorf("record %q holds a raw ID or cookie in %q: %s", key, k, v)
					}
				}
			}
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != len(all) {
		t.Errorf("store holds %d records; want %d", len(keys), len(all))
	}
	for _, s := range all {
		if !keys[core.StoreKey(s.id)] {
			t.Errorf("no record under StoreKey(%q)", s.id)
		}
	}
}
