package core_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// readPathBudget is what each read path allocates at most, beyond
// BenchmarkBareMux's baseline, without an observer. An untouched request
// allocates its Session and the request carrying it, nothing else: its
// token is never verified.
var readPathBudget = map[string]float64{
	"Untouched":     2,
	"ReadKey":       7,
	"ForgedCookie":  5,
	"OldSecret":     15,
	"IdleThrottled": 7,
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
		// An observer hears of every token, so it makes the manager
		// verify each request's tokens up front; delivering the events
		// must add nothing to that.
		em := newManager(t, p.cfg)
		core.VerifyUpFront(em)
		eager := allocsPerRequest(t, em.Handler(p.handler), p.request(t, em))
		p.cfg.Observer = nopPhases{}
		om := newManager(t, p.cfg)
		with := allocsPerRequest(t, om.Handler(p.handler), p.request(t, om))
		t.Logf("%s: %v allocations beyond the bare mux's %v without an observer, %v verifying up front, %v with an observer", p.name, without-bare, bare, eager-bare, with-bare)
		if without-bare > budget {
			t.Errorf("%s allocates %v beyond the bare mux without an observer; want at most %v", p.name, without-bare, budget)
		}
		if with != eager {
			t.Errorf("%s allocates %v with an observer that does nothing, %v without one when verifying up front; want delivering events to allocate nothing", p.name, with, eager)
		}
	}
}

var _ core.PhaseObserver = nopPhases{}
