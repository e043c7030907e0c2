package core_test

import (
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// TestMemoryStoreCallsGetNoTimer: the built-in memory store's calls never
// wait on I/O, so the manager gives them no StoreTimeout deadline (a
// timer and four allocations per call); any other store keeps it. A read
// through the memory store therefore allocates less than the same read
// through that store behind a StoreWrapper.
func TestMemoryStoreCallsGetNoTimer(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items at random, so allocation counts vary; run without -race")
	}
	_, readKey, _ := benchHandlers()
	mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	defer mem.Close()
	direct := newManager(t, core.Config{Store: mem})
	wrapped := newManager(t, core.Config{Store: core.WrapStore(mem)})
	a := allocsPerRequest(t, direct.Handler(readKey), benchRequestTB(t, direct))
	b := allocsPerRequest(t, wrapped.Handler(readKey), benchRequestTB(t, wrapped))
	if a+4 > b {
		t.Errorf("a read allocates %v through the memory store and %v through a wrapper of it; want the wrapper's StoreTimeout timer (4 allocations) to be the difference", a, b)
	}
}
