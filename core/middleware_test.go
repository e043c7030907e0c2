package core_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adapterkit"
)

type ctxKey string

func TestAccessorsReturnTheBoundSession(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	var outerValue any
	var deadline bool
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		if s != core.FromContext(r.Context()) || s != m.FromContext(r.Context()) {
			t.Error("FromRequest, FromContext and Manager.FromContext disagree")
		}
		// The request context keeps what outer middleware put there.
		outerValue = r.Context().Value(ctxKey("outer"))
		_, deadline = r.Context().Deadline()
		// A string key never finds the session.
		if v := r.Context().Value("sessionkit"); v != nil {
			t.Errorf("Value(\"sessionkit\") = %v; want nil: keys are unexported pointers", v)
		}
		keyK.Set(s, "v")
	}))
	r := get("/")
	ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), ctxKey("outer"), "kept"), time.Minute)
	defer cancel()
	resp := serve(h, r.WithContext(ctx))
	if outerValue != "kept" || !deadline {
		t.Errorf("outer context value = %v, deadline %v; want kept, true", outerValue, deadline)
	}
	if !live(sessionCookie(t, resp, "session")) {
		t.Error("no session cookie")
	}
}

func TestTwoManagersSideBySide(t *testing.T) {
	t.Parallel()
	st := newMeteredStore(t)
	user := newManager(t, core.Config{Store: st, Cookie: core.CookieConfig{Name: "user_session"}})
	admin := newManager(t, core.Config{Store: st, Cookie: core.CookieConfig{Name: "admin_session"}})
	h := user.Handler(admin.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		us, as := user.FromContext(r.Context()), admin.FromContext(r.Context())
		if us == as {
			t.Fatal("both managers returned the same session")
		}
		if core.FromRequest(r) != as {
			t.Error("FromRequest did not return the innermost (admin) session")
		}
		who := core.Key[string]("who")
		switch r.URL.Path {
		case "/login":
			who.Set(us, "user")
			who.Set(as, "admin")
		case "/read":
			w.Write([]byte(who.Get(us) + "," + who.Get(as)))
		}
	})))
	resp := serve(h, get("/login"))
	uc, ac := sessionCookie(t, resp, "user_session"), sessionCookie(t, resp, "admin_session")
	if !live(uc) || !live(ac) {
		t.Fatalf("cookies %v, %v; want one per manager", uc, ac)
	}
	tests := []struct {
		name    string
		cookies []*http.Cookie
		want    string
	}{
		{"both", []*http.Cookie{uc, ac}, "user,admin"},
		{"user only", []*http.Cookie{uc}, "user,"},
		{"admin only", []*http.Cookie{ac}, ",admin"},
		// A cookie signed for one name is worthless under the other.
		{"swapped", []*http.Cookie{{Name: "user_session", Value: ac.Value}, {Name: "admin_session", Value: uc.Value}}, ","},
	}
	for _, tc := range tests {
		if got := body(t, serve(h, get("/read", tc.cookies...))); got != tc.want {
			t.Errorf("%s: read %q; want %q", tc.name, got, tc.want)
		}
	}
}

func TestNoMiddlewareYieldsErrNoSession(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	other := newManager(t, core.Config{Cookie: core.CookieConfig{Name: "other"}})
	ctxWithOther := func() context.Context {
		var ctx context.Context
		serve(other.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ctx = r.Context() })), get("/"))
		return ctx
	}
	missing := fmt.Errorf("%w: install the middleware", core.ErrNoSession)
	var nilCtx context.Context
	sessions := map[string]*core.Session{
		"FromContext, bare context":         core.FromContext(context.Background()),
		"FromContext, nil context":          core.FromContext(nilCtx),
		"FromRequest, bare request":         core.FromRequest(get("/")),
		"FromRequest, nil request":          core.FromRequest(nil),
		"Manager.FromContext, bare":         m.FromContext(context.Background()),
		"Manager.FromContext, nil context":  m.FromContext(nilCtx),
		"Manager.FromContext, other mgr":    m.FromContext(ctxWithOther()),
		"adapterkit.FromContext, other mgr": adapterkit.FromContext(ctxWithOther(), m, missing),
		"adapterkit.FromContext, nil":       adapterkit.FromContext(nilCtx, nil, missing),
		"adapterkit.Unavailable":            adapterkit.Unavailable(missing),
	}
	ops := map[string]func(s *core.Session){
		"Get":         func(s *core.Session) { core.Key[int]("k").Get(s) },
		"Lookup":      func(s *core.Session) { core.Key[int]("k").Lookup(s) },
		"Set":         func(s *core.Session) { core.Key[int]("k").Set(s, 1) },
		"Delete":      func(s *core.Session) { core.Key[int]("k").Delete(s) },
		"Pop":         func(s *core.Session) { core.Key[int]("k").Pop(s) },
		"Clear":       func(s *core.Session) { s.Clear() },
		"Regenerate":  func(s *core.Session) { s.Regenerate() },
		"RememberMe":  func(s *core.Session) { s.RememberMe(true) },
		"SetLifetime": func(s *core.Session) { s.SetLifetime(time.Hour) },
		"Destroy":     func(s *core.Session) { s.Destroy() },
		"Touch":       func(s *core.Session) { s.Touch() },
	}
	for name, s := range sessions {
		t.Run(name, func(t *testing.T) {
			if s == nil {
				t.Fatal("accessor returned nil")
			}
			ctx := context.Background()
			for op, fn := range ops {
				fn(s)
				if err := errOf(t, s); !errors.Is(err, core.ErrNoSession) {
					t.Errorf("Err() after %s = %v; want ErrNoSession", op, err)
				}
			}
			for op, err := range map[string]error{"Load": s.Load(ctx), "Reload": s.Reload(ctx), "Save": s.Save(ctx)} {
				if !errors.Is(err, core.ErrNoSession) {
					t.Errorf("%s = %v; want ErrNoSession", op, err)
				}
			}
			if v, ok := core.Key[int]("k").Lookup(s); v != 0 || ok {
				t.Errorf("Lookup = %d, %v; want 0, false", v, ok)
			}
			if k := s.Keys(); s.ID() != "" || k == nil || len(k) != 0 || s.IsNew() || s.Deadlines() != (core.Deadlines{}) {
				t.Errorf("ID %q, Keys %#v, IsNew %v, Deadlines %v; want empty answers", s.ID(), k, s.IsNew(), s.Deadlines())
			}
		})
	}
	if err := errOf(t, m.FromContext(ctxWithOther())); err == nil || !strings.Contains(err.Error(), `"session"`) {
		t.Errorf("Manager.FromContext error %v; want it to name the manager's cookie", err)
	}
}

