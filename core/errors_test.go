package core_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// storeFailures are requests that each need one store method, which fails.
var storeFailures = []struct {
	method  string
	cfg     core.Config
	existed bool // the request carries a stored session's cookie
	handler func(s *core.Session)
	want    error
}{
	{"Load", core.Config{}, true, func(s *core.Session) { keyK.Get(s) }, core.ErrLoad},
	{"Save", core.Config{}, false, func(s *core.Session) { keyK.Set(s, "v") }, core.ErrSave},
	{"Patch", core.Config{}, true, func(s *core.Session) { keyK.Set(s, "w") }, core.ErrSave},
	{"Touch", core.Config{}, true, func(s *core.Session) { s.Touch() }, core.ErrSave},
	{"Delete", core.Config{}, true, func(s *core.Session) { s.Destroy() }, core.ErrSave},
}

func TestDefaultErrorHandlerHidesStoreErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range storeFailures {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			st := newFailingStore(t)
			var logged syncBuffer
			cfg := tc.cfg
			cfg.Store, cfg.Logger = st, newTestLogger(&logged)
			m := newManager(t, cfg)
			var ck *http.Cookie
			if tc.existed {
				ck, _ = login(t, m, "v")
			}
			st.Fail(true, tc.method)
			resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				tc.handler(s)
				w.Write([]byte("handler body"))
			})), get("/private/path", ck))
			b := body(t, resp)
			if resp.StatusCode != http.StatusInternalServerError {
				t.Errorf("status = %d; want 500", resp.StatusCode)
			}
			if strings.Contains(b, "backend") || strings.Contains(b, "hunter2") || strings.Contains(b, "handler body") {
				t.Errorf("body = %q; want a generic message without the store's error", b)
			}
			if strings.TrimSpace(b) != http.StatusText(http.StatusInternalServerError) {
				t.Errorf("body = %q; want %q", b, http.StatusText(http.StatusInternalServerError))
			}
			log := logged.String()
			for _, want := range []string{"level=ERROR", errBackend.Error(), "/private/path", "GET"} {
				if !strings.Contains(log, want) {
					t.Errorf("log = %q; want it to contain %q", log, want)
				}
			}
		})
	}
}

func TestCustomErrorHandler(t *testing.T) {
	t.Parallel()
	for _, tc := range storeFailures {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			st := newFailingStore(t)
			var got error
			var sawSession bool
			cfg := tc.cfg
			cfg.Store = st
			cfg.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
				got = err
				_, sawSession = r.Context().Value(ctxKey("marker")).(string)
				w.Header().Set("Retry-After", "5")
				http.Error(w, "busy", http.StatusServiceUnavailable)
			}
			m := newManager(t, cfg)
			var ck *http.Cookie
			if tc.existed {
				ck, _ = login(t, m, "v")
			}
			st.Fail(true, tc.method)
			r := get("/", ck)
			r = r.WithContext(context.WithValue(r.Context(), ctxKey("marker"), "x"))
			resp := serve(m.Handler(sessionFunc(tc.handler)), r)
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "5" {
				t.Errorf("status %d, Retry-After %q; want the custom handler's 503", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
			if !errors.Is(got, tc.want) || !errors.Is(got, errBackend) {
				t.Errorf("error handler got %v; want it to wrap %v and the store's error", got, tc.want)
			}
			if !sawSession {
				t.Error("error handler's request lost the request context")
			}
		})
	}
}

