package core_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
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
			st, m := withStore(t, newMeteredStore(t), tc.cfg)
			before := time.Now()
			ck, id := login(t, m, "v")
			rec, found := st.Record(t, m, id)
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
	synctest.Test(t, func(t *testing.T) {
		st := newMeteredStore(t)
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
		if _, found := st.Record(t, m, id); found {
			t.Error("store still serves the record after its lifetime")
		}
	})
}

func TestIdleTimeoutEnforcedServerSide(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		st, m := withStore(t, newMeteredStore(t), core.Config{IdleTimeout: time.Second})
		ck, id := login(t, m, "v")
		time.Sleep(1500 * time.Millisecond)
		var got seen
		serve(m.Handler(reader(&got)), get("/", ck))
		if got.k != "" || !got.isNew || got.id == id {
			t.Errorf("after the idle timeout: k = %q, IsNew = %v, ID = %q; want a fresh, empty session", got.k, got.isNew, got.id)
		}
		if _, found := st.Record(t, m, id); found {
			t.Error("store still serves the record after the idle timeout")
		}
	})
}

func TestActivityExtendsIdleTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		st := newMeteredStore(t)
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
	})
}

func TestExpiredRecordFromStoreIsNeverServed(t *testing.T) {
	t.Parallel()
	mem := newMeteredStore(t)
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
			m := newManager(t, core.Config{Cookie: core.CookieConfig{SessionOnly: tc.sessionOnly}})
			h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				switch r.URL.Path {
				case "/login":
					core.Key[string]("user").Set(s, "alice")
					if tc.remember != 0 {
						s.RememberMe(tc.remember > 0)
					}
					if err := s.Err(); err != nil {
						t.Errorf("Set and RememberMe: %v", err)
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
	m := newManager(t, core.Config{Cookie: core.CookieConfig{SessionOnly: true}})
	ck, id := login(t, m, "v")
	if ck.MaxAge != 0 || !ck.Expires.IsZero() {
		t.Fatalf("SessionOnly login cookie has Max-Age %d, Expires %v; want neither", ck.MaxAge, ck.Expires)
	}
	h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		s.RememberMe(r.URL.Query().Get("remember") == "1")
		if err := s.Err(); err != nil {
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
	st, m := withStore(t, newMeteredStore(t), core.Config{Cookie: core.CookieConfig{SessionOnly: true}})
	h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "v")
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
	st.Drop(t, m, got.id)
	c := sessionCookie(t, serve(h, get("/", ck)), "session")
	if !live(c) || c.MaxAge != 0 || !c.Expires.IsZero() {
		t.Errorf("fresh session's cookie = %v; want a browser-session cookie, as configured", c)
	}
}

// lifetimeLogin is a handler that logs in with the lifetime and cookie
// persistence of its query: /?lifetime=720h&remember=0.
func lifetimeLogin() http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "v")
		q := r.URL.Query()
		if d, err := time.ParseDuration(q.Get("lifetime")); err == nil {
			s.SetLifetime(d)
		}
		if rm := q.Get("remember"); rm != "" {
			s.RememberMe(rm == "1")
		}
	})
}

