package core_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// The read paths that Config.Observer reports on, without an observer
// (the cost every app pays) and with one that does nothing (the cost of
// the events themselves). Compare each with BenchmarkBareMux and with
// the same benchmark of the code before the observer.

// readPath is one request of a read path: its config, its handler, and
// the request, built on the manager.
type readPath struct {
	name    string
	cfg     core.Config
	handler http.Handler
	request func(tb testing.TB, m *core.Manager) *http.Request
}

func readPaths() []readPath {
	untouched, readKey, _ := benchHandlers()
	return []readPath{
		{"Untouched", core.Config{}, untouched, benchRequestTB},
		{"ReadKey", core.Config{}, readKey, benchRequestTB},
		{"ForgedCookie", core.Config{}, readKey, func(tb testing.TB, m *core.Manager) *http.Request {
			r := benchRequestTB(tb, m)
			c, _ := r.Cookie(core.DefaultCookieName)
			r.Header.Del("Cookie")
			r.AddCookie(&http.Cookie{Name: c.Name, Value: flipChar(c.Value, len(c.Value)-3)})
			return r
		}},
		{"OldSecret", core.Config{Secrets: [][]byte{secretB, secretA}}, readKey, func(tb testing.TB, m *core.Manager) *http.Request {
			old := newManager(tb, core.Config{Secrets: [][]byte{secretA}, Store: m.Store()})
			return benchRequestTB(tb, old)
		}},
		{"IdleThrottled", core.Config{IdleTimeout: time.Hour}, readKey, benchRequestTB},
	}
}

// benchRequestTB is benchRequest for tests and benchmarks alike.
func benchRequestTB(tb testing.TB, m *core.Manager) *http.Request {
	tb.Helper()
	seed := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		benchKey.Set(core.FromRequest(r), 1)
	}))
	rec := httptest.NewRecorder()
	seed.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	cs := rec.Result().Cookies()
	if len(cs) != 1 {
		tb.Fatalf("seeding request set %d cookies; want 1", len(cs))
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(cs[0])
	return r
}

// nopPhases observes everything and does nothing.
type nopPhases struct{}

func (nopPhases) Observe(context.Context, core.Event) {}
func (nopPhases) StartPhase(ctx context.Context, _ core.Phase) context.Context {
	return ctx
}
func (nopPhases) EndPhase(context.Context, core.Phase, error) {}

func BenchmarkReadPath(b *testing.B) {
	for _, p := range readPaths() {
		b.Run(p.name, func(b *testing.B) {
			m := newManager(b, p.cfg)
			runBench(b, m.Handler(p.handler), p.request(b, m))
		})
	}
}

func BenchmarkReadPathObserved(b *testing.B) {
	for _, p := range readPaths() {
		b.Run(p.name, func(b *testing.B) {
			p.cfg.Observer = nopPhases{}
			m := newManager(b, p.cfg)
			runBench(b, m.Handler(p.handler), p.request(b, m))
		})
	}
}
