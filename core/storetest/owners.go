package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// The checks of the owner binding (core.Record.Owner), which every store
// keeps, and of the owner index (core.OwnerIndex), for stores that declare
// core.CanIndexOwners.

// newOwner returns an owner bound now with every field set, under an ID
// no other check or run uses.
func newOwner(t *testing.T) core.Owner {
	now := time.Now()
	return core.Owner{
		ID:        "owner-" + NewKey(t)[:12] + "-ü",
		Created:   now.Add(-time.Minute),
		Ends:      now.Add(24 * time.Hour),
		Seen:      now.Add(-time.Second),
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
		IP:        "2001:db8::7",
	}
}

func ownedRecord(owner core.Owner, expiry time.Time) core.Record {
	return core.Record{Values: map[string][]byte{"user": raw("alice")}, Expiry: expiry, Owner: owner}
}

// checkOwner compares an owner a store returned with the one saved, its
// times within Tolerance. seenAfter, when set, is a time the returned Seen
// must not precede (by more than Tolerance) instead of equalling want's.
func checkOwner(t *testing.T, op string, got, want core.Owner, seenAfter time.Time) {
	t.Helper()
	if got.ID != want.ID || got.UserAgent != want.UserAgent || got.IP != want.IP {
		t.Errorf("%s: Owner = {ID: %q, UserAgent: %q, IP: %q}; want {%q, %q, %q}", op, got.ID, got.UserAgent, got.IP, want.ID, want.UserAgent, want.IP)
	}
	near := func(name string, g, w time.Time) {
		if d := g.Sub(w); d > Tolerance || d < -Tolerance || g.IsZero() != w.IsZero() {
			t.Errorf("%s: Owner.%s = %v; want %v (±%v)", op, name, g, w, Tolerance)
		}
	}
	near("Created", got.Created, want.Created)
	near("Ends", got.Ends, want.Ends)
	if seenAfter.IsZero() {
		near("Seen", got.Seen, want.Seen)
	} else if got.Seen.Before(seenAfter.Add(-Tolerance)) {
		t.Errorf("%s: Owner.Seen = %v; want the time of the call, %v or later", op, got.Seen, seenAfter)
	}
}

// testOwnerRoundTrip: every store keeps a record's owner through Save, Load
// and Range, and a Save without an owner clears it.
func testOwnerRoundTrip(t *testing.T, s core.Store) {
	key := NewKey(t)
	o := newOwner(t)
	mustSave(t, s, key, ownedRecord(o, time.Now().Add(time.Hour)))
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("Load of an owned record: not found")
	}
	checkOwner(t, "Load", rec.Owner, o, time.Time{})
	if it, ok := s.(core.Iterator); ok && core.CapabilitiesOf(s).Has(core.CanIterate) {
		var seen core.Owner
		err := it.Range(ctxT(t), func(k string, r core.Record) bool {
			if k == key {
				seen = r.Owner
				return false
			}
			return true
		})
		if err != nil {
			t.Fatalf("Range = %v", err)
		}
		checkOwner(t, "Range", seen, o, time.Time{})
	}
	other := newOwner(t)
	mustSave(t, s, key, ownedRecord(other, time.Now().Add(time.Hour)))
	rec, _ = mustLoad(t, s, key)
	checkOwner(t, "Load after a Save with another owner", rec.Owner, other, time.Time{})
	mustSave(t, s, key, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: time.Now().Add(time.Hour)})
	if rec, _ = mustLoad(t, s, key); rec.Owner != (core.Owner{}) {
		t.Errorf("Load after a Save without an owner: Owner = %+v; want the zero Owner", rec.Owner)
	}
}

