package redisstore

import (
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestPlanReindex(t *testing.T) {
	t.Parallel()
	ends := time.UnixMilli(2_000_000)
	exp := time.UnixMilli(1_000_000)
	alice, alice2, bob := binding{"alice", "g1"}, binding{"alice", "g2"}, binding{"bob", "g3"}
	tests := []struct {
		name     string
		old, now binding
		ends     time.Time
		want     reindexing
	}{
		{"unowned to unowned: nothing", binding{}, binding{}, ends, reindexing{}},
		{"new owner: add", binding{}, alice, ends, reindexing{add: alice, until: "2000000"}},
		{"same owner: rewrite the entry only", alice, alice2, ends, reindexing{add: alice2, until: "2000000"}},
		{"owner changed: add and drop", alice, bob, ends, reindexing{add: bob, until: "2000000", drop: alice}},
		{"unbound: drop", alice, binding{}, ends, reindexing{drop: alice}},
		{"no end: an index without TTL", binding{}, alice, time.Time{}, reindexing{add: alice, until: "0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := planReindex(tc.old, tc.now, core.Owner{ID: tc.now.owner, Ends: tc.ends}, exp)
			if got != tc.want {
				t.Errorf("planReindex(%v, %v) = %+v; want %+v", tc.old, tc.now, got, tc.want)
			}
		})
	}
}

func TestIndexUntil(t *testing.T) {
	t.Parallel()
	early, late := time.UnixMilli(1000), time.UnixMilli(5000)
	tests := []struct {
		name         string
		ends, expiry time.Time
		want         string
	}{
		{"the end, past the expiry", late, early, "5000"},
		{"an expiry past the end", early, late, "5000"},
		{"no end", time.Time{}, early, "0"},
		{"no expiry", late, time.Time{}, "0"},
	}
	for _, tc := range tests {
		if got := indexUntil(tc.ends, tc.expiry); got != tc.want {
			t.Errorf("%s: indexUntil(%v, %v) = %q; want %q", tc.name, tc.ends, tc.expiry, got, tc.want)
		}
	}
}
