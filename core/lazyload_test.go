package core_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestUntouchedRequestCostsNoStoreOperation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  core.Config
	}{
		{"no idle timeout", core.Config{}},
		{"idle timeout, touch not due", core.Config{IdleTimeout: time.Hour}},
		{"save uninitialized", core.Config{SaveUninitialized: true}},
		{"rolling", core.Config{Rolling: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := newCountingStore(t)
			tc.cfg.Store = st
			m := newManager(t, tc.cfg)
			ck, _ := login(t, m, "v")
			st.Reset()
			untouched := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("static page"))
			})
			for range 10 {
				resp := serve(m.Handler(untouched), get("/", ck))
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status = %d", resp.StatusCode)
				}
			}
			if n := st.Total(); n != 0 {
				t.Errorf("10 requests that never used the session cost %d store operations; want 0", n)
			}
		})
	}
}

func TestUntouchedRequestCostsAtMostTheIdleTouch(t *testing.T) {
	t.Parallel()
	st := newCountingStore(t)
	m := newManager(t, core.Config{Store: st, IdleTimeout: time.Hour})
	id := newID(t)
	old := time.Now().Add(-10 * time.Minute)
	st.Put(t, id, core.Record{Values: map[string][]byte{"k": []byte(`"v"`)}, Expiry: time.Now().Add(50 * time.Minute)})
	resp := serve(m.Handler(http.NotFoundHandler()), get("/", &http.Cookie{Name: "session", Value: validToken(id, old, old)}))
	if n, touches := st.Total(), st.Calls("Touch"); n != 1 || touches != 1 {
		t.Errorf("%d store operations (%d touches); want exactly one Touch", n, touches)
	}
	if !live(sessionCookie(t, resp, "session")) {
		t.Error("the touch did not re-send the cookie")
	}
}

func TestStoreIsLoadedOncePerRequest(t *testing.T) {
	t.Parallel()
	st := newCountingStore(t)
	m := newManager(t, core.Config{Store: st})
	ck, _ := login(t, m, "v")
	st.Reset()
	serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		if err := s.Load(r.Context()); err != nil {
			t.Errorf("Load: %v", err)
		}
		core.Get[string](s, "k")
		s.Keys()
		s.Has("x")
		s.ID()
		s.IsNew()
	})), get("/", ck))
	if n := st.Calls("Load"); n != 1 {
		t.Errorf("%d Load calls; want 1", n)
	}
}

func TestLoadFailureNeverOverwritesRecord(t *testing.T) {
	t.Parallel()
	st := newFailingStore(t)
	var handled []error
	m := newManager(t, core.Config{Store: st, ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		handled = append(handled, err)
		http.Error(w, "try again later", http.StatusInternalServerError)
	}})
	ck, id := login(t, m, "precious")
	st.Fail(true, "Load")
	st.Reset()

	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		v, err := core.Get[string](s, "k")
		if !errors.Is(err, core.ErrLoad) || v != "" {
			t.Errorf("Get = %q, %v; want an error wrapping ErrLoad", v, err)
		}
		if s.Has("k") || s.Keys() != nil || s.ID() != "" || s.IsNew() {
			t.Errorf("failed session: Has = %v, Keys = %v, ID = %q, IsNew = %v; want false, nil, \"\", false", s.Has("k"), s.Keys(), s.ID(), s.IsNew())
		}
		for name, err := range map[string]error{
			"Set":        s.Set("k", "overwritten"),
			"Delete":     s.Delete("k"),
			"Clear":      s.Clear(),
			"Regenerate": s.Regenerate(),
			"RememberMe": s.RememberMe(true),
		} {
			if !errors.Is(err, core.ErrLoad) {
				t.Errorf("%s = %v; want an error wrapping ErrLoad", name, err)
			}
		}
		w.Write([]byte("pretend all is well"))
	})), get("/", ck))

	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status = %d; want 500 from the error handler", resp.StatusCode)
	}
	if b := body(t, resp); strings.Contains(b, "pretend") {
		t.Errorf("body = %q; the handler's body must be discarded", b)
	}
	if len(handled) != 1 || !errors.Is(handled[0], core.ErrLoad) || !errors.Is(handled[0], errBackend) {
		t.Errorf("error handler got %v; want one error wrapping ErrLoad and the store's error", handled)
	}
	if n := st.Writes() + st.Calls("Delete") + st.Calls("Touch"); n != 0 {
		t.Errorf("%d writes after a failed load; want 0", n)
	}
	if c := setCookies(resp, "session"); len(c) != 0 {
		t.Errorf("Set-Cookie = %v; want none: the client's cookie must survive an outage", c)
	}

	st.Fail(false, "Load")
	var got seen
	serve(m.Handler(reader(&got)), get("/", ck))
	if got.k != "precious" || got.id != id {
		t.Errorf("after the outage: ID %q, k %q; want the intact session %q, precious", got.id, got.k, id)
	}
}

func TestExplicitLoadReportsFailure(t *testing.T) {
	t.Parallel()
	st := newFailingStore(t)
	var handled []error
	m := newManager(t, core.Config{Store: st, ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		handled = append(handled, err)
		http.Error(w, "error handler", http.StatusInternalServerError)
	}})
	ck, _ := login(t, m, "v")
	st.Fail(true, "Load")
	var loadErr error
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		loadErr = s.Load(r.Context())
		if err := s.Load(r.Context()); !errors.Is(err, core.ErrLoad) {
			t.Errorf("second Load = %v; want the same failure", err)
		}
		if err := s.Set("k", "lost"); !errors.Is(err, core.ErrLoad) {
			t.Errorf("Set after a failed Load = %v; want the load error", err)
		}
		// The handler owns the error it asked for: a degraded page.
		http.Error(w, "degraded", http.StatusServiceUnavailable)
	})), get("/", ck))
	if !errors.Is(loadErr, core.ErrLoad) || !errors.Is(loadErr, errBackend) {
		t.Errorf("Load = %v; want an error wrapping ErrLoad and the store's error", loadErr)
	}
	if st.Calls("Load") != 1 {
		t.Errorf("%d store Loads; want 1: a failed load is not retried within the request", st.Calls("Load"))
	}
	if b := body(t, resp); resp.StatusCode != http.StatusServiceUnavailable || b != "degraded\n" {
		t.Errorf("response = %d %q; want the handler's own 503 \"degraded\"", resp.StatusCode, b)
	}
	if len(handled) != 0 {
		t.Errorf("error handler called with %v; want none: the handler answered for the error", handled)
	}
	if c := sessionCookie(t, resp, "session"); c != nil {
		t.Errorf("Set-Cookie %v; want none after a failed load", c)
	}
}

func TestLoadHonoursStoreTimeout(t *testing.T) {
	t.Parallel()
	st := &slowStore{Store: newCountingStore(t), delay: 5 * time.Second}
	m := newManager(t, core.Config{Store: st, StoreTimeout: 100 * time.Millisecond})
	ck, _ := login(t, m, "v")
	st.slow.Store(true)
	var err error
	start := time.Now()
	serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		err = s.Load(r.Context())
	})), get("/", ck))
	if !errors.Is(err, core.ErrLoad) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Load from a hanging store = %v; want ErrLoad wrapping context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Load returned after %v; want the 100ms StoreTimeout to cut it short", d)
	}
}
