package scsstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"
	"github.com/sessionkit/sessionkit/core"
)

// TestOwnerSessions: through NewIterable an owner's sessions are found by a
// scan of every session; through New, which cannot scan, the owner
// operations fail with core.ErrNoOwnerIndex and change nothing. The
// binding itself is kept either way, in the blob.
func TestOwnerSessions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		wrap    func(*memstore.MemStore) core.Store
		wantErr error
		listed  int // alice's sessions listed
		revoked int // bob's sessions revoked
	}{
		{"NewIterable", func(m *memstore.MemStore) core.Store { return NewIterable(m) }, nil, 2, 1},
		{"New", func(m *memstore.MemStore) core.Store { return New(m) }, core.ErrNoOwnerIndex, 0, 0},
	}
	ctx := context.Background()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := memstore.NewWithCleanupInterval(0)
			exp := time.Now().Add(time.Hour)
			for key, owner := range map[string]string{"a": "alice", "b": "alice", "c": "bob"} {
				if err := New(m).Save(ctx, key, core.Record{Values: map[string][]byte{}, Expiry: exp, Owner: core.Owner{ID: owner}}); err != nil {
					t.Fatal(err)
				}
			}
			mgr, err := core.New(core.Config{Secrets: [][]byte{[]byte("0123456789abcdef0123456789abcdef")}, Store: tc.wrap(m)})
			if err != nil {
				t.Fatal(err)
			}
			defer mgr.Close()
			list, err := mgr.OwnerSessions(ctx, "alice")
			if !errors.Is(err, tc.wantErr) || len(list) != tc.listed {
				t.Errorf("OwnerSessions(alice) = %d sessions, %v; want %d, %v", len(list), err, tc.listed, tc.wantErr)
			}
			if n, err := mgr.RevokeOwner(ctx, "bob"); !errors.Is(err, tc.wantErr) || n != tc.revoked {
				t.Errorf("RevokeOwner(bob) = %d, %v; want %d, %v", n, err, tc.revoked, tc.wantErr)
			}
			if rec, found, _ := New(m).Load(ctx, "c"); found != (tc.revoked == 0) || found && rec.Owner.ID != "bob" {
				t.Errorf("bob's session after RevokeOwner: found %v, owner %q; want found %v", found, rec.Owner.ID, tc.revoked == 0)
			}
		})
	}
}
