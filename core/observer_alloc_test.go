package core_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// readPathBudget is what each read path allocates at most, beyond
// BenchmarkBareMux's baseline: the observer must not add to it when
// unset. (Memory-store calls lost their StoreTimeout timer since the
// observer came, 4 allocations a call.)
var readPathBudget = map[string]float64{
	"Untouched":     6,
	"ReadKey":       11,
	"ForgedCookie":  8,
	"OldSecret":     19,
	"IdleThrottled": 11,
}

// allocsPerRequest is the average number of allocations of serving r with
// h, recorder reuse as in runBench.
func allocsPerRequest(t *testing.T, h http.Handler, r *http.Request) float64 {
	t.Helper()
	w := httptest.NewRecorder()
	return testing.AllocsPerRun(1000, func() {
		clear(w.HeaderMap)
		w.Body.Reset()
		*w = httptest.ResponseRecorder{HeaderMap: w.HeaderMap, Body: w.Body}
		h.ServeHTTP(w, r)
		if w.Code != http.StatusNoContent {
			t.Fatalf("status %d; want 204", w.Code)
		}
	})
}

// TestNoObserverAllocatesNothing measures, in one run, the bare mux and
// every read path without an observer and with one that does nothing:
// without one, each path stays within what it allocated before observers
// existed; with one, delivering the events allocates nothing either.
func TestNoObserverAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items at random, so allocation counts vary; run without -race")
	}
	untouched, _, _ := benchHandlers()
	mux := http.NewServeMux()
	mux.Handle("/", untouched)
	bare := allocsPerRequest(t, mux, httptest.NewRequest(http.MethodGet, "/", nil))
	for _, p := range readPaths() {
		budget, ok := readPathBudget[p.name]
		if !ok {
			t.Fatalf("read path %s has no budget", p.name)
		}
		m := newManager(t, p.cfg)
		without := allocsPerRequest(t, m.Handler(p.handler), p.request(t, m))
		p.cfg.Observer = nopPhases{}
		om := newManager(t, p.cfg)
		with := allocsPerRequest(t, om.Handler(p.handler), p.request(t, om))
		t.Logf("%s: %v allocations beyond the bare mux's %v without an observer, %v with one", p.name, without-bare, bare, with-bare)
		if without-bare > budget {
			t.Errorf("%s allocates %v beyond the bare mux without an observer; want at most %v, as before observers", p.name, without-bare, budget)
		}
		if with != without {
			t.Errorf("%s allocates %v with an observer that does nothing, %v without; want delivering events to allocate nothing", p.name, with, without)
		}
	}
}

var _ core.PhaseObserver = nopPhases{}
