package patchfuzz

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func newMemory(t *testing.T) *core.MemoryStore {
	s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSeedsPassOnMemoryStore(t *testing.T) {
	t.Parallel()
	for i, seed := range Seeds() {
		if err := run(t.Context(), newMemory(t), seed); err != nil {
			t.Errorf("seed %d on a MemoryStore: %v", i, err)
		}
	}
}

func TestSeedsCoverEveryOperation(t *testing.T) {
	t.Parallel()
	seen := map[opKind]int{}
	for _, seed := range Seeds() {
		for _, o := range decode(seed, time.Now()) {
			seen[o.kind]++
		}
	}
	for _, k := range []opKind{opSave, opPatch, opTouch, opPop, opDelete, opLoad} {
		if seen[k] == 0 {
			t.Errorf("no seed has an operation of kind %d", k)
		}
	}
}

// Broken stores, each breaking one rule of the store contract. Every one
// must fail at least one seed, or the model checks nothing.
type (
	patchKeepsDeleted struct{ core.StoreWrapper }
	patchRecreates    struct{ core.StoreWrapper }
	touchKeepsExpiry  struct{ core.StoreWrapper }
	popKeepsValue     struct{ core.StoreWrapper }
	saveMerges        struct{ core.StoreWrapper }
	loadShowsExpired  struct{ core.StoreWrapper }
)

func (s patchKeepsDeleted) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	p.Delete = nil
	return s.StoreWrapper.Patch(ctx, key, p)
}

func (s patchRecreates) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if found, err := s.StoreWrapper.Patch(ctx, key, p); found || err != nil {
		return found, err
	}
	return true, s.Save(ctx, key, core.Record{Values: p.Set, Expiry: p.Expiry})
}

func (s touchKeepsExpiry) Touch(ctx context.Context, key string, _ time.Time) (bool, error) {
	_, found, err := s.Load(ctx, key)
	return found, err
}

func (s popKeepsValue) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	rec, found, err := s.Load(ctx, key)
	v, ok := rec.Values[name]
	return v, found && ok, err
}

func (s saveMerges) Save(ctx context.Context, key string, rec core.Record) error {
	old, _, err := s.Load(ctx, key)
	if err != nil {
		return err
	}
	vals := maps.Clone(old.Values)
	if vals == nil {
		vals = map[string][]byte{}
	}
	maps.Copy(vals, rec.Values)
	return s.StoreWrapper.Save(ctx, key, core.Record{Values: vals, Expiry: rec.Expiry})
}

func (s loadShowsExpired) Save(ctx context.Context, key string, rec core.Record) error {
	if rec.Expiry.Before(time.Now()) {
		rec.Expiry = time.Now().Add(time.Hour)
	}
	return s.StoreWrapper.Save(ctx, key, rec)
}

func TestRunCatchesBrokenStores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		wrap func(core.StoreWrapper) core.Store
	}{
		{"Patch ignores deletions", func(w core.StoreWrapper) core.Store { return patchKeepsDeleted{w} }},
		{"Patch recreates a missing record", func(w core.StoreWrapper) core.Store { return patchRecreates{w} }},
		{"Touch moves no expiry", func(w core.StoreWrapper) core.Store { return touchKeepsExpiry{w} }},
		{"Pop keeps the value", func(w core.StoreWrapper) core.Store { return popKeepsValue{w} }},
		{"Save merges into the old record", func(w core.StoreWrapper) core.Store { return saveMerges{w} }},
		{"Save keeps a record already expired", func(w core.StoreWrapper) core.Store { return loadShowsExpired{w} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, seed := range Seeds() {
				if run(t.Context(), tc.wrap(core.WrapStore(newMemory(t))), seed) != nil {
					return
				}
			}
			t.Errorf("every seed passed on a store whose %s", tc.name)
		})
	}
}
