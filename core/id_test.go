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
	var paths []string
	gen := func(r *http.Request) (string, error) {
		paths = append(paths, r.URL.Path) // requests are served one at a time here
		return fmt.Sprintf("custom-id-%010d", n.Add(1)), nil
	}
	st, m := withStore(t, newMeteredStore(t), core.Config{IDGenerator: gen})
	ck, id := login(t, m, "v")
	if id != "custom-id-0000000001" {
		t.Errorf("ID() = %q; want the generator's custom-id-0000000001", id)
	}
	if len(paths) != 1 || paths[0] != "/login" {
		t.Errorf("the generator was given requests for %q; want the one that created the session, \"/login\"", paths)
	}
	if _, found := st.Record(t, m, id); !found {
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
	gens := []struct {
		name string
		gen  func(*http.Request) (string, error)
	}{
		{"error", func(*http.Request) (string, error) { return "", errors.New("entropy pool empty") }},
		{"empty", func(*http.Request) (string, error) { return "", nil }},
		{"too short", func(*http.Request) (string, error) { return "abc", nil }},
		{"too long", func(*http.Request) (string, error) { return strings.Repeat("x", 129), nil }},
	}
	// Each operation needs an ID; the failure must fail the request.
	ops := []struct {
		name string
		op   func(t *testing.T, s *core.Session)
	}{
		{"ID", func(t *testing.T, s *core.Session) {
			if id := s.ID(); id != "" {
				t.Errorf("ID() = %q; want \"\" when no ID can be generated", id)
			}
		}},
		{"Regenerate", func(t *testing.T, s *core.Session) { s.Regenerate() }},
		// Set needs no ID: one is assigned at the commit, which fails.
		{"Set", func(t *testing.T, s *core.Session) { keyK.Set(s, "v") }},
	}
	for _, g := range gens {
		for _, o := range ops {
			t.Run(g.name+"/"+o.name, func(t *testing.T) {
				t.Parallel()
				errs := reported{status: http.StatusServiceUnavailable}
				st, m := withStore(t, newMeteredStore(t), core.Config{IDGenerator: g.gen, ErrorHandler: errs.handle})
				h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
					o.op(t, s)
					w.Write([]byte("handler body"))
				}))
				resp := serve(h, get("/"))
				if err := errs.one(t); !strings.Contains(err.Error(), "generate session ID") && !strings.Contains(err.Error(), "IDGenerator returned") {
					t.Errorf("error handler got %v; want the generator's failure", err)
				}
				wantReplaced(t, resp, http.StatusServiceUnavailable)
				if w := st.Writes(); w != 0 {
					t.Errorf("%d writes to the store; want 0", w)
				}
			})
		}
	}
}

func TestStoreKeyIsSHA256OfID(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	for _, id := range []string{"", "a", strings.Repeat("x", 43), strings.Repeat("y", 128), strings.Repeat("z", 500)} {
		sum := sha256.Sum256([]byte(id))
		if got, want := m.StoreKey(id), base64.RawURLEncoding.EncodeToString(sum[:]); got != want {
			t.Errorf("StoreKey(%d-byte ID) = %q; want %q", len(id), got, want)
		}
	}
}

func TestStoreHoldsOnlyHashedKeys(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	type sess struct{ id, cookie string }
	var all []sess
	for i := range 5 {
		ck, id := login(t, m, fmt.Sprintf("value-%d", i))
		all = append(all, sess{id, ck.Value})
	}
	// A Regenerate must not leave the old raw ID behind either.
	regen := m.Handler(sessionFunc(func(s *core.Session) {
		s.Regenerate()
		if err := s.Err(); err != nil {
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
		if !keys[m.StoreKey(s.id)] {
			t.Errorf("no record under StoreKey(%q)", s.id)
		}
	}
}
