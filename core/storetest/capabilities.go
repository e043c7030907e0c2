package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// The checks of the optional capabilities. Each runs when the store
// declares the capability (core.CapabilitiesOf) and fails when the store
// does not honour it; an undeclared capability is skipped with what the
// manager does instead.

// capabilities lists each optional capability with its interface and what
// follows when a store does not declare it.
var capabilities = []struct {
	c       core.Capabilities
	iface   string
	has     func(core.Store) bool
	without string
}{
	{core.CanPatch, "core.Patcher", is[core.Patcher],
		"the manager emulates Patch by read-modify-write through Load and Save, which narrows, but cannot close, the window in which concurrent requests to one session lose each other's writes"},
	{core.CanTouch, "core.Toucher", is[core.Toucher],
		"the manager emulates Touch by read-modify-write, rewriting the whole record through Load and Save"},
	{core.CanIterate, "core.Iterator", is[core.Iterator],
		"Range and Count are unavailable; the manager does not need them"},
	{core.CanCleanup, "core.Cleaner", is[core.Cleaner],
		"the backend must remove expired records itself; the manager does not need Cleanup"},
	{core.CanPop, "core.Popper", is[core.Popper],
		"Key.Pop is atomic within one request only, so concurrent requests may each see a flash message"},
	{core.CanIndexOwners, "core.OwnerIndex", is[core.OwnerIndex],
		"the manager lists an owner's sessions by scanning every session through Iterator (O(all sessions)), or, without Iterator, fails with ErrNoOwnerIndex"},
}

const knownCapabilities = core.CanPatch | core.CanTouch | core.CanIterate | core.CanCleanup | core.CanPop | core.CanIndexOwners

func is[I any](s core.Store) bool {
	_, ok := s.(I)
	return ok
}

// declared returns s as the interface I of capability c. It skips t when s
// does not declare c, and fails t when s declares c without implementing I.
func declared[I any](t *testing.T, s core.Store, c core.Capabilities) I {
	t.Helper()
	if !core.CapabilitiesOf(s).Has(c) {
		for _, k := range capabilities {
			if k.c == c {
				t.Skipf("store does not declare %v: %s", c, k.without)
			}
		}
		t.Skipf("store does not declare %v", c)
	}
	i, ok := s.(I)
	if !ok {
		t.Fatalf("store %T declares %v but does not implement %v", s, c, reflect.TypeFor[I]())
	}
	return i
}

// testCapabilities checks that every declared capability is implemented,
// and that core.New agrees: it accepts an honest store and rejects one that
// declares what it does not implement.
func testCapabilities(t *testing.T, s core.Store) {
	caps := core.CapabilitiesOf(s)
	t.Logf("%T declares %v", s, caps)
	honest := true
	if rest := caps &^ knownCapabilities; rest != 0 {
		t.Errorf("store %T declares unknown capabilities %v; core.New rejects it with ErrInvalidConfig", s, rest)
		honest = false
	}
	for _, k := range capabilities {
		switch implemented := k.has(s); {
		case caps.Has(k.c) && !implemented:
			t.Errorf("store %T declares %v but does not implement %s; core.New rejects it with ErrInvalidConfig", s, k.c, k.iface)
			honest = false
		case !caps.Has(k.c) && implemented:
			t.Logf("store %T implements %s without declaring %v: the manager never calls it", s, k.iface, k.c)
		}
	}
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}, Store: s})
	if mgr != nil {
		mgr.Close()
	}
	switch {
	case honest && err != nil:
		t.Errorf("core.New(Config{Store: %T}) = %v; want nil", s, err)
	case !honest && !errors.Is(err, core.ErrInvalidConfig):
		t.Errorf("core.New(Config{Store: %T}) = %v; want an error wrapping ErrInvalidConfig", s, err)
	}
}

