package core_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// records is a slog.Handler that keeps every record.
type records struct {
	mu   sync.Mutex
	list []slog.Record
}

func (h *records) Enabled(context.Context, slog.Level) bool { return true }

func (h *records) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.list = append(h.list, r.Clone())
	h.mu.Unlock()
	return nil
}

func (h *records) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *records) WithGroup(string) slog.Handler      { return h }

func (h *records) all() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.list)
}

// attrsOf renders a record's attributes, key to value.
func attrsOf(r slog.Record) map[string]string {
	m := map[string]string{}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value.String()
		return true
	})
	return m
}

// documentedLogKeys are the keys of the table in the package doc.
func documentedLogKeys(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(doc), "//\tkey ")
	if !ok {
		t.Fatal("doc.go has no table of log keys")
	}
	table, _, _ = strings.Cut(table, "\n//\n")
	var keys []string
	for l := range strings.Lines(table) {
		if row, ok := strings.CutPrefix(l, "//\t"); ok && row != "" && row[0] != ' ' {
			keys = append(keys, strings.Fields(row)[0])
		}
	}
	return keys
}

func TestLogRecordsUseTheDocumentedKeys(t *testing.T) {
	t.Parallel()
	documented := documentedLogKeys(t)
	if len(documented) < 4 {
		t.Fatalf("doc.go's table lists keys %q; want the table parsed", documented)
	}
	store := "core_test.failingStore"
	tests := []struct {
		name    string
		cfg     core.Config
		fail    []string
		wait    time.Duration // between the login and req, on virtual time
		req     string
		handler func(w http.ResponseWriter, s *core.Session, e logEnv)
		msg     string
		want    map[string]string
	}{
		{name: "load outage", fail: []string{"Load"}, req: "GET /get",
			handler: func(w http.ResponseWriter, s *core.Session, _ logEnv) {
				keyK.Get(s)
			},
			msg:  "sessionkit: session error",
			want: map[string]string{"event": "commit_failed", "store": store, "operation": "load", "method": "GET", "path": "/get"}},
		{name: "load outage the handler answers", fail: []string{"Load"}, req: "GET /page",
			handler: func(w http.ResponseWriter, s *core.Session, _ logEnv) {
				if s.Err() != nil {
					http.Error(w, "degraded", http.StatusServiceUnavailable)
				}
			},
			msg:  "sessionkit: session error",
			want: map[string]string{"event": "load_failed", "store": store, "operation": "load", "method": "GET", "path": "/page", "handled": "true"}},
		{name: "patch outage", fail: []string{"Patch"}, req: "POST /set",
			handler: func(w http.ResponseWriter, s *core.Session, _ logEnv) {
				keyK.Set(s, "b")
			},
			msg:  "sessionkit: session error",
			want: map[string]string{"event": "commit_failed", "store": store, "operation": "patch", "method": "POST", "path": "/set"}},
		{name: "delete outage", fail: []string{"Delete"}, req: "POST /logout",
			handler: func(w http.ResponseWriter, s *core.Session, _ logEnv) {
				s.Destroy()
			},
			msg:  "sessionkit: session error",
			want: map[string]string{"event": "commit_failed", "store": store, "operation": "delete", "method": "POST", "path": "/logout"}},
		{name: "value too large", req: "POST /big",
			handler: func(w http.ResponseWriter, s *core.Session, _ logEnv) {
				keyK.Set(s, strings.Repeat("x", core.DefaultLimits.ValueBytes+1))
			},
			msg:  "sessionkit: session error",
			want: map[string]string{"event": "commit_failed", "method": "POST", "path": "/big"}},
		{name: "idle touch outage", cfg: core.Config{IdleTimeout: time.Hour, TouchInterval: time.Second}, fail: []string{"Touch"}, req: "GET /",
			wait:    2 * time.Second,
			handler: func(http.ResponseWriter, *core.Session, logEnv) {},
			msg:     "sessionkit: idle touch failed",
			want:    map[string]string{"event": "touch_failed", "store": store, "operation": "touch"}},
		{name: "session ended meanwhile", req: "POST /set",
			handler: func(w http.ResponseWriter, s *core.Session, e logEnv) {
				keyK.Get(s)
				e.st.Drop(e.t, e.m, s.ID())
				keyK.Set(s, "b")
			},
			msg:  "sessionkit: session ended by another request before this one committed; its changes were discarded",
			want: map[string]string{"event": "session_ended", "store": store}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				logged := &records{}
				env := logEnv{t: t, st: newFailingStore(t)}
				tc.cfg.Store, tc.cfg.Logger = env.st, slog.New(logged)
				env.m = newManager(t, tc.cfg)
				c := newClient(t, env.m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
					if r.URL.Path == "/login" {
						keyK.Set(s, "a")
						return
					}
					tc.handler(w, s, env)
				})))
				fetch(t, c, http.MethodPost, "/login")
				private := []string{jarCookie(c), string(secretA)}
				time.Sleep(tc.wait)
				env.st.Fail(true, tc.fail...)
				method, path, _ := strings.Cut(tc.req, " ")
				fetch(t, c, method, path)
				checkLogged(t, logged.all(), documented, private, tc.msg, tc.want)
			})
		})
	}
}

