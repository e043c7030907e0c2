package pgstore_test

import (
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/goroutines"

	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// TestNothingOutlivesClose runs a whole deployment (pool, store with its
// cleanup job, manager, server, client) and then closes it: no goroutine may
// remain. It is not parallel, so other tests' goroutines do not interfere.
func TestNothingOutlivesClose(t *testing.T) {
	before := goroutines.Current()
	// Registered first, so it runs after every other cleanup has closed
	// its part.
	t.Cleanup(func() { goroutines.Verify(t, before) })

	pool, _ := newPool(t)
	table := newTable(t, pool)
	st := newStore(t, pool, pgstore.Options{Table: table, CleanupInterval: 10 * time.Millisecond})
	a := newApp(t, st, time.Second)
	c := newClient(t)
	mustCall(t, c, a, "POST", "/set/user?v=alice")
	if got := mustCall(t, c, a, "GET", "/get/user"); got != "alice" {
		t.Fatalf("GET /get/user = %q; want alice", got)
	}
	// Let the cleanup job run a few times: each round it removes a row
	// saved already expired, leaving the session's.
	for round := range 3 {
		saveN(t, st, 1, time.Now().Add(-time.Minute))
		deadline := time.Now().Add(5 * time.Second)
		for countRows(t, pool, table, "true") != 1 {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the cleanup job removed no expired row within 5s", round)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}