func TestSetLifetimeOutlivesConfigLifetime(t *testing.T) {
	t.Parallel()
	const day = 24 * time.Hour
	tests := []struct {
		name       string
		query      string
		maxAge     time.Duration // of the login cookie; 0: a browser-session cookie
		survives   time.Duration // the session is still there this long after login
		endsBefore time.Duration // and gone by then
	}{
		{"default lifetime", "/", day, day - time.Minute, day},
		{"remember me for 30 days", "/?lifetime=720h&remember=1", 30 * day, 29 * day, 30 * day},
		{"30 days as a browser-session cookie", "/?lifetime=720h&remember=0", 0, 29 * day, 30 * day},
		{"shorter than the default", "/?lifetime=1h", time.Hour, 59 * time.Minute, time.Hour},
		{"zero restores the default", "/?lifetime=0s", day, day - time.Minute, day},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				m := newManager(t, core.Config{MaxLifetime: 31 * day})
				resp := serve(m.Handler(lifetimeLogin()), get(tc.query))
				ck := sessionCookie(t, resp, "session")
				if !live(ck) {
					t.Fatalf("login: status %d, Set-Cookie %v; want a session cookie", resp.StatusCode, ck)
				}
				if got := time.Duration(ck.MaxAge) * time.Second; got != tc.maxAge {
					t.Errorf("cookie Max-Age = %v; want %v", got, tc.maxAge)
				}
				if tc.maxAge == 0 && !ck.Expires.IsZero() {
					t.Errorf("cookie Expires = %v; want none for a browser-session cookie", ck.Expires)
				}
				check := func(after time.Duration, want string) {
					t.Helper()
					var got seen
					serve(m.Handler(reader(&got)), get("/", ck))
					if got.k != want {
						t.Errorf("%v after login: k = %q; want %q", after, got.k, want)
					}
				}
				// The next request finds the session: the token's lifetime
				// verifies.
				check(0, "v")
				time.Sleep(tc.survives)
				check(tc.survives, "v")
				time.Sleep(tc.endsBefore - tc.survives)
				check(tc.endsBefore, "")
			})
		})
	}
}

func TestSetLifetimeOutOfRangeFailsTheRequest(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{31*24*time.Hour + time.Millisecond, 365 * 24 * time.Hour, -time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			t.Parallel()
			var errs reported
			st, m := withStore(t, newMeteredStore(t), core.Config{MaxLifetime: 31 * 24 * time.Hour, ErrorHandler: errs.handle})
			resp := serve(m.Handler(lifetimeLogin()), get("/?lifetime="+d.String()))
			if resp.StatusCode != http.StatusInternalServerError {
				t.Errorf("SetLifetime(%v): status %d; want 500", d, resp.StatusCode)
			}
			if err := errs.one(t); !errors.Is(err, core.ErrLifetime) {
				t.Errorf("SetLifetime(%v) reported %v; want ErrLifetime", d, err)
			}
			if c := sessionCookie(t, resp, "session"); c != nil || st.Writes() != 0 {
				t.Errorf("SetLifetime(%v): Set-Cookie %v, %d writes; want none", d, c, st.Writes())
			}
		})
	}
}

func TestDeadlines(t *testing.T) {
	t.Parallel()
	const lifetime, idle = 24 * time.Hour, time.Hour
	tests := []struct {
		name         string
		change       func(s *core.Session)
		wantAbsolute time.Duration // from creation
		idleFromNow  bool          // Idle counts from this request, not the last touch
	}{
		{"unmodified, touch not due", func(*core.Session) {}, lifetime, false},
		{"modified", func(s *core.Session) { keyK.Set(s, "w") }, lifetime, true},
		{"SetLifetime", func(s *core.Session) { s.SetLifetime(48 * time.Hour) }, 48 * time.Hour, true},
		{"SetLifetime shorter than the idle timeout", func(s *core.Session) { s.SetLifetime(20 * time.Minute) }, 20 * time.Minute, true},
		{"Touch", func(s *core.Session) { s.Touch() }, lifetime, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				m := newManager(t, core.Config{Lifetime: lifetime, MaxLifetime: 48 * time.Hour, IdleTimeout: idle, TouchInterval: time.Minute})
				created := time.Now()
				ck, _ := login(t, m, "v")
				time.Sleep(30 * time.Second) // within the touch interval
				var d core.Deadlines
				resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
					tc.change(s)
					d = s.Deadlines()
				})), get("/", ck))
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status = %d", resp.StatusCode)
				}
				if want := created.Add(tc.wantAbsolute); !d.Absolute.Equal(want) {
					t.Errorf("Deadlines().Absolute = %v; want created + %v = %v", d.Absolute, tc.wantAbsolute, want)
				}
				want := created.Add(idle)
				if tc.idleFromNow {
					want = time.Now().Add(idle)
				}
				if !d.Idle.Equal(want) {
					t.Errorf("Deadlines().Idle = %v; want %v", d.Idle, want)
				}
				end := d.Absolute
				if d.Idle.Before(end) {
					end = d.Idle
				}
				if !d.End().Equal(end) {
					t.Errorf("Deadlines().End() = %v; want the earlier deadline %v", d.End(), end)
				}
			})
		})
	}
}
