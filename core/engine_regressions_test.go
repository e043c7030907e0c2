package core_test

import (
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

const day = 24 * time.Hour

// routes serves each path with its function of the session, and every
// other path with a page that never uses the session, behind m's
// middleware.
func routes(m *core.Manager, fns map[string]func(w http.ResponseWriter, r *http.Request, s *core.Session)) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", static)
	for path, fn := range fns {
		mux.Handle(path, handlerFunc(fn))
	}
	return m.Handler(mux)
}

// A throttled idle touch that fails pauses that session's throttled
// touches only: another active user keeps being touched, and so stays
// logged in, whether the failing session fails every time or once.
func TestTouchFailureOfAnotherSessionKeepsUserLoggedIn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// otherFails says in which rounds the other user visits, with
		// the store failing every Touch during that visit.
		otherFails func(round int) bool
		// from is the first round in which the user visits.
		from int
	}{
		{"other session's touch fails whenever due, user active throughout", func(int) bool { return true }, 1},
		{"other session's touch fails once, just before the user's due touch", func(r int) bool { return r == 19 }, 19},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				const round = 30 * time.Second
				st := newFailingStore(t)
				m := newManager(t, core.Config{Store: st, IdleTimeout: 10 * time.Minute}) // TouchInterval 1m
				app := routes(m, map[string]func(http.ResponseWriter, *http.Request, *core.Session){
					"/login":  func(_ http.ResponseWriter, r *http.Request, s *core.Session) { keyK.Set(s, r.URL.Query().Get("v")) },
					"/whoami": func(w http.ResponseWriter, _ *http.Request, s *core.Session) { io.WriteString(w, keyK.Get(s)) },
				})
				user, other := newClient(t, app), newClient(t, app)
				fetch(t, user, http.MethodGet, "/login?v=user")
				fetch(t, other, http.MethodGet, "/login?v=other")
				last := time.Now()
				for r := 1; r <= 30; r++ { // 15 minutes, past IdleTimeout
					time.Sleep(round)
					if tc.otherFails(r) {
						st.Fail(true, "Touch")
						fetch(t, other, http.MethodGet, "/page")
						st.Fail(false, "Touch")
					}
					if r < tc.from {
						continue
					}
					if _, got := fetch(t, user, http.MethodGet, "/whoami"); got != "user" {
						t.Fatalf("round %d: GET /whoami = %q; want %q: the user, last active %v ago with IdleTimeout 10m, was logged out", r, got, "user", time.Since(last))
					}
					last = time.Now()
				}
			})
		})
	}
}

// A validly signed token whose lifetime exceeds the current MaxLifetime
// (granted before the maximum was lowered) is treated as absent, without
// a store call; one within it is honoured.
func TestLoweredMaxLifetimeEndsLongerSessions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		maxLifetime time.Duration // after the redeploy
		wait        time.Duration // from login to the next request
		alive       bool
	}{
		{"MaxLifetime kept", 30 * day, 2 * day, true},
		{"MaxLifetime lowered, two days after login", time.Hour, 2 * day, false},
		{"MaxLifetime lowered, minutes after login", time.Hour, 10 * time.Minute, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				st := newMeteredStore(t)
				before := newManager(t, core.Config{Store: st, Lifetime: time.Hour, MaxLifetime: 30 * day})
				c := newClient(t, before.Handler(sessionFunc(func(s *core.Session) {
					keyK.Set(s, "v")
					s.SetLifetime(30 * day)
					s.RememberMe(true)
				})))
				if resp, _ := fetch(t, c, http.MethodGet, "/login"); resp.StatusCode != http.StatusOK {
					t.Fatalf("login: status %d; want 200", resp.StatusCode)
				}
				after := newManager(t, core.Config{Store: st, Lifetime: time.Hour, MaxLifetime: tc.maxLifetime})
				var got seen
				c.Transport = inProcess{after.Handler(reader(&got))}
				time.Sleep(tc.wait)
				st.Reset()
				fetch(t, c, http.MethodGet, "/")
				switch {
				case tc.alive && (got.k != "v" || got.isNew):
					t.Errorf("k = %q, new %v; want the 30-day session (k = \"v\") honoured", got.k, got.isNew)
				case !tc.alive && (got.k != "" || !got.isNew):
					t.Errorf("k = %q, new %v; want a new, empty session: a lifetime above MaxLifetime is not honoured", got.k, got.isNew)
				case !tc.alive && st.Calls("Load") != 0:
					t.Errorf("%d Load calls for a token above MaxLifetime; want 0: it is treated as absent", st.Calls("Load"))
				}
			})
		})
	}
}