func TestSentinelErrors(t *testing.T) {
	t.Parallel()
	full := core.NewMemoryStore(core.MemoryStoreOptions{MaxSessions: 1, CleanupInterval: -1})
	t.Cleanup(func() { full.Close() })
	errs := reported{status: http.StatusInsufficientStorage}
	m := newManager(t, core.Config{Store: full, ErrorHandler: errs.handle})
	login(t, m, "first")
	resp := serve(m.Handler(setter), get("/?v=second"))
	if handled := errs.one(t); resp.StatusCode != http.StatusInsufficientStorage || !errors.Is(handled, core.ErrSave) || !errors.Is(handled, core.ErrStoreFull) {
		t.Errorf("new session in a full store: status %d, error %v; want ErrSave wrapping ErrStoreFull", resp.StatusCode, handled)
	}

	_, err := core.New(core.Config{})
	if !errors.Is(err, core.ErrInvalidConfig) {
		t.Errorf("New(empty) = %v; want ErrInvalidConfig", err)
	}
	if _, err := core.DecodeRecord([]byte("nope")); !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("DecodeRecord(garbage) = %v; want ErrBadRecord", err)
	}
	if _, err := core.EncodeRecord(core.Record{Values: map[string][]byte{"k": []byte("{not json")}}); !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("EncodeRecord(invalid JSON value) = %v; want ErrBadRecord", err)
	}
	// The sentinels are distinct.
	all := []error{core.ErrInvalidConfig, core.ErrTypeMismatch, core.ErrEncode, core.ErrLifetime, core.ErrLoad, core.ErrSave,
		core.ErrHeadersSent, core.ErrNoSession, core.ErrStoreFull, core.ErrBadRecord}
	for i, a := range all {
		for j, b := range all {
			if i != j && errors.Is(a, b) {
				t.Errorf("errors.Is(%v, %v) = true; want distinct sentinels", a, b)
			}
		}
	}
}

func TestErrorHandlerGetsDiscardingWriterAfterHeaders(t *testing.T) {
	t.Parallel()
	st := newFailingStore(t)
	var handled error
	m := newManager(t, core.Config{Store: st, ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		handled = err
		w.Header().Set("X-Late", "1")
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("late error page"))
	}})
	ck, _ := login(t, m, "v")
	st.Fail(true, "Patch")
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		w.Write([]byte("page"))
		keyK.Set(s, "late")
	})), get("/", ck))
	if !errors.Is(handled, core.ErrHeadersSent) || !errors.Is(handled, core.ErrSave) || !errors.Is(handled, errBackend) {
		t.Errorf("error handler got %v; want ErrHeadersSent wrapping the save failure", handled)
	}
	if b := body(t, resp); resp.StatusCode != http.StatusOK || b != "page" || resp.Header.Get("X-Late") != "" {
		t.Errorf("response = %d %q (X-Late %q); want the handler's 200 page untouched", resp.StatusCode, b, resp.Header.Get("X-Late"))
	}
}

func TestFailedIdleTouchDoesNotFailTheRequest(t *testing.T) {
	t.Parallel()
	var logged syncBuffer
	st, m := withStore(t, newFailingStore(t), core.Config{IdleTimeout: time.Hour, Logger: newTestLogger(&logged)})
	ck, _ := storedSession(t, m, st.meteredStore, time.Now().Add(-10*time.Minute), time.Now().Add(50*time.Minute))
	st.Fail(true, "Touch")
	resp := serve(m.Handler(static), get("/static", ck))
	if b := body(t, resp); resp.StatusCode != http.StatusOK || b != "static" {
		t.Errorf("response = %d %q; want the page despite the failed touch", resp.StatusCode, b)
	}
	if !strings.Contains(logged.String(), "idle touch failed") {
		t.Errorf("log = %q; want the failed touch reported", logged.String())
	}
}

// static is a page that never uses the session.
var static = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("static"))
})

