package core_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// ownerApp serves the owner operations for the tests below: /bind?u=
// binds, /list lists, /revoke?h= revokes, /others revokes the others.
func ownerApp(m *core.Manager, errs *[]error) http.Handler {
	return m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		q := r.URL.Query()
		var err error
		switch r.URL.Path {
		case "/bind":
			s.Regenerate()
			s.SetOwner(q.Get("u"))
		case "/list":
			var list []core.OwnedSession
			list, err = s.OwnerSessions(r.Context())
			for _, o := range list {
				w.Write([]byte(o.Handle + " " + o.UserAgent + " " + o.IP + "\n"))
			}
		case "/revoke":
			err = s.RevokeSession(r.Context(), q.Get("h"))
		case "/others":
			_, err = s.RevokeOthers(r.Context())
		}
		if err != nil {
			*errs = append(*errs, err)
			http.Error(w, "failed", http.StatusConflict)
		}
	}))
}

func TestSetOwnerRejectsInvalidIDs(t *testing.T) {
	for _, id := range []string{strings.Repeat("a", core.MaxOwnerIDLen+1), "a\x00b", "\xff"} {
		m := newManager(t, core.Config{})
		var got error
		serve(m.Handler(sessionFunc(func(s *core.Session) {
			s.SetOwner(id)
			got = s.Err()
		})), get("/"))
		if !errors.Is(got, core.ErrInvalidOwner) {
			t.Errorf("SetOwner(%q) then Err() = %v; want ErrInvalidOwner", id, got)
		}
	}
	m := newManager(t, core.Config{})
	serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.SetOwner(strings.Repeat("é", core.MaxOwnerIDLen/2))
		if err := s.Err(); err != nil {
			t.Errorf("SetOwner of %d bytes: Err() = %v; want nil", core.MaxOwnerIDLen, err)
		}
	})), get("/"))
}

func TestReloadUndoesSetOwner(t *testing.T) {
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	_, id := login(t, m, "v")
	ck, _ := login(t, m, "w")
	serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.SetOwner("alice")
		if err := s.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := s.Owner(); got != "" {
			t.Errorf("Owner() after Reload = %q; want \"\"", got)
		}
	})), get("/", ck))
	if rec, _ := st.Record(t, m, id); rec.Owner.Bound() {
		t.Errorf("stored owner after a reloaded SetOwner = %q; want none", rec.Owner.ID)
	}
}

// TestOwnerMetadata checks what a binding records: the User-Agent, cut
// to MaxUserAgentLen, and the address only when the app opts in.
func TestOwnerMetadata(t *testing.T) {
	long := strings.Repeat("x", core.MaxUserAgentLen+50)
	tests := []struct {
		name     string
		clientIP func(*http.Request) string
		ua       string
		wantUA   string
		wantIP   string
	}{
		{"no IP by default", nil, "Firefox", "Firefox", ""},
		{"opted in", core.RemoteIP, "Firefox", "Firefox", "192.0.2.7"},
		{"long agent cut", nil, long, long[:core.MaxUserAgentLen], ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, m := withStore(t, newMeteredStore(t), core.Config{Owners: core.OwnerConfig{ClientIP: tc.clientIP}})
			var id string
			r := get("/")
			r.Header.Set("User-Agent", tc.ua)
			r.RemoteAddr = "192.0.2.7:5555"
			serve(m.Handler(sessionFunc(func(s *core.Session) {
				s.SetOwner("alice")
				id = s.ID()
			})), r)
			rec, found := st.Record(t, m, id)
			if !found || rec.Owner.ID != "alice" || rec.Owner.UserAgent != tc.wantUA || rec.Owner.IP != tc.wantIP {
				t.Errorf("stored owner = %+v (found %v); want alice with UA %.20q… and IP %q", rec.Owner, found, tc.wantUA, tc.wantIP)
			}
			if rec.Owner.Created.IsZero() || rec.Owner.Seen.IsZero() || !rec.Owner.Ends.After(rec.Owner.Created) {
				t.Errorf("stored owner times = %+v; want Created, Seen and a later Ends", rec.Owner)
			}
		})
	}
}

// TestHandleIsNoCredential checks that a listed handle is neither the ID,
// nor the store key, nor a token.
func TestHandleIsNoCredential(t *testing.T) {
	m := newManager(t, core.Config{})
	var id, handle string
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.SetOwner("alice")
		id, handle = s.ID(), s.Handle()
	})), get("/"))
	ck := sessionCookie(t, resp, core.DefaultCookieName)
	for _, secret := range []string{id, m.StoreKey(id), ck.Value} {
		if handle == "" || strings.Contains(secret, handle) || strings.Contains(handle, secret) {
			t.Errorf("handle %q overlaps a credential %q", handle, secret)
		}
	}
	var seen string
	serve(m.Handler(sessionFunc(func(s *core.Session) { seen = s.Owner() })), get("/", &http.Cookie{Name: ck.Name, Value: handle}))
	if seen != "" {
		t.Errorf("a handle used as the cookie loaded owner %q", seen)
	}
}