// testOwnerKeptByWrites: Patch, Touch and Pop keep a record's owner and set
// its Seen to the time of the call; they leave an unowned record unowned.
func testOwnerKeptByWrites(t *testing.T, s core.Store) {
	caps := core.CapabilitiesOf(s)
	writes := []struct {
		name string
		cap  core.Capabilities
		do   func(ctx context.Context, key string, exp time.Time) (bool, error)
	}{
		{"Patch", core.CanPatch, func(ctx context.Context, key string, exp time.Time) (bool, error) {
			return s.(core.Patcher).Patch(ctx, key, core.Patch{Set: map[string][]byte{"n": raw(2)}, Expiry: exp})
		}},
		{"Touch", core.CanTouch, func(ctx context.Context, key string, exp time.Time) (bool, error) {
			return s.(core.Toucher).Touch(ctx, key, exp)
		}},
		{"Pop", core.CanPop, func(ctx context.Context, key string, _ time.Time) (bool, error) {
			_, ok, err := s.(core.Popper).Pop(ctx, key, "user")
			return ok, err
		}},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			if !caps.Has(w.cap) {
				t.Skipf("store does not declare %v", w.cap)
			}
			owned, unowned := NewKey(t), NewKey(t)
			o := newOwner(t)
			o.Seen = time.Now().Add(-time.Hour)
			mustSave(t, s, owned, ownedRecord(o, time.Now().Add(time.Hour)))
			mustSave(t, s, unowned, ownedRecord(core.Owner{}, time.Now().Add(time.Hour)))
			before := time.Now()
			for _, key := range []string{owned, unowned} {
				if ok, err := w.do(ctxT(t), key, time.Now().Add(2*time.Hour)); !ok || err != nil {
					t.Fatalf("%s = %v, %v; want true, nil", w.name, ok, err)
				}
			}
			rec, _ := mustLoad(t, s, owned)
			checkOwner(t, "Load after "+w.name, rec.Owner, o, before)
			if rec, _ = mustLoad(t, s, unowned); rec.Owner != (core.Owner{}) {
				t.Errorf("Load after %s of an unowned record: Owner = %+v; want the zero Owner", w.name, rec.Owner)
			}
		})
	}
}

// owned returns the keys Owned lists for owner, sorted, checking each
// listed record's owner.
func owned(t *testing.T, idx core.OwnerIndex, owner string) []string {
	t.Helper()
	recs, err := idx.Owned(ctxT(t), owner)
	if err != nil {
		t.Fatalf("Owned = %v; want nil", err)
	}
	keys := make([]string, 0, len(recs))
	for _, r := range recs {
		if r.Owner.ID != owner {
			t.Errorf("Owned(%q) listed a record of owner %q", owner, r.Owner.ID)
		}
		keys = append(keys, r.Key)
	}
	slices.Sort(keys)
	return keys
}

func sorted(keys ...string) []string {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	if keys == nil {
		keys = []string{}
	}
	return keys
}

func checkOwned(t *testing.T, op string, idx core.OwnerIndex, owner string, want ...string) {
	t.Helper()
	if got := owned(t, idx, owner); !slices.Equal(got, sorted(want...)) {
		t.Errorf("%s: Owned lists %d records %v; want %d %v", op, len(got), got, len(want), sorted(want...))
	}
}

// testOwnedLists: Owned lists exactly an owner's records, with their owner
// and expiry, and nothing for an owner with none.
func testOwnedLists(t *testing.T, s core.Store) {
	idx := declared[core.OwnerIndex](t, s, core.CanIndexOwners)
	alice, bob := newOwner(t), newOwner(t)
	exp := time.Now().Add(time.Hour)
	var mine []string
	for range 3 {
		k := NewKey(t)
		mine = append(mine, k)
		mustSave(t, s, k, ownedRecord(alice, exp))
	}
	theirs, nobody := NewKey(t), NewKey(t)
	mustSave(t, s, theirs, ownedRecord(bob, exp))
	mustSave(t, s, nobody, ownedRecord(core.Owner{}, exp))

	checkOwned(t, "alice", idx, alice.ID, mine...)
	checkOwned(t, "bob", idx, bob.ID, theirs)
	checkOwned(t, "an owner with no records", idx, newOwner(t).ID)

	recs, err := idx.Owned(ctxT(t), alice.ID)
	if err != nil || len(recs) == 0 {
		t.Fatalf("Owned = %d records, %v", len(recs), err)
	}
	checkOwner(t, "Owned", recs[0].Owner, alice, time.Time{})
	checkExpiry(t, "Owned", recs[0].Expiry, exp)
}