// logEnv is what a log test's handler may act on.
type logEnv struct {
	t  *testing.T
	st *failingStore
	m  *core.Manager
}

// checkLogged checks that every record uses documented keys only and
// carries nothing private, and that exactly one has message msg, with
// the attributes want (and an error, unless the event is session_ended).
func checkLogged(t *testing.T, logged []slog.Record, documented, private []string, msg string, want map[string]string) {
	t.Helper()
	var found []map[string]string
	for _, r := range logged {
		attrs := attrsOf(r)
		for k, v := range attrs {
			if !slices.Contains(documented, k) {
				t.Errorf("record %q has key %q, which doc.go's table does not list", r.Message, k)
			}
			for _, p := range private {
				if p != "" && strings.Contains(v, p) {
					t.Errorf("record %q: %s=%q carries the cookie or a secret", r.Message, k, v)
				}
			}
		}
		if r.Message == msg {
			found = append(found, attrs)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d records %q; want 1; logged: %v", len(found), msg, logged)
	}
	got := found[0]
	if _, ok := got["error"]; ok != (want["event"] != "session_ended" && want["event"] != "weak_secret") {
		t.Errorf("record %v: has an error attribute: %v; want one unless the event is session_ended or weak_secret", got, ok)
	}
	delete(got, "error")
	if !maps.Equal(got, want) {
		t.Errorf("record attributes (but error) = %v; want %v", got, want)
	}
}

// TestLogErrorAttributeIsTheError checks that the error attribute holds
// the error value itself, so handlers can match it with errors.Is.
func TestLogErrorAttributeIsTheError(t *testing.T) {
	t.Parallel()
	st := newFailingStore(t)
	logged := &records{}
	m := newManager(t, core.Config{Store: st, Logger: slog.New(logged)})
	c := newClient(t, observedApp(m))
	step(t, c, "POST /set/a")
	st.Fail(true, "Load")
	step(t, c, "GET /get")
	var errs []error
	for _, r := range logged.all() {
		r.Attrs(func(a slog.Attr) bool {
			if e, ok := a.Value.Any().(error); ok && a.Key == "error" {
				errs = append(errs, e)
			}
			return true
		})
	}
	if len(errs) != 1 || !errors.Is(errs[0], core.ErrLoad) || !errors.Is(errs[0], errBackend) {
		t.Errorf("logged errors %v; want one wrapping ErrLoad and the store's error", errs)
	}
	if got, want := fmt.Sprint(errs[0]), core.ErrLoad.Error()+": "+errBackend.Error(); got != want {
		t.Errorf("logged error text %q; want %q: marking the store operation must not change it", got, want)
	}
}