func testTouch(t *testing.T, s core.Store, life time.Duration) bool {
	tc := declared[core.Toucher](t, s, core.CanTouch)
	vals := map[string][]byte{"a": raw(1)}
	// control shares touched's first expiry: once it is gone, touched
	// would be too had Touch not moved its expiry.
	touched, control := NewKey(t), NewKey(t)
	exp := saveShortLived(t, s, life, vals, touched, control)
	later := time.Now().Add(time.Hour)
	found, err := tc.Touch(ctxT(t), touched, later)
	if err != nil {
		t.Fatalf("Touch(live) = %v; want nil", err)
	}
	if !found {
		tooSlow(t, "Touch(live)", time.Now(), exp)
		return false
	}

	absent := NewKey(t)
	if found, err := tc.Touch(ctxT(t), absent, later); err != nil || found {
		t.Errorf("Touch(absent) = %v, %v; want false, nil", found, err)
	}
	if _, found := mustLoad(t, s, absent); found {
		t.Error("Touch(absent) created a record")
	}
	past := NewKey(t)
	mustSave(t, s, past, core.Record{Values: vals, Expiry: time.Now().Add(-time.Minute)})
	if found, err := tc.Touch(ctxT(t), past, later); err != nil || found {
		t.Errorf("Touch(saved with a past expiry) = %v, %v; want false, nil", found, err)
	}
	if _, found := mustLoad(t, s, past); found {
		t.Error("Touch(saved with a past expiry) resurrected the record")
	}

	if !waitExpired(t, s, control, exp) {
		return true
	}
	rec, found := mustLoad(t, s, touched)
	if !found {
		t.Fatal("Load after Touch past the old expiry: found = false; Touch did not extend expiry")
	}
	checkValues(t, "Load after Touch", rec.Values, vals)
	checkExpiry(t, "Load after Touch", rec.Expiry, later)

	if found, err := tc.Touch(ctxT(t), control, later); err != nil || found {
		t.Errorf("Touch(expired) = %v, %v; want false, nil", found, err)
	}
	if _, found := mustLoad(t, s, control); found {
		t.Error("Touch(expired) resurrected the record")
	}
	return true
}

func testPatch(t *testing.T, s core.Store) {
	p := declared[core.Patcher](t, s, core.CanPatch)
	expiring := NewKey(t)
	expiringAt := saveShortLived(t, s, shortLife, map[string][]byte{"a": raw(1)}, expiring)

	key := NewKey(t)
	mustSave(t, s, key, core.Record{Values: map[string][]byte{"a": raw(1), "b": raw(2), "keep": raw("k")}, Expiry: time.Now().Add(time.Minute)})
	exp := time.Now().Add(2 * time.Hour)
	found, err := p.Patch(ctxT(t), key, core.Patch{
		Set:    map[string][]byte{"b": raw(map[string]int{"x": 3}), "c": raw("new")},
		Delete: []string{"a", "never-set"},
		Expiry: exp,
	})
	if err != nil || !found {
		t.Fatalf("Patch(live) = %v, %v; want true, nil", found, err)
	}
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("Load after Patch: found = false")
	}
	checkValues(t, "Load after Patch", rec.Values, map[string][]byte{"b": raw(map[string]int{"x": 3}), "c": raw("new"), "keep": raw("k")})
	checkExpiry(t, "Load after Patch", rec.Expiry, exp)

	never := func(name, key string) {
		t.Helper()
		if found, err := p.Patch(ctxT(t), key, core.Patch{Set: map[string][]byte{"b": raw(2)}, Expiry: exp}); err != nil || found {
			t.Errorf("Patch(%s) = %v, %v; want false, nil", name, found, err)
		}
		if _, found := mustLoad(t, s, key); found {
			t.Errorf("Patch(%s) created a record; Patch must never create one", name)
		}
	}
	never("absent", NewKey(t))
	past := NewKey(t)
	mustSave(t, s, past, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: time.Now().Add(-time.Minute)})
	never("saved with a past expiry", past)
	if waitExpired(t, s, expiring, expiringAt) {
		never("expired", expiring)
	}
}