// testOwnedNeverStale: Owned never lists a record deleted, expired, or
// saved since with another owner or none; Patch and Touch keep a record
// listed, with the Seen they set.
func testOwnedNeverStale(t *testing.T, s core.Store, life time.Duration) bool {
	idx := declared[core.OwnerIndex](t, s, core.CanIndexOwners)
	alice, bob := newOwner(t), newOwner(t)
	long := time.Now().Add(time.Hour)
	deleted, moved, unbound, touched, patched, short := NewKey(t), NewKey(t), NewKey(t), NewKey(t), NewKey(t), NewKey(t)
	for _, k := range []string{deleted, moved, unbound, touched, patched} {
		mustSave(t, s, k, ownedRecord(alice, long))
	}
	exp := time.Now().Add(life)
	mustSave(t, s, short, ownedRecord(alice, exp))

	if err := s.Delete(ctxT(t), deleted); err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, moved, ownedRecord(bob, long))
	mustSave(t, s, unbound, ownedRecord(core.Owner{}, long))
	before := time.Now()
	writes := ownedWrites(t, s, touched, patched, long)
	recs, err := idx.Owned(ctxT(t), alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if time.Now().After(exp) {
		return false // too slow to tell: the short-lived record may have expired
	}
	got := make([]string, 0, len(recs))
	for _, r := range recs {
		got = append(got, r.Key)
		if w, ok := writes[r.Key]; ok {
			checkOwner(t, "Owned after "+w.op, r.Owner, alice, before)
			checkExpiry(t, "Owned after "+w.op, r.Expiry, w.expiry)
		}
	}
	if want := sorted(touched, patched, short); !slices.Equal(sorted(got...), want) {
		t.Errorf("after a Delete, a Save to another owner and one to none: Owned lists %v; want %v", sorted(got...), want)
	}
	checkOwned(t, "the new owner", idx, bob.ID, moved)

	if !waitExpired(t, s, short, exp) {
		return true
	}
	checkOwned(t, "after a record expired", idx, alice.ID, touched, patched)
	return true
}

// ownedWrite is what ownedWrites did to one record.
type ownedWrite struct {
	op     string
	expiry time.Time
}

// ownedWrites touches the record under touched and patches the one under
// patched, each if the store declares the capability, and returns what
// it did by key.
func ownedWrites(t *testing.T, s core.Store, touched, patched string, long time.Time) map[string]ownedWrite {
	caps := core.CapabilitiesOf(s)
	done := map[string]ownedWrite{}
	if caps.Has(core.CanTouch) {
		if ok, err := s.(core.Toucher).Touch(ctxT(t), touched, long.Add(time.Hour)); !ok || err != nil {
			t.Fatalf("Touch = %v, %v", ok, err)
		}
		done[touched] = ownedWrite{"Touch", long.Add(time.Hour)}
	}
	if caps.Has(core.CanPatch) {
		if ok, err := s.(core.Patcher).Patch(ctxT(t), patched, core.Patch{Set: map[string][]byte{"n": raw(1)}, Expiry: long}); !ok || err != nil {
			t.Fatalf("Patch = %v, %v", ok, err)
		}
		done[patched] = ownedWrite{"Patch", long}
	}
	return done
}

// testOwnedConcurrent: Saves, Deletes and re-bindings racing with Owned
// leave the index exactly right once they end, and Owned never lists a
// record of another owner while they run.
func testOwnedConcurrent(t *testing.T, s core.Store) {
	idx := declared[core.OwnerIndex](t, s, core.CanIndexOwners)
	alice, bob := newOwner(t), newOwner(t)
	const n = 30
	keys := make([]string, n)
	for i := range keys {
		keys[i] = NewKey(t)
		removeAtEnd(t, s, keys[i])
	}
	exp := time.Now().Add(time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, 3*n)
	for i, k := range keys {
		wg.Go(func() {
			ctx := ctxT(t)
			if err := s.Save(ctx, k, ownedRecord(alice, exp)); err != nil {
				errs <- err
				return
			}
			var err error
			switch i % 3 {
			case 1: // revoked
				err = s.Delete(ctx, k)
			case 2: // re-bound
				err = s.Save(ctx, k, ownedRecord(bob, exp))
			}
			if err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			recs, err := idx.Owned(ctxT(t), alice.ID)
			if err != nil {
				errs <- fmt.Errorf("Owned while writes race: %w", err)
			}
			for _, r := range recs {
				if r.Owner.ID != alice.ID {
					errs <- fmt.Errorf("Owned(alice) listed a record of owner %q while writes raced", r.Owner.ID)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var kept, rebound []string
	for i, k := range keys {
		switch i % 3 {
		case 0:
			kept = append(kept, k)
		case 2:
			rebound = append(rebound, k)
		}
	}
	checkOwned(t, "alice, after the race", idx, alice.ID, kept...)
	checkOwned(t, "bob, after the race", idx, bob.ID, rebound...)
}
