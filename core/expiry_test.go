package core_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// staleStore returns every record it finds as already expired, like a store
// that does not enforce expiry. The manager must still never serve it.
type staleStore struct{ core.Store }

func (s staleStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	rec, found, err := s.Store.Load(ctx, key)
	if found {
		rec.Expiry = time.Now().Add(-time.Second)
	}
	return rec, found, err
}

func TestStoreExpiryIsEarlierOfLifetimeAndIdle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  core.Config
		want time.Duration
	}{
		{"lifetime only", core.Config{Lifetime: 2 * time.Hour}, 2 * time.Hour},
		{"idle shorter than lifetime", core.Config{Lifetime: 2 * time.Hour, IdleTimeout: 30 * time.Minute}, 30 * time.Minute},
		{"lifetime shorter than idle", core.Config{Lifetime: 10 * time.Minute, IdleTimeout: 30 * time.Minute}, 10 * time.Minute},
		{"default lifetime", core.Config{}, 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := newCountingStore(t)
			tc.cfg.Store = st
			m := newManager(t, tc.cfg)
			before := time.Now()
			ck, id := login(t, m, "v")
			rec, found := st.Record(t, id)
			if !found {
				t.Fatal("no record stored")
			}
			if d := rec.Expiry.Sub(before); d < tc.want-time.Second || d > tc.want+time.Second {
				t.Errorf("record expires in %v; want %v", d, tc.want)
			}
			if d := time.Duration(ck.MaxAge) * time.Second; d < tc.want-2*time.Second || d > tc.want {
				t.Errorf("cookie Max-Age = %v; want %v, the session's expiry", d, tc.want)
			}
			if d := ck.Expires.Sub(rec.Expiry); d < -time.Second || d > time.Second {
				t.Errorf("cookie Expires = %v; want the record's expiry %v", ck.Expires, rec.Expiry)
			}
		})
	}
}

func TestAbsoluteLifetimeEnforcedServerSide(t *testing.T) {
	t.Parallel()
	st := newCountingStore(t)
	// Activity within the lifetime must not extend it.
	m := newManager(t, core.Config{Store: st, Lifetime: 2 * time.Second, IdleTimeout: time.Hour})
	ck, id := login(t, m, "v")
	time.Sleep(700 * time.Millisecond)
	var got seen
	resp := serve(m.Handler(reader(&got)), get("/", ck))
	if got.k != "v" {
		t.Fatalf("before the lifetime: k = %q; want v", got.k)
	}
	if c := sessionCookie(t, resp, "session"); live(c) {
		ck = c
	}
	time.Sleep(1800 * time.Millisecond)

	st.Reset()
	// The browser would have dropped the cookie; an attacker replaying it
	// must still get nothing.
	resp = serve(m.Handler(reader(&got)), get("/", ck))
	if got.k != "" || !got.isNew || got.id == id {
		t.Errorf("after the lifetime: k = %q, IsNew = %v, ID = %q; want a fresh, empty session", got.k, got.isNew, got.id)
	}
	if n := st.Total(); n != 0 {
		t.Errorf("an expired cookie cost %d store calls; want 0", n)
	}
	if c := sessionCookie(t, resp, "session"); c != nil {
		t.Errorf("Set-Cookie = %v; want none for an expired cookie on a request that changed nothing", c)
	}
	if _, found := st.Record(t, id); found {
		t.Error("store still serves the record after its lifetime")
	}
}

func TestIdleTimeoutEnforcedServerSide(t *testing.T) {
	t.Parallel()
	st := newCountingStore(t)
	m := newManager(t, core.Config{Store: st, IdleTimeout: time.Second})
	ck, id := login(t, m, "v")
	time.Sleep(1500 * time.Millisecond)
	var got seen
	serve(m.Handler(reader(&got)), get("/", ck))
	if got.k != "" || !got.isNew || got.id == id {
		t.Errorf("after the idle timeout: k = %q, IsNew = %v, ID = %q; want a fresh, empty session", got.k, got.isNew, got.id)
	}
	if _, found := st.Record(t, id); found {
		t.Error("store still serves the record after the idle timeout")
	}
}

func TestActivityExtendsIdleTimeout(t *testing.T) {
	t.Parallel()
	st := newCountingStore(t)
	// TouchInterval is capped at 1.5s; a request every 250ms keeps the
	// session alive well past its 3s idle timeout.
	m := newManager(t, core.Config{Store: st, IdleTimeout: 3 * time.Second})
	ck, id := login(t, m, "v")
	st.Reset()
	start := time.Now()
	for time.Since(start) < 4500*time.Millisecond {
		time.Sleep(250 * time.Millisecond)
		var got seen
		resp := serve(m.Handler(reader(&got)), get("/", ck))
		if got.k != "v" || got.id != id {
			t.Fatalf("after %v of activity: k = %q, ID = %q; want v, %q", time.Since(start), got.k, got.id, id)
		}
		if c := sessionCookie(t, resp, "session"); live(c) {
			ck = c
		}
	}
	if w := st.Writes(); w != 0 {
		t.Errorf("reading an unmodified session cost %d Save/Patch calls; want 0 (touches only)", w)
	}
	if n := st.Calls("Touch"); n < 2 {
		t.Errorf("%d touches over 4.5s of activity with a 1.5s touch interval; want at least 2", n)
	}
}