func testPatchConcurrent(t *testing.T, s core.Store) {
	p := declared[core.Patcher](t, s, core.CanPatch)
	key := NewKey(t)
	const n = 100
	initial := map[string][]byte{}
	for i := range n {
		initial[fmt.Sprintf("old%d", i)] = raw(i)
	}
	mustSave(t, s, key, core.Record{Values: initial, Expiry: time.Now().Add(time.Hour)})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := p.Patch(context.Background(), key, core.Patch{
				Set:    map[string][]byte{fmt.Sprintf("k%d", i): raw(i)},
				Delete: []string{fmt.Sprintf("old%d", i)},
				Expiry: time.Now().Add(time.Hour),
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Patch = %v", err)
		}
	}
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("Load after concurrent patches: found = false")
	}
	want := map[string][]byte{}
	var lost []string
	for i := range n {
		k := fmt.Sprintf("k%d", i)
		want[k] = raw(i)
		_, set := rec.Values[k]
		_, kept := rec.Values[fmt.Sprintf("old%d", i)]
		if !set || kept {
			lost = append(lost, k)
		}
	}
	if len(lost) > 0 {
		t.Fatalf("%d of %d concurrent patches to different keys of one record were lost (%v ...); a store declaring CanPatch must apply each patch atomically", len(lost), n, lost[:min(len(lost), 5)])
	}
	checkValues(t, "Load after 100 concurrent patches", rec.Values, want)
}

// testIterator runs before the parallel checks, so no other writer changes
// the counts.
func testIterator(t *testing.T, s core.Store) {
	it := declared[core.Iterator](t, s, core.CanIterate)
	before, err := it.Count(ctxT(t))
	if err != nil {
		t.Fatalf("Count = %v", err)
	}
	mine := map[string]bool{}
	for range 3 {
		k := NewKey(t)
		mine[k] = true
		mustSave(t, s, k, core.Record{Values: map[string][]byte{"k": raw(k)}, Expiry: time.Now().Add(time.Hour)})
	}
	mustSave(t, s, NewKey(t), core.Record{Values: map[string][]byte{"k": raw(1)}, Expiry: time.Now().Add(-time.Second)})
	after, err := it.Count(ctxT(t))
	if err != nil {
		t.Fatalf("Count = %v", err)
	}
	if after-before != 3 {
		t.Errorf("Count grew by %d after 3 live saves and 1 expired; want 3", after-before)
	}
	seen := map[string]bool{}
	err = it.Range(ctxT(t), func(key string, rec core.Record) bool {
		if mine[key] {
			seen[key] = true
			checkValues(t, "Range record", rec.Values, map[string][]byte{"k": raw(key)})
		}
		return true
	})
	if err != nil {
		t.Fatalf("Range = %v", err)
	}
	if len(seen) != len(mine) {
		t.Errorf("Range visited %d of the 3 saved records", len(seen))
	}
	calls := 0
	if err := it.Range(ctxT(t), func(string, core.Record) bool { calls++; return false }); err != nil {
		t.Fatalf("Range = %v", err)
	}
	if calls != 1 {
		t.Errorf("Range called fn %d times after it returned false; want 1", calls)
	}
	for k := range mine {
		if err := s.Delete(ctxT(t), k); err != nil {
			t.Fatal(err)
		}
	}
}

func testCleanup(t *testing.T, s core.Store) {
	c := declared[core.Cleaner](t, s, core.CanCleanup)
	// key is never loaded before Cleanup, so a store that deletes expired
	// records as Load finds them still leaves it to Cleanup; control,
	// saved with the same expiry, tells when it has passed.
	key, control := NewKey(t), NewKey(t)
	exp := saveShortLived(t, s, shortLife, map[string][]byte{"a": raw(1)}, key, control)
	keep := NewKey(t)
	mustSave(t, s, keep, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: time.Now().Add(time.Hour)})
	if !waitExpired(t, s, control, exp) {
		return
	}
	n, err := c.Cleanup(ctxT(t))
	if err != nil {
		t.Fatalf("Cleanup = %v", err)
	}
	if n < 1 {
		t.Errorf("Cleanup removed %d records; want at least 1", n)
	}
	if _, found := mustLoad(t, s, key); found {
		t.Error("expired record still loadable after Cleanup")
	}
	if _, found := mustLoad(t, s, keep); !found {
		t.Error("Cleanup removed a live record")
	}
}