// errOf returns s.Err(), reporting a panic as a failure of t rather than
// of the whole test binary.
func errOf(t *testing.T, s *core.Session) (err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Err() panicked: %v", p)
		}
	}()
	return s.Err()
}

func TestAdapterkitFromContextFindsTheBoundSession(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	other := newManager(t, core.Config{Cookie: core.CookieConfig{Name: "admin"}})
	missing := fmt.Errorf("%w: install the middleware", core.ErrNoSession)
	if err := errOf(t, adapterkit.FromContext(context.Background(), nil, missing)); !errors.Is(err, missing) {
		t.Errorf("adapterkit.FromContext(no middleware).Err() = %v; want the missing error", err)
	}
	serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		if got := adapterkit.FromContext(r.Context(), nil, missing); got != s {
			t.Errorf("adapterkit.FromContext(nil manager) = %p; want the bound session %p", got, s)
		}
		if got := adapterkit.FromContext(r.Context(), m, missing); got != s {
			t.Errorf("adapterkit.FromContext(m) = %p; want the bound session %p", got, s)
		}
		if got := adapterkit.FromContext(r.Context(), other, missing); got == s || !errors.Is(errOf(t, got), missing) {
			t.Errorf("adapterkit.FromContext(another manager) = %p; want an unavailable session", got)
		}
	})), get("/"))
}

// Installing the same manager's middleware twice (globally and on a route
// group, say) must bind one session per request: the inner middleware
// passes through to the outer one, whose cookie then carries what the
// handler did.
func TestSameMiddlewareTwiceSharesOneSession(t *testing.T) {
	t.Parallel()
	user := core.Key[string]("user")
	tests := []struct {
		name  string
		cfg   core.Config
		check func(t *testing.T, c *http.Client, st *meteredStore)
	}{
		{"one session per request", core.Config{}, func(t *testing.T, c *http.Client, st *meteredStore) {
			fetch(t, c, http.MethodGet, "/set?v=v")
			if _, b := fetch(t, c, http.MethodGet, "/get"); b != "v" {
				t.Errorf("GET /get = %q; want v", b)
			}
			if n, _ := st.Count(t.Context()); n != 1 {
				t.Errorf("store holds %d sessions; want 1", n)
			}
		}},
		{"Rolling login with Regenerate keeps the new cookie", core.Config{Rolling: true}, func(t *testing.T, c *http.Client, st *meteredStore) {
			resp, _ := fetch(t, c, http.MethodGet, "/set?v=v")
			anon := sessionCookie(t, resp, "session")
			resp, _ = fetch(t, c, http.MethodPost, "/login")
			if ck := sessionCookie(t, resp, "session"); !live(ck) || ck.Value == anon.Value {
				t.Errorf("login Set-Cookie = %v; want the regenerated session's new cookie", ck)
			}
			if _, b := fetch(t, c, http.MethodGet, "/me"); b != "alice" {
				t.Errorf("GET /me after login = %q; want alice: the user must stay logged in", b)
			}
			if n, _ := st.Count(t.Context()); n != 1 {
				t.Errorf("store holds %d sessions; want 1", n)
			}
		}},
		{"SaveUninitialized stores one session per visitor", core.Config{SaveUninitialized: true}, func(t *testing.T, c *http.Client, st *meteredStore) {
			for range 2 {
				fetch(t, c, http.MethodGet, "/visit")
				if n, _ := st.Count(t.Context()); n != 1 {
					t.Errorf("store holds %d sessions after a visit; want 1", n)
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), tc.cfg)
			mux := http.NewServeMux()
			mux.HandleFunc("GET /visit", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hi")) })
			mux.Handle("GET /set", setter)
			mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(keyK.Get(core.FromRequest(r)))) })
			mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
				s := core.FromRequest(r)
				s.Regenerate()
				user.Set(s, "alice")
			})
			mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(user.Get(core.FromRequest(r)))) })
			// Between the two middlewares, check the handler saw the
			// session the outer middleware bound.
			between := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					outer := core.FromRequest(r)
					var inner *core.Session
					next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey("probe"), &inner)))
					if inner != outer {
						t.Errorf("%s %s: the handler's session %p is not the outer middleware's %p", r.Method, r.URL.Path, inner, outer)
					}
				})
			}
			record := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					*r.Context().Value(ctxKey("probe")).(**core.Session) = core.FromRequest(r)
					next.ServeHTTP(w, r)
				})
			}
			tc.check(t, newClient(t, m.Handler(between(m.Handler(record(mux))))), st)
		})
	}
}
