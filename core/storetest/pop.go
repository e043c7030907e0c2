package storetest

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// The checks of core.Popper: a pop takes one value out of a live record,
// leaves the rest of it and its expiry alone, never creates or revives a
// record, and gives a value to exactly one of the callers racing for it.

// popNames are the value names testPop pops, chosen to trip stores that
// build field names, paths or queries from them.
var popNames = []string{"flash", "", "dotted.key", "with space", "ünïcode", "$dollar'quote\"", "{brace}", "-"}

func testPop(t *testing.T, s core.Store) {
	p := declared[core.Popper](t, s, core.CanPop)
	expiring := NewKey(t)
	expiringAt := saveShortLived(t, s, shortLife, map[string][]byte{"flash": raw("x")}, expiring)

	vals := map[string][]byte{"keep": raw("k")}
	for i, name := range popNames {
		vals[name] = raw(map[string]any{"msg": fmt.Sprintf("saved \"%d\"\n", i), "n": i, "tags": []any{"a", nil}})
	}
	vals["flash"] = raw("héllo \"wörld\"\n\u2028<>&")
	key, other := NewKey(t), NewKey(t)
	exp := time.Now().Add(time.Hour)
	mustSave(t, s, key, core.Record{Values: vals, Expiry: exp})
	mustSave(t, s, other, core.Record{Values: vals, Expiry: exp})

	popEach(t, s, p, key, vals, exp)

	// A record that never held the name, and every other record, are left
	// alone.
	if got, found, err := p.Pop(ctxT(t), other, "never-set"); err != nil || found {
		t.Errorf("Pop(live, never-set name) = %.80s, %v, %v; want false, nil", got, found, err)
	}
	rec, found := mustLoad(t, s, other)
	if !found {
		t.Fatal("Load of a record the pops did not name: found = false; want true")
	}
	checkValues(t, "Load of a record the pops did not name", rec.Values, vals)
	checkExpiry(t, "Load of a record the pops did not name", rec.Expiry, exp)

	never := func(name, key string) {
		t.Helper()
		if got, found, err := p.Pop(ctxT(t), key, "flash"); err != nil || found {
			t.Errorf("Pop(%s) = %.80s, %v, %v; want false, nil", name, got, found, err)
		}
		if _, found := mustLoad(t, s, key); found {
			t.Errorf("Pop(%s) left a loadable record; Pop must never create or revive one", name)
		}
	}
	never("absent", NewKey(t))
	past := NewKey(t)
	mustSave(t, s, past, core.Record{Values: map[string][]byte{"flash": raw("x")}, Expiry: time.Now().Add(-time.Minute)})
	never("saved with a past expiry", past)
	if waitExpired(t, s, expiring, expiringAt) {
		never("expired", expiring)
	}
}

// popEach pops every value of the record under key, which holds vals and
// expires at exp, one by one, and checks after each pop what is left.
func popEach(t *testing.T, s core.Store, p core.Popper, key string, vals map[string][]byte, exp time.Time) {
	t.Helper()
	left := maps.Clone(vals)
	for _, name := range slices.Concat(popNames, []string{"keep"}) {
		got, found, err := p.Pop(ctxT(t), key, name)
		if err != nil || !found || !sameJSON(got, vals[name]) {
			t.Errorf("Pop(live, %q) = %.80s, %v, %v; want %s, true, nil", name, got, found, err, vals[name])
		}
		delete(left, name)
		op := fmt.Sprintf("Load after Pop(%q)", name)
		rec, found := mustLoad(t, s, key)
		if !found {
			// Popping the last value too leaves an empty, live record.
			t.Fatalf("%s: found = false; Pop must leave the record in place", op)
		}
		checkValues(t, op, rec.Values, left)
		checkExpiry(t, op, rec.Expiry, exp)
		if got, found, err := p.Pop(ctxT(t), key, name); err != nil || found {
			t.Errorf("second Pop(live, %q) = %.80s, %v, %v; want false, nil", name, got, found, err)
		}
	}
}

// popRacers is how many callers race for one value in the concurrency
// checks.
const popRacers = 50

func testPopConcurrent(t *testing.T, s core.Store) {
	p := declared[core.Popper](t, s, core.CanPop)
	key := NewKey(t)
	flash := raw("shown once")
	mustSave(t, s, key, core.Record{Values: map[string][]byte{"flash": flash, "keep": raw("k")}, Expiry: time.Now().Add(time.Hour)})
	var (
		wg    sync.WaitGroup
		seen  atomic.Int32
		start = make(chan struct{})
	)
	ctx := ctxT(t)
	for i := range popRacers {
		wg.Go(func() {
			<-start
			got, found, err := p.Pop(ctx, key, "flash")
			switch {
			case err != nil:
				t.Errorf("concurrent Pop %d = %v; want nil", i, err)
			case found:
				seen.Add(1)
				if !sameJSON(got, flash) {
					t.Errorf("concurrent Pop %d = %.80s; want %s", i, got, flash)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if n := seen.Load(); n != 1 {
		t.Errorf("%d of %d concurrent Pops of one value found it; a store declaring CanPop must give it to exactly one", n, popRacers)
	}
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("Load after concurrent pops: found = false; want true")
	}
	checkValues(t, "Load after concurrent pops", rec.Values, map[string][]byte{"keep": raw("k")})
}