// TestOwnersWithoutIndex: a store that can only iterate is scanned; one
// that can do neither reports ErrNoOwnerIndex (and New refuses a cap on
// it: see TestOwnerConfigValidation).
func TestOwnersWithoutIndex(t *testing.T) {
	_, m := withStore(t, newMeteredStore(t), core.Config{})
	var errs []error
	c1, c2 := newClient(t, ownerApp(m, &errs)), newClient(t, ownerApp(m, &errs))
	fetch(t, c1, "GET", "/bind?u=alice")
	fetch(t, c2, "GET", "/bind?u=alice")
	if _, body := fetch(t, c1, "GET", "/list"); strings.Count(body, "\n") != 2 {
		t.Errorf("listing over an Iterator scan = %q; want two sessions", body)
	}
	fetch(t, c1, "GET", "/others")
	if _, body := fetch(t, c1, "GET", "/list"); strings.Count(body, "\n") != 1 || len(errs) != 0 {
		t.Errorf("listing after RevokeOthers = %q (errors %v); want one session", body, errs)
	}

	plain := newManager(t, core.Config{Store: core.WrapStore(plainStore{newMeteredStore(t)})})
	if _, err := plain.OwnerSessions(context.Background(), "alice"); !errors.Is(err, core.ErrNoOwnerIndex) {
		t.Errorf("OwnerSessions on a store without index or iterator = %v; want ErrNoOwnerIndex", err)
	}
}

// plainStore hides every optional capability of its store.
type plainStore struct{ s core.Store }

func (p plainStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	return p.s.Load(ctx, key)
}
func (p plainStore) Save(ctx context.Context, key string, rec core.Record) error {
	return p.s.Save(ctx, key, rec)
}
func (p plainStore) Delete(ctx context.Context, key string) error { return p.s.Delete(ctx, key) }

// TestOwnerManagerOperations drives the Manager's own listing and
// revocation, as an admin tool would.
func TestOwnerManagerOperations(t *testing.T) {
	_, m := withStore(t, newMeteredStore(t), core.Config{})
	var errs []error
	for range 3 {
		fetch(t, newClient(t, ownerApp(m, &errs)), "GET", "/bind?u=alice")
	}
	bob := newClient(t, ownerApp(m, &errs))
	fetch(t, bob, "GET", "/bind?u=bob")
	ctx := context.Background()
	list, err := m.OwnerSessions(ctx, "alice")
	if err != nil || len(list) != 3 {
		t.Fatalf("OwnerSessions(alice) = %d sessions, %v; want 3", len(list), err)
	}
	for _, o := range list {
		if o.Current {
			t.Error("a Manager listing marks a session current")
		}
	}
	if err := m.RevokeSession(ctx, "bob", list[0].Handle); !errors.Is(err, core.ErrUnknownSession) {
		t.Errorf("RevokeSession(bob, alice's handle) = %v; want ErrUnknownSession", err)
	}
	if err := m.RevokeSession(ctx, "alice", list[0].Handle); err != nil {
		t.Errorf("RevokeSession(alice, her handle) = %v", err)
	}
	if n, err := m.RevokeOwner(ctx, "alice"); n != 2 || err != nil {
		t.Errorf("RevokeOwner(alice) = %d, %v; want 2", n, err)
	}
	if list, _ := m.OwnerSessions(ctx, "bob"); len(list) != 1 {
		t.Errorf("bob's sessions after alice's were revoked = %d; want 1", len(list))
	}
	if _, err := m.OwnerSessions(ctx, ""); !errors.Is(err, core.ErrInvalidOwner) {
		t.Errorf("OwnerSessions(\"\") = %v; want ErrInvalidOwner", err)
	}
}

func TestOwnerConfigValidation(t *testing.T) {
	tests := []struct {
		name  string
		store core.Store // nil: the memory store
		o     core.OwnerConfig
	}{
		{"negative cap", nil, core.OwnerConfig{MaxSessions: -1}},
		{"unknown policy", nil, core.OwnerConfig{OnLimit: 7}},
		{"cap on a store that cannot list", plainStore{newMeteredStore(t)}, core.OwnerConfig{MaxSessions: 1}},
	}
	for _, tc := range tests {
		m, err := core.New(core.Config{Secrets: [][]byte{secretA}, Store: tc.store, Owners: tc.o})
		if m != nil {
			m.Close()
		}
		if !errors.Is(err, core.ErrInvalidConfig) {
			t.Errorf("%s: New with Owners %+v = %v; want ErrInvalidConfig", tc.name, tc.o, err)
		}
	}
}
