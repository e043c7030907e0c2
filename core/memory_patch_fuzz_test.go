package core_test

import (
	"context"
	"testing"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/patchfuzz"
)

// restingStore puts its records back to rest (Cleanup) after every rest-th
// Load, so that the operations after it meet resting records, not the
// in-use ones the program's own checking loads leave behind.
type restingStore struct {
	*core.MemoryStore
	every, loads int
}

func (s *restingStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	rec, found, err := s.MemoryStore.Load(ctx, key)
	if s.loads++; s.loads%s.every == 0 {
		_, _ = s.Cleanup(ctx)
	}
	return rec, found, err
}

// FuzzMemoryStorePatch runs programs of Save, Patch, Touch, Pop, Delete and
// Load against a MemoryStore, with its records in use, always at rest, and
// now one now the other. Property: after every operation both records
// hold exactly what the store contract's model holds, values byte for byte.
func FuzzMemoryStorePatch(f *testing.F) {
	for _, seed := range patchfuzz.Seeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, program []byte) {
		for _, every := range []int{0, 1, 3} {
			s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
			var store core.Store = s
			if every > 0 {
				store = &restingStore{MemoryStore: s, every: every}
			}
			patchfuzz.Run(t, store, program)
			s.Close()
		}
	})
}