// Regenerate on a full store deletes the old record to make room and
// saves again; the old record is deleted once, not again after the save.
func TestRegenerateDeletesOldRecordOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		maxSessions int
	}{
		{"store with room", 0},
		{"full store", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mem := core.NewMemoryStore(core.MemoryStoreOptions{MaxSessions: tc.maxSessions, CleanupInterval: -1})
			t.Cleanup(func() { mem.Close() })
			st, m := withStore(t, &meteredStore{mem: mem, calls: map[string]int{}}, core.Config{})
			ck, oldID := login(t, m, "v")
			st.Reset()
			var newID string
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
				s.Regenerate()
				core.Key[string]("user").Set(s, "alice")
				newID = s.ID()
			})), get("/login", ck))
			if resp.StatusCode != http.StatusOK || !live(sessionCookie(t, resp, core.DefaultCookieName)) {
				t.Fatalf("login: status %d; want 200 and a new cookie", resp.StatusCode)
			}
			if n := st.Calls("Delete"); n != 1 {
				t.Errorf("login made %d Delete calls; want 1, for the one old record", n)
			}
			if _, found := st.Record(t, m, oldID); found {
				t.Error("the old record survived the login")
			}
			if rec, found := st.Record(t, m, newID); !found || string(rec.Values["user"]) != `"alice"` || string(rec.Values["k"]) != `"v"` {
				t.Errorf("new record found %v, values %v; want user and k under the new ID", found, keysOf(rec.Values))
			}
		})
	}
}

// Reload discards this request's uncommitted SetLifetime and RememberMe:
// neither reaches the store or the cookie, though a later change commits.
func TestReloadTakesBackLifetimeAndRememberMe(t *testing.T) {
	t.Parallel()
	sessionOnly := core.CookieConfig{SessionOnly: true}
	cases := []struct {
		name   string
		cfg    core.Config
		change func(*core.Session)
	}{
		{"SetLifetime", core.Config{}, func(s *core.Session) { s.SetLifetime(30 * day) }},
		{"SetLifetime, Rolling", core.Config{Rolling: true}, func(s *core.Session) { s.SetLifetime(30 * day) }},
		{"RememberMe, Rolling", core.Config{Rolling: true, Cookie: sessionOnly}, func(s *core.Session) { s.RememberMe(true) }},
		{"both, Rolling", core.Config{Rolling: true, Cookie: sessionOnly}, func(s *core.Session) {
			s.SetLifetime(30 * day)
			s.RememberMe(true)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				cfg := tc.cfg
				cfg.Lifetime, cfg.MaxLifetime = time.Hour, 30*day
				st, m := withStore(t, newMeteredStore(t), cfg)
				ck, id := login(t, m, "v")
				created := time.Now()
				time.Sleep(time.Minute)
				resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
					tc.change(s)
					if err := s.Reload(r.Context()); err != nil {
						t.Errorf("Reload: %v", err)
					}
					keyK.Set(s, "after")
				})), get("/", ck))
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status = %d; want 200", resp.StatusCode)
				}
				rec, _ := st.Record(t, m, id)
				if string(rec.Values["k"]) != `"after"` {
					t.Errorf("stored k = %s; want \"after\", set after the Reload", rec.Values["k"])
				}
				if d := rec.Expiry.Sub(created); d != time.Hour {
					t.Errorf("record expires %v after login; want the default Lifetime, 1h", d)
				}
				c := sessionCookie(t, resp, core.DefaultCookieName)
				switch {
				case c == nil && cfg.Rolling:
					t.Error("no Set-Cookie; want one, with Rolling")
				case c == nil:
				case cfg.Cookie.SessionOnly && (c.MaxAge != 0 || !c.Expires.IsZero()):
					t.Errorf("Set-Cookie Max-Age=%d, Expires %v; want a browser-session cookie", c.MaxAge, c.Expires)
				case c.MaxAge > int(time.Hour/time.Second):
					t.Errorf("Set-Cookie Max-Age=%d; want at most the default Lifetime, 3600", c.MaxAge)
				}
			})
		})
	}
}

