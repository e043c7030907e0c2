package core_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// The benchmarks drive handlers directly with a recorder and a prebuilt
// request: no network. The middleware's overhead is the difference between
// a benchmark and BenchmarkBareMux.

var benchKey = core.Key[int]("n")

func benchHandlers() (untouched, readKey, writeKey http.Handler) {
	untouched = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	readKey = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		benchKey.Get(core.FromRequest(r))
		w.WriteHeader(http.StatusNoContent) // a failed read makes this a 500
	})
	var n atomic.Int64
	writeKey = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A new value each time: setting the value a key holds writes nothing.
		benchKey.Set(core.FromRequest(r), int(n.Add(1)))
		w.WriteHeader(http.StatusNoContent) // a failed write makes this a 500
	})
	return untouched, readKey, writeKey
}

// benchRequest returns a request carrying a valid cookie for a stored
// session with one int key, for the memory store behind m.
func benchRequest(b *testing.B, m *core.Manager) *http.Request {
	b.Helper()
	seed := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		benchKey.Set(core.FromRequest(r), 1)
	}))
	rec := httptest.NewRecorder()
	seed.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	cs := rec.Result().Cookies()
	if len(cs) != 1 {
		b.Fatalf("seeding request set %d cookies; want 1", len(cs))
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(cs[0])
	return r
}

// runBench serves r with h once per iteration. The recorder is reset, not
// reallocated, between iterations, so allocations are the handler's (plus
// the recorder's header snapshot, which BenchmarkBareMux pays too).
func runBench(b *testing.B, h http.Handler, r *http.Request) {
	b.ReportAllocs()
	w := httptest.NewRecorder()
	for b.Loop() {
		clear(w.HeaderMap)
		w.Body.Reset()
		*w = httptest.ResponseRecorder{HeaderMap: w.HeaderMap, Body: w.Body}
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNoContent {
			b.Fatalf("status %d; want 204", w.Code)
		}
	}
}

// newBenchManager uses the defaults: the memory store and no idle timeout,
// so no request is due for a touch.
func newBenchManager(b *testing.B) *core.Manager {
	return newManager(b, core.Config{})
}

// BenchmarkBareMux is the baseline: the untouched handler behind the same
// mux, without the middleware.
func BenchmarkBareMux(b *testing.B) {
	untouched, _, _ := benchHandlers()
	mux := http.NewServeMux()
	mux.Handle("/", untouched)
	runBench(b, mux, httptest.NewRequest(http.MethodGet, "/", nil))
}

func BenchmarkUntouched(b *testing.B) {
	m := newBenchManager(b)
	untouched, _, _ := benchHandlers()
	mux := http.NewServeMux()
	mux.Handle("/", untouched)
	runBench(b, m.Handler(mux), benchRequest(b, m))
}

func BenchmarkReadKey(b *testing.B) {
	m := newBenchManager(b)
	_, readKey, _ := benchHandlers()
	mux := http.NewServeMux()
	mux.Handle("/", readKey)
	runBench(b, m.Handler(mux), benchRequest(b, m))
}

func BenchmarkWriteKey(b *testing.B) {
	m := newBenchManager(b)
	_, _, writeKey := benchHandlers()
	mux := http.NewServeMux()
	mux.Handle("/", writeKey)
	runBench(b, m.Handler(mux), benchRequest(b, m))
}
