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

// storeFailures are requests that each need one store method, which fails.
var storeFailures = []struct {
	method  string
	cfg     core.Config
	existed bool // the request carries a stored session's cookie
	handler func(s *core.Session)
	want    error
}{
	{"Load", core.Config{}, true, func(s *core.Session) { core.Get[string](s, "k") }, core.ErrLoad},
	{"Save", core.Config{}, false, func(s *core.Session) { s.Set("k", "v") }, core.ErrSave},
	{"Patch", core.Config{}, true, func(s *core.Session) { s.Set("k", "v") }, core.ErrSave},
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
			resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				tc.handler(s)
			})), r)
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
	var handled error
	m := newManager(t, core.Config{Store: full, ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		handled = err
		w.WriteHeader(http.StatusInsufficientStorage)
	}})
	login(t, m, "first")
	resp := serve(m.Handler(setter), get("/?v=second"))
	if resp.StatusCode != http.StatusInsufficientStorage || !errors.Is(handled, core.ErrSave) || !errors.Is(handled, core.ErrStoreFull) {
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
	all := []error{core.ErrInvalidConfig, core.ErrTypeMismatch, core.ErrEncode, core.ErrLoad, core.ErrSave,
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
		s.Set("k", "late")
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
	st := newFailingStore(t)
	var logged syncBuffer
	m := newManager(t, core.Config{Store: st, IdleTimeout: time.Hour, Logger: newTestLogger(&logged)})
	id := newID(t)
	old := time.Now().Add(-10 * time.Minute)
	st.Put(t, id, core.Record{Values: map[string][]byte{"k": []byte(`"v"`)}, Expiry: time.Now().Add(50 * time.Minute)})
	st.Fail(true, "Touch")
	resp := serve(m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("static"))
	})), get("/static", &http.Cookie{Name: "session", Value: validToken(id, old, old)}))
	if b := body(t, resp); resp.StatusCode != http.StatusOK || b != "static" {
		t.Errorf("response = %d %q; want the page despite the failed touch", resp.StatusCode, b)
	}
	if !strings.Contains(logged.String(), "idle touch failed") {
		t.Errorf("log = %q; want the failed touch reported", logged.String())
	}
}
