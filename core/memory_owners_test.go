package core

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// indexed returns how many index entries the store holds for owner.
func (s *MemoryStore) indexed(owner string) int {
	sh := s.ownerShard(owner)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return len(sh.keys[owner])
}

// TestMemoryOwnerIndexPrunes: an index entry goes with its record, whether
// the record is deleted, re-bound, unbound, swept, or found expired by
// Owned, so the index never outgrows the live sessions.
func TestMemoryOwnerIndexPrunes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		left int                              // alice's entries after: k1 expires along with k2 when time passes
		end  func(s *MemoryStore, key string) // ends k2, or lets time pass
	}{
		{"Delete", 1, func(s *MemoryStore, key string) { _ = s.Delete(ctx, key) }},
		{"Save to another owner", 1, func(s *MemoryStore, key string) {
			_ = s.Save(ctx, key, Record{Expiry: time.Now().Add(time.Hour), Owner: Owner{ID: "bob"}})
		}},
		{"Save without an owner", 1, func(s *MemoryStore, key string) {
			_ = s.Save(ctx, key, Record{Expiry: time.Now().Add(time.Hour)})
		}},
		{"expiry, then Owned", 0, func(s *MemoryStore, key string) {
			time.Sleep(2 * time.Hour)
			_, _ = s.Owned(ctx, "alice")
		}},
		{"expiry, then Cleanup", 0, func(s *MemoryStore, key string) {
			time.Sleep(2 * time.Hour)
			_, _ = s.Cleanup(ctx)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := NewMemoryStore(MemoryStoreOptions{CleanupInterval: -1})
				defer s.Close()
				for _, k := range []string{"k1", "k2"} {
					if err := s.Save(ctx, k, Record{Expiry: time.Now().Add(time.Hour), Owner: Owner{ID: "alice"}}); err != nil {
						t.Fatal(err)
					}
				}
				tc.end(s, "k2")
				if got := s.indexed("alice"); got != tc.left {
					t.Errorf("alice's index entries after %s = %d; want %d", tc.name, got, tc.left)
				}
				if tc.left == 0 && s.n.Load() != 0 {
					t.Errorf("records counted after %s = %d; want 0", tc.name, s.n.Load())
				}
			})
		})
	}
}

// TestMemoryOwnedVisitsOnlyTheOwner: Owned reads the owner's index entries
// and their records, never the rest of the store.
func TestMemoryOwnedVisitsOnlyTheOwner(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore(MemoryStoreOptions{CleanupInterval: -1})
	defer s.Close()
	exp := time.Now().Add(time.Hour)
	for i := range 1000 {
		_ = s.Save(ctx, "other"+string(rune('a'+i%26))+string(rune(i)), Record{Expiry: exp, Owner: Owner{ID: "bob"}})
	}
	_ = s.Save(ctx, "mine", Record{Expiry: exp, Owner: Owner{ID: "alice"}})
	allocs := testing.AllocsPerRun(100, func() { _, _ = s.Owned(ctx, "alice") })
	if allocs > 4 {
		t.Errorf("Owned of one session among 1,000 of another owner allocates %v times; want at most 4", allocs)
	}
	if got := s.indexed("alice"); got != 1 {
		t.Errorf("alice's index entries = %d; want 1", got)
	}
}
