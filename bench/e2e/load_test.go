package main

import (
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/bench"
)

func TestMixShares(t *testing.T) {
	t.Parallel()
	for _, m := range mixes {
		for client := range 3 {
			reads := 0
			for j := range 100 {
				if m.pathFor(client, j) == bench.PathRead {
					reads++
				}
			}
			if reads != 10*m.readTenths {
				t.Errorf("%s, client %d: %d reads in 100 requests; want %d", m.name, client, reads, 10*m.readTenths)
			}
		}
	}
}

func TestQuantile(t *testing.T) {
	t.Parallel()
	var r loadResult
	for i := 1; i <= 100; i++ {
		r.latencies = append(r.latencies, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := r.quantile(tc.q); got != tc.want {
			t.Errorf("quantile(%v) = %v; want %v", tc.q, got, tc.want)
		}
	}
	if got := (loadResult{}).quantile(0.5); got != 0 {
		t.Errorf("quantile of no latencies = %v; want 0", got)
	}
}

func TestParseFlags(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	c, err := parseFlags(nil)
	if err != nil {
		t.Fatalf("parseFlags(nil): %v", err)
	}
	if c.clients != 32 || c.databaseURL != defaultDatabaseURL || c.stores != "redis,postgres" {
		t.Errorf("defaults = %d clients, %q, %q; want 32, %q, \"redis,postgres\"", c.clients, c.databaseURL, c.stores, defaultDatabaseURL)
	}
	if _, err := parseFlags([]string{"-clients", "0"}); err == nil {
		t.Error("parseFlags(-clients 0) succeeded; want an error")
	}
}