// Touch forces a touch at the commit even after this request's throttled
// touch ran (here in Save) and failed: a store that is still down fails
// the request, one that is back extends the idle deadline.
func TestTouchAfterThrottledTouchInTheSameRequest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		storeBack bool // Touch succeeds again after the Save
		status    int
	}{
		{"store still down", false, http.StatusInternalServerError},
		{"store back", true, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				const idle = 10 * time.Minute
				st := newFailingStore(t)
				m := newManager(t, core.Config{Store: st, IdleTimeout: idle}) // TouchInterval 1m
				ck, id := login(t, m, "v")
				loggedIn := time.Now()
				time.Sleep(2 * time.Minute) // the throttled touch is due
				st.Fail(true, "Touch")
				st.Reset()
				resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
					if err := s.Save(r.Context()); err != nil {
						t.Errorf("Save: %v; want nil: a failed throttled touch is best effort", err)
					}
					st.Fail(!tc.storeBack, "Touch")
					s.Touch()
				})), get("/", ck))
				if resp.StatusCode != tc.status {
					t.Errorf("status = %d; want %d", resp.StatusCode, tc.status)
				}
				if n := st.Calls("Touch"); n != 2 {
					t.Errorf("%d Touch calls; want 2: the throttled one in Save, then the explicit one", n)
				}
				want := loggedIn.Add(idle)
				if tc.storeBack {
					want = time.Now().Add(idle)
				}
				if rec, _ := st.Record(t, m, id); !rec.Expiry.Equal(want) {
					t.Errorf("record expires %v after login; want %v", rec.Expiry.Sub(loggedIn), want.Sub(loggedIn))
				}
			})
		})
	}
}

// When Regenerate's Save writes the new record but deleting the old one
// fails, the session is the new record from then on: a Destroy, in the
// same request or a later one, deletes both.
func TestDestroyAfterRegenerateWhoseDeleteFailed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		later bool // Destroy in a later request
	}{
		{"same request", false},
		{"later request", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newFailingStore(t), core.Config{})
			var oldID, newID string
			c := newClient(t, routes(m, map[string]func(http.ResponseWriter, *http.Request, *core.Session){
				"/login": func(_ http.ResponseWriter, _ *http.Request, s *core.Session) {
					keyK.Set(s, "v")
					oldID = s.ID()
				},
				"/regenerate": func(_ http.ResponseWriter, r *http.Request, s *core.Session) {
					s.Regenerate()
					st.Fail(true, "Delete")
					err := s.Save(r.Context())
					st.Fail(false, "Delete") // the store fails this one Delete
					if !errors.Is(err, core.ErrSave) || !errors.Is(err, errBackend) {
						t.Errorf("Save = %v; want ErrSave wrapping the store's error", err)
					}
					newID = s.ID()
					if !tc.later {
						s.Destroy()
					}
				},
				"/get":    func(w http.ResponseWriter, _ *http.Request, s *core.Session) { io.WriteString(w, keyK.Get(s)) },
				"/logout": func(_ http.ResponseWriter, _ *http.Request, s *core.Session) { s.Destroy() },
			}))
			fetch(t, c, http.MethodGet, "/login")
			fetch(t, c, http.MethodGet, "/regenerate")
			if oldID == "" || newID == "" || newID == oldID {
				t.Fatalf("IDs before and after Regenerate: %q and %q; want two", oldID, newID)
			}
			if tc.later {
				if _, got := fetch(t, c, http.MethodGet, "/get"); got != "v" {
					t.Errorf("GET /get after the regenerating request = %q; want %q: the client must hold the saved session's cookie", got, "v")
				}
				fetch(t, c, http.MethodGet, "/logout")
			}
			for name, id := range map[string]string{"old": oldID, "new": newID} {
				if _, found := st.Record(t, m, id); found {
					t.Errorf("the %s record survived the Destroy", name)
				}
			}
		})
	}
}