func TestExpiredRecordFromStoreIsNeverServed(t *testing.T) {
	t.Parallel()
	mem := newCountingStore(t)
	m := newManager(t, core.Config{Store: staleStore{mem}})
	ck, id := login(t, m, "v")
	var got seen
	serve(m.Handler(reader(&got)), get("/", ck))
	if got.k != "" || !got.isNew || got.id == id {
		t.Errorf("store returned an expired record: handler saw k = %q, IsNew = %v, ID = %q; want a fresh, empty session", got.k, got.isNew, got.id)
	}
}

func TestCookiePersistence(t *testing.T) {
	t.Parallel()
	// remember: 0 leaves the config alone, 1 calls RememberMe(true), -1
	// RememberMe(false).
	tests := []struct {
		name           string
		sessionOnly    bool
		remember       int
		wantPersistent bool
	}{
		{"default persistent", false, 0, true},
		{"SessionOnly", true, 0, false},
		{"SessionOnly, RememberMe(true)", true, 1, true},
		{"persistent, RememberMe(false)", false, -1, false},
		{"persistent, RememberMe(true)", false, 1, true},
		{"SessionOnly, RememberMe(false)", true, -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := newCountingStore(t)
			m := newManager(t, core.Config{Store: st, Cookie: core.CookieConfig{SessionOnly: tc.sessionOnly}})
			h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				switch r.URL.Path {
				case "/login":
					if err := s.Set("user", "alice"); err != nil {
						t.Errorf("Set: %v", err)
					}
					if tc.remember != 0 {
						if err := s.RememberMe(tc.remember > 0); err != nil {
							t.Errorf("RememberMe: %v", err)
						}
					}
				case "/touch":
					s.Touch()
				}
			}))
			check := func(step string, c *http.Cookie) {
				t.Helper()
				if !live(c) {
					t.Fatalf("%s: Set-Cookie = %v; want a session cookie", step, c)
				}
				persistent := c.MaxAge > 0 || !c.Expires.IsZero()
				if persistent != tc.wantPersistent {
					t.Errorf("%s: cookie Max-Age = %d, Expires = %v; want persistent = %v", step, c.MaxAge, c.Expires, tc.wantPersistent)
				}
			}
			ck := sessionCookie(t, serve(h, get("/login")), "session")
			check("login", ck)
			// The choice travels with the session: a later re-issued cookie
			// keeps it.
			check("later touch", sessionCookie(t, serve(h, get("/touch", ck)), "session"))
		})
	}
}

func TestRememberMeOnExistingSession(t *testing.T) {
	t.Parallel()
	st := newCountingStore(t)
	m := newManager(t, core.Config{Store: st, Cookie: core.CookieConfig{SessionOnly: true}})
	ck, id := login(t, m, "v")
	if ck.MaxAge != 0 || !ck.Expires.IsZero() {
		t.Fatalf("SessionOnly login cookie has Max-Age %d, Expires %v; want neither", ck.MaxAge, ck.Expires)
	}
	h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		if err := s.RememberMe(r.URL.Query().Get("remember") == "1"); err != nil {
			t.Errorf("RememberMe: %v", err)
		}
	}))
	c := sessionCookie(t, serve(h, get("/?remember=1", ck)), "session")
	if !live(c) || c.MaxAge <= 0 {
		t.Fatalf("RememberMe(true): Set-Cookie = %v; want a persistent cookie", c)
	}
	var got seen
	serve(m.Handler(reader(&got)), get("/", c))
	if got.id != id || got.k != "v" {
		t.Errorf("after RememberMe: ID %q, k %q; want the same session %q with k=v", got.id, got.k, id)
	}
	c = sessionCookie(t, serve(h, get("/?remember=0", c)), "session")
	if !live(c) || c.MaxAge != 0 || !c.Expires.IsZero() {
		t.Errorf("RememberMe(false): Set-Cookie = %v; want a browser-session cookie", c)
	}
}

func TestFreshSessionDoesNotInheritRememberMe(t *testing.T) {
	t.Parallel()
	st := newCountingStore(t)
	m := newManager(t, core.Config{Store: st, Cookie: core.CookieConfig{SessionOnly: true}})
	h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		s.Set("k", "v")
		if r.URL.Path == "/login" {
			s.RememberMe(true)
		}
	}))
	ck := sessionCookie(t, serve(h, get("/login")), "session")
	if !live(ck) || ck.MaxAge <= 0 {
		t.Fatalf("RememberMe(true) cookie = %v; want persistent", ck)
	}
	var got seen
	serve(m.Handler(reader(&got)), get("/", ck))
	// The session ends server-side; the old cookie then starts a fresh one,
	// which follows the configuration, not the ended session's choice.
	st.Delete(t.Context(), core.StoreKey(got.id))
	c := sessionCookie(t, serve(h, get("/", ck)), "session")
	if !live(c) || c.MaxAge != 0 || !c.Expires.IsZero() {
		t.Errorf("fresh session's cookie = %v; want a browser-session cookie, as configured", c)
	}
}
