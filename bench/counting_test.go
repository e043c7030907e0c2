package bench

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"
	"github.com/sessionkit/sessionkit/core"
)

// TestOpCounterStoreKeepsCapabilities guards the store-op figures: the
// counting wrapper must leave the manager the same capabilities, or
// sessionkit would be measured falling back to read-modify-write.
func TestOpCounterStoreKeepsCapabilities(t *testing.T) {
	t.Parallel()
	mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	defer mem.Close()
	got, want := core.CapabilitiesOf(new(OpCounter).Store(mem)), core.CapabilitiesOf(mem)
	if got != want {
		t.Errorf("CapabilitiesOf(counted store) = %v; want %v", got, want)
	}
}

func TestOpCounterCountsEveryCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	defer mem.Close()
	c := new(OpCounter)
	s := c.Store(mem)
	calls := []struct {
		name        string
		call        func() error
		reads, writ int64
	}{
		{"Save", func() error {
			return s.Save(ctx, "k", core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: exp})
		}, 0, 1},
		{"Load", func() error { _, _, err := s.Load(ctx, "k"); return err }, 1, 1},
		{"Patch", func() error { _, err := s.(core.Patcher).Patch(ctx, "k", core.Patch{Expiry: exp}); return err }, 1, 2},
		{"Touch", func() error { _, err := s.(core.Toucher).Touch(ctx, "k", exp); return err }, 1, 3},
		{"Pop", func() error { _, _, err := s.(core.Popper).Pop(ctx, "k", "a"); return err }, 1, 4},
		{"Delete", func() error { return s.Delete(ctx, "k") }, 1, 5},
	}
	for _, tc := range calls {
		if err := tc.call(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Reads() != tc.reads || c.Writes() != tc.writ {
			t.Errorf("after %s: reads, writes = %d, %d; want %d, %d", tc.name, c.Reads(), c.Writes(), tc.reads, tc.writ)
		}
	}
	if c.Total() != 6 {
		t.Errorf("Total() = %d; want 6", c.Total())
	}
	c.Reset()
	if c.Total() != 0 {
		t.Errorf("Total() after Reset = %d; want 0", c.Total())
	}
}

func TestOpCounterSCSStoreForwards(t *testing.T) {
	t.Parallel()
	c := new(OpCounter)
	s := c.SCSStore(memstore.NewWithCleanupInterval(0))
	if err := s.Commit("tok", []byte("data"), time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	b, found, err := s.Find("tok")
	if err != nil || !found || string(b) != "data" {
		t.Errorf("Find = %q, %v, %v; want \"data\", true, nil", b, found, err)
	}
	if err := s.Delete("tok"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if c.Reads() != 1 || c.Writes() != 2 {
		t.Errorf("reads, writes = %d, %d; want 1, 2", c.Reads(), c.Writes())
	}
}

func TestPutName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		i    int
		want string
	}{{0, "k000"}, {7, "k007"}, {42, "k042"}, {99, "k099"}} {
		if got := PutName(tc.i); got != tc.want {
			t.Errorf("PutName(%d) = %q; want %q", tc.i, got, tc.want)
		}
	}
}
