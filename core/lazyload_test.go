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
			st, m := withStore(t, newMeteredStore(t), tc.cfg)
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
	st, m := withStore(t, newMeteredStore(t), core.Config{IdleTimeout: time.Hour})
	ck, _ := storedSession(t, m, st, time.Now().Add(-10*time.Minute), time.Now().Add(50*time.Minute))
	resp := serve(m.Handler(http.NotFoundHandler()), get("/", ck))
	if n, touches := st.Total(), st.Calls("Touch"); n != 1 || touches != 1 {
		t.Errorf("%d store operations (%d touches); want exactly one Touch", n, touches)
	}
	if !live(sessionCookie(t, resp, "session")) {
		t.Error("the touch did not re-send the cookie")
	}
}

func TestStoreIsLoadedOncePerRequest(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, _ := login(t, m, "v")
	st.Reset()
	serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		if err := s.Load(r.Context()); err != nil {
			t.Errorf("Load: %v", err)
		}
		keyK.Get(s)
		s.Keys()
		has(s, "x")
		s.ID()
		s.IsNew()
		s.Deadlines()
		s.Err()
	})), get("/", ck))
	if n := st.Calls("Load"); n != 1 {
		t.Errorf("%d Load calls; want 1", n)
	}
}

func TestLoadFailureNeverOverwritesRecord(t *testing.T) {
	t.Parallel()
	// Each operation, after a failed load, must leave the record alone and
	// fail the request through the error handler.
	ops := []struct {
		name string
		op   func(s *core.Session)
	}{
		{"Get", func(s *core.Session) {
			if v := keyK.Get(s); v != "" {
				t.Errorf("Get = %q; want \"\" after a failed load", v)
			}
		}},
		{"Lookup, Keys, ID, IsNew, Deadlines", func(s *core.Session) {
			_, found := keyK.Lookup(s)
			keys, id, isNew, d := s.Keys(), s.ID(), s.IsNew(), s.Deadlines()
			if found || keys == nil || len(keys) != 0 || id != "" || isNew || d != (core.Deadlines{}) {
				t.Errorf("failed session: Lookup found %v, Keys = %#v, ID = %q, IsNew = %v, Deadlines = %v; want false, [], \"\", false, zero", found, keys, id, isNew, d)
			}
		}},
		{"Set", func(s *core.Session) { keyK.Set(s, "overwritten") }},
		{"Delete", func(s *core.Session) { keyK.Delete(s) }},
		{"Pop", func(s *core.Session) { keyK.Pop(s) }},
		{"Clear", func(s *core.Session) { s.Clear() }},
		{"Regenerate", func(s *core.Session) { s.Regenerate() }},
		{"RememberMe", func(s *core.Session) { s.RememberMe(true) }},
		{"SetLifetime", func(s *core.Session) { s.SetLifetime(time.Hour) }},
		{"Touch", func(s *core.Session) { keyK.Get(s); s.Touch() }},
	}
	for _, tc := range ops {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var errs reported
			st, m := withStore(t, newFailingStore(t), core.Config{ErrorHandler: errs.handle, IdleTimeout: time.Hour})
			ck, id := login(t, m, "precious")
			st.Fail(true, "Load")
			st.Reset()

			resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				tc.op(s)
				w.Write([]byte("handler body"))
			})), get("/", ck))

			// No cookie either: the client's must survive an outage.
			wantReplaced(t, resp, http.StatusInternalServerError)
			if err := errs.one(t); !errors.Is(err, core.ErrLoad) || !errors.Is(err, errBackend) {
				t.Errorf("error handler got %v; want one error wrapping ErrLoad and the store's error", err)
			}
			if n := st.Writes() + st.Calls("Delete") + st.Calls("Touch"); n != 0 {
				t.Errorf("%d writes after a failed load; want 0", n)
			}
			st.Fail(false, "Load")
			var got seen
			serve(m.Handler(reader(&got)), get("/", ck))
			if got.k != "precious" || got.id != id {
				t.Errorf("after the outage: ID %q, k %q; want the intact session %q, precious", got.id, got.k, id)
			}
		})
	}
}

func TestExplicitLoadReportsFailure(t *testing.T) {
	t.Parallel()
	var errs reported
	st, m := withStore(t, newFailingStore(t), core.Config{ErrorHandler: errs.handle})
	ck, _ := login(t, m, "v")
	st.Fail(true, "Load")
	var loadErr error
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		loadErr = s.Load(r.Context())
		if err := s.Load(r.Context()); !errors.Is(err, core.ErrLoad) {
			t.Errorf("second Load = %v; want the same failure", err)
		}
		keyK.Set(s, "lost")
		if err := s.Err(); !errors.Is(err, core.ErrLoad) {
			t.Errorf("Err() after a Set after a failed Load = %v; want the load error", err)
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
	if got := errs.all(); len(got) != 0 {
		t.Errorf("error handler called with %v; want none: the handler answered for the error", got)
	}
	if c := sessionCookie(t, resp, "session"); c != nil {
		t.Errorf("Set-Cookie %v; want none after a failed load", c)
	}
}

func TestLoadHonoursStoreTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		st := newFailingStore(t)
		st.lag = 5 * time.Second
		m := newManager(t, core.Config{Store: st, StoreTimeout: 100 * time.Millisecond})
		ck, _ := login(t, m, "v")
		st.Fail(true, "Load")
		var err error
		start := time.Now()
		serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
			err = s.Load(r.Context())
		})), get("/", ck))
		if !errors.Is(err, core.ErrLoad) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Load from a hanging store = %v; want ErrLoad wrapping context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Errorf("Load returned after %v; want the 100ms StoreTimeout to cut it short", d)
		}
	})
}