// During a store outage a page that never uses the session must not pay a
// store timeout more than once per request, nor more than once per
// TouchInterval across all requests: a throttled touch that failed pauses
// throttled touches manager-wide. An explicit Touch still fails.
func TestFailedIdleTouchIsTriedOncePerInterval(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const timeout = 5 * time.Second
		st := newFailingStore(t)
		st.lag = time.Minute // a backend that hangs until StoreTimeout
		var logged syncBuffer
		m := newManager(t, core.Config{Store: st, IdleTimeout: time.Hour, TouchInterval: time.Minute, StoreTimeout: timeout, Logger: newTestLogger(&logged)})
		ck, _ := storedSession(t, m, st.meteredStore, time.Now().Add(-10*time.Minute), time.Now().Add(50*time.Minute))
		other, _ := storedSession(t, m, st.meteredStore, time.Now().Add(-10*time.Minute), time.Now().Add(50*time.Minute))
		st.Fail(true, "Touch")
		touching := sessionFunc(func(s *core.Session) { s.Touch() })
		steps := []struct {
			name    string
			wait    time.Duration // before the request
			cookie  *http.Cookie
			h       http.Handler
			touches int
			status  int
		}{
			{"first request", 0, ck, static, 1, http.StatusOK},
			{"same session within the interval", 10 * time.Second, ck, static, 0, http.StatusOK},
			// One session's failure never pauses another's touches.
			{"another session within the interval", 0, other, static, 1, http.StatusOK},
			{"explicit Touch within the interval", 0, ck, touching, 1, http.StatusInternalServerError},
			{"same session after the interval", time.Minute, other, static, 1, http.StatusOK},
			{"within the next interval", time.Second, other, static, 0, http.StatusOK},
		}
		for _, step := range steps {
			time.Sleep(step.wait)
			st.Reset()
			start := time.Now()
			resp := serve(m.Handler(step.h), get("/", step.cookie))
			if took := time.Since(start); took > timeout {
				t.Errorf("%s: request took %v; want at most one StoreTimeout (%v)", step.name, took, timeout)
			}
			if n := st.Calls("Touch"); n != step.touches {
				t.Errorf("%s: %d Touch calls; want %d", step.name, n, step.touches)
			}
			if resp.StatusCode != step.status {
				t.Errorf("%s: status %d; want %d", step.name, resp.StatusCode, step.status)
			}
		}
		if n := countLines(logged.String(), "idle touch failed"); n != 3 {
			t.Errorf("%d failed idle touches logged; want 3, one per throttled attempt:\n%s", n, logged.String())
		}
	})
}

// Every store failure is logged exactly once through Config.Logger, with a
// custom error handler (as framework adapters install) as with the default,
// and the record never carries the session ID, the cookie or the secret.
func TestStoreFailureIsLoggedOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range storeFailures {
		for _, custom := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, custom error handler %v", tc.method, custom), func(t *testing.T) {
				t.Parallel()
				st := newFailingStore(t)
				var logged syncBuffer
				cfg := tc.cfg
				cfg.Store, cfg.Logger = st, newTestLogger(&logged)
				if custom {
					cfg.ErrorHandler = (&reported{}).handle
				}
				m := newManager(t, cfg)
				var ck *http.Cookie
				secrets := []string{string(secretA)}
				if tc.existed {
					var id string
					ck, id = login(t, m, "v")
					secrets = append(secrets, id, ck.Value)
				}
				st.Fail(true, tc.method)
				var ids []string
				resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
					tc.handler(s)
					ids = append(ids, s.ID())
				})), get("/private/path", ck))
				if resp.StatusCode != http.StatusInternalServerError {
					t.Errorf("status = %d; want 500", resp.StatusCode)
				}
				log := logged.String()
				if n := countLines(log, "level=ERROR", "sessionkit: session error", errBackend.Error(), "method=GET", "path=/private/path"); n != 1 {
					t.Errorf("the failure was logged %d times; want once:\n%s", n, log)
				}
				if n := countLines(log, "level=ERROR"); n != 1 {
					t.Errorf("%d error records; want 1:\n%s", n, log)
				}
				for _, secret := range append(secrets, ids...) {
					if secret != "" && strings.Contains(log, secret) {
						t.Errorf("log %q contains the session ID, cookie or secret %q", log, secret)
					}
				}
			})
		}
	}
}

// TestHandledLoadFailureIsLoggedOnce: a handler that takes a load failure
// on with Err keeps its own response, and the store failure still reaches
// the log exactly once.
func TestHandledLoadFailureIsLoggedOnce(t *testing.T) {
	t.Parallel()
	st := newFailingStore(t)
	var logged syncBuffer
	m := newManager(t, core.Config{Store: st, Logger: newTestLogger(&logged)})
	ck, _ := login(t, m, "v")
	st.Fail(true, "Load")
	resp := serve(m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := core.FromRequest(r).Err(); err != nil {
			http.Error(w, "degraded", http.StatusServiceUnavailable)
		}
	})), get("/page", ck))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d; want the handler's 503", resp.StatusCode)
	}
	log := logged.String()
	if n := countLines(log, "level=ERROR", "sessionkit: session error", errBackend.Error(), "handled=true", "path=/page"); n != 1 {
		t.Errorf("the handled load failure was logged %d times; want once:\n%s", n, log)
	}
	if n := countLines(log, "level=ERROR"); n != 1 {
		t.Errorf("%d error records; want 1:\n%s", n, log)
	}
}
