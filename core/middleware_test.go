package core_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
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
		s.Set("k", "v")
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
	st := newCountingStore(t)
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
		switch r.URL.Path {
		case "/login":
			us.Set("who", "user")
			as.Set("who", "admin")
		case "/read":
			u, _ := core.Get[string](us, "who")
			a, _ := core.Get[string](as, "who")
			w.Write([]byte(u + "," + a))
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
	sessions := map[string]*core.Session{
		"FromContext, bare context":      core.FromContext(context.Background()),
		"FromRequest, bare request":      core.FromRequest(get("/")),
		"Manager.FromContext, bare":      m.FromContext(context.Background()),
		"Manager.FromContext, other mgr": m.FromContext(ctxWithOther()),
	}
	for name, s := range sessions {
		t.Run(name, func(t *testing.T) {
			if s == nil {
				t.Fatal("accessor returned nil")
			}
			ctx := context.Background()
			errs := map[string]error{
				"Set":        s.Set("k", 1),
				"Delete":     s.Delete("k"),
				"Clear":      s.Clear(),
				"Regenerate": s.Regenerate(),
				"RememberMe": s.RememberMe(true),
				"Load":       s.Load(ctx),
				"Reload":     s.Reload(ctx),
				"Save":       s.Save(ctx),
				"Commit":     s.Commit(),
				"Finish":     s.Finish(),
			}
			_, errs["Get"] = core.Get[int](s, "k")
			_, _, errs["Lookup"] = core.Lookup[int](s, "k")
			_, errs["Pop"] = core.Pop[int](s, "k")
			for op, err := range errs {
				if !errors.Is(err, core.ErrNoSession) {
					t.Errorf("%s = %v; want ErrNoSession", op, err)
				}
			}
			s.Destroy()
			s.Touch()
			s.Abandon()
			if s.ID() != "" || s.Keys() != nil || s.Has("k") || s.IsNew() {
				t.Errorf("ID %q, Keys %v, Has %v, IsNew %v; want empty answers", s.ID(), s.Keys(), s.Has("k"), s.IsNew())
			}
		})
	}
	err := m.FromContext(ctxWithOther()).Set("k", 1)
	if !strings.Contains(err.Error(), `"session"`) {
		t.Errorf("Manager.FromContext error %q; want it to name the manager's cookie", err)
	}
}

func TestWrapOnUnavailableSessionFailsCleanly(t *testing.T) {
	t.Parallel()
	s := core.FromContext(context.Background())
	rec := httptest.NewRecorder()
	w := s.Wrap(rec, nil)
	w.Write([]byte("body"))
	w.Finish()
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "body") {
		t.Errorf("response = %d %q; want a 500 without the handler's body", rec.Code, rec.Body.String())
	}
}

func TestBoundReportsWhetherAMiddlewareRan(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	other := newManager(t, core.Config{Cookie: core.CookieConfig{Name: "admin"}})
	if s, ok := core.Bound(context.Background()); ok || s != nil {
		t.Errorf("core.Bound(no middleware) = %v, %v; want nil, false", s, ok)
	}
	if s, ok := m.Bound(context.Background()); ok || s != nil {
		t.Errorf("Manager.Bound(no middleware) = %v, %v; want nil, false", s, ok)
	}
	serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		if got, ok := core.Bound(r.Context()); !ok || got != s {
			t.Errorf("core.Bound = %p, %v; want the bound session %p", got, ok, s)
		}
		if got, ok := m.Bound(r.Context()); !ok || got != s {
			t.Errorf("Manager.Bound = %p, %v; want the bound session %p", got, ok, s)
		}
		if _, ok := other.Bound(r.Context()); ok {
			t.Error("another manager's Bound = true; want false")
		}
	})), get("/"))
}
