package main

import (
	"log/slog"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// Without SESSION_METRICS the manager gets no Observer at all, not a
// typed nil one, so core skips every event and no OpenTelemetry code runs.
func TestMetricsObserverOnlyWhenOn(t *testing.T) {
	t.Parallel()
	store := core.NewMemoryStore(core.MemoryStoreOptions{})
	t.Cleanup(func() { store.Close() })
	for _, on := range []bool{false, true} {
		met, err := newMetrics(config{metrics: on}, store, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("newMetrics(metrics: %v) error = %v", on, err)
		}
		if got := met.observer() != nil; got != on {
			t.Errorf("newMetrics(metrics: %v).observer() != nil is %v; want %v", on, got, on)
		}
		if err := met.close(); err != nil {
			t.Errorf("newMetrics(metrics: %v).close() = %v", on, err)
		}
	}
}
