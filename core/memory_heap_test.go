package core_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// memKeys returns n keys shaped like the manager's: 43 base64url bytes.
func memKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		sum := sha256.Sum256(binary.AppendUvarint(nil, uint64(i)))
		keys[i] = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return keys
}

// memLiveHeap returns the bytes of live heap objects after a full collection.
func memLiveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestMemoryStoreHeapPerSession: a resting session with one small value
// costs the store at most 300 bytes of heap, its key included; one in use
// (loaded since the last Cleanup) costs more, and Cleanup brings it back.
// It is not parallel, so other tests do not allocate while it measures,
// and it allows for the collector's slack: the bench module's
// BenchmarkHeapPerSession measures the same through the whole manager.
func TestMemoryStoreHeapPerSession(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds its own heap per allocation; run without -race")
	}
	const n, limit = 50_000, 300
	ctx := context.Background()
	s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1, MaxSessions: -1})
	defer s.Close()
	exp := time.Now().Add(time.Hour)
	before := memLiveHeap()
	keys := memKeys(n)
	for i, k := range keys {
		v := strconv.AppendInt(nil, int64(i%9+1), 10) // a slice of its own, as the manager's encoder gives
		if err := s.Save(ctx, k, core.Record{Values: map[string][]byte{"views": v}, Expiry: exp}); err != nil {
			t.Fatal(err)
		}
	}
	resting := float64(memLiveHeap()-before) / n

	s.Range(ctx, func(k string, _ core.Record) bool {
		_, _, _ = s.Load(ctx, k)
		return true
	})
	inUse := float64(memLiveHeap()-before) / n
	if _, err := s.Cleanup(ctx); err != nil {
		t.Fatal(err)
	}
	rested := float64(memLiveHeap()-before) / n
	t.Logf("heap per session: %.0f B at rest, %.0f B in use, %.0f B after Cleanup", resting, inUse, rested)
	if resting > limit || rested > limit {
		t.Errorf("a resting session costs %.0f B, %.0f B after Cleanup; want at most %d", resting, rested, limit)
	}
	if inUse <= resting {
		t.Errorf("a session in use costs %.0f B, no more than one at rest (%.0f B): Load did not keep its map", inUse, resting)
	}
	runtime.KeepAlive(s)
}

// TestMemoryStoreLoadAllocations: the first Load of a resting session
// decodes its values once; every later Load allocates nothing. A Save
// allocates the one blob its values are copied into.
func TestMemoryStoreLoadAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes allocation counts vary; run without -race")
	}
	ctx := context.Background()
	s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	defer s.Close()
	exp := time.Now().Add(time.Hour)
	three := map[string][]byte{"a": []byte("1"), "b": []byte(`"two"`), "c": []byte("[3]")}
	save := func() {
		if err := s.Save(ctx, "k", core.Record{Values: three, Expiry: exp}); err != nil {
			t.Fatal(err)
		}
	}
	save()
	tests := []struct {
		name  string
		setup func()
		run   func()
		want  float64
	}{
		{"Save over a session", nil, save, 1},
		{"first Load after Save", save, func() { _, _, _ = s.Load(ctx, "k") }, 3},
		{"Load of a session in use", func() { _, _, _ = s.Load(ctx, "k") }, func() { _, _, _ = s.Load(ctx, "k") }, 0},
	}
	for _, tc := range tests {
		got := memAllocsWith(tc.setup, tc.run)
		if got != tc.want {
			t.Errorf("%s allocates %v times; want %v", tc.name, got, tc.want)
		}
	}
}

// memAllocsWith is testing.AllocsPerRun of run, with setup run before each
// run and not counted.
func memAllocsWith(setup, run func()) float64 {
	const runs = 100
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var ms runtime.MemStats
	total := uint64(0)
	for range runs {
		if setup != nil {
			setup()
		}
		runtime.ReadMemStats(&ms)
		start := ms.Mallocs
		run()
		runtime.ReadMemStats(&ms)
		total += ms.Mallocs - start
	}
	return float64(total / runs) // as AllocsPerRun: an occasional background allocation rounds away
}
