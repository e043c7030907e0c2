package storetest

import (
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// The suite waits in real time (see Run), so these bound how long.
const (
	// shortLife is how long a short-lived record lives at first: room for
	// a few round trips to a loaded server before it expires, and short
	// enough that waiting for it keeps the suite fast.
	shortLife = 250 * time.Millisecond

	// maxLife is the longest life timed gives a short-lived record.
	maxLife = 4 * time.Second

	// expiryGrace is how long past its expiry a record may still be
	// returned before the store fails: room for a store's rounding and for
	// a server clock slightly behind the application's.
	expiryGrace = 300 * time.Millisecond

	// pollEvery is how often a wait asks the store again.
	pollEvery = 10 * time.Millisecond
)

// timed turns a check that needs a short-lived record to be still live a
// few store calls after it is saved into a suite check. When the store was
// slower than the record's life, the check reports false and runs again
// with a life twice as long, so a loaded machine costs time, not a failure
// or a skipped check.
func timed(check func(t *testing.T, s core.Store, life time.Duration) bool) func(*testing.T, core.Store) {
	return func(t *testing.T, s core.Store) {
		for life := shortLife; ; life *= 2 {
			if check(t, s, life) {
				return
			}
			if life >= maxLife {
				t.Fatalf("the store took longer than %v, the longest life the suite gives a short-lived record, for a few calls; too slow to check", life)
			}
			t.Logf("the store took longer than the %v a short-lived record lived; checking again with %v", life, 2*life)
		}
	}
}

// saveShortLived saves vals under each key with an expiry life from now,
// and returns that expiry.
func saveShortLived(t *testing.T, s core.Store, life time.Duration, vals map[string][]byte, keys ...string) time.Time {
	t.Helper()
	exp := time.Now().Add(life)
	for _, k := range keys {
		mustSave(t, s, k, core.Record{Values: vals, Expiry: exp})
	}
	return exp
}

// waitExpired polls Load until the record under key, which expires at exp,
// is no longer returned. It fails t and returns false if the record is
// still returned expiryGrace after exp.
func waitExpired(t *testing.T, s core.Store, key string, exp time.Time) bool {
	t.Helper()
	deadline := exp.Add(expiryGrace)
	for {
		asked := time.Now()
		if _, found := mustLoad(t, s, key); !found {
			return true
		}
		if asked.After(deadline) {
			t.Errorf("Load %v after the record's expiry still returns it; an expired record must never be returned", asked.Sub(exp).Round(time.Millisecond))
			return false
		}
		time.Sleep(pollEvery)
	}
}

// tooSlow is called when an operation, ended at done, found no record where
// one expiring at exp was saved. It fails t if the operation ended before
// exp; otherwise the store was too slow for the check to tell, and the
// caller reports that to timed.
func tooSlow(t *testing.T, op string, done, exp time.Time) {
	t.Helper()
	if done.Before(exp) {
		t.Fatalf("%s: found = false %v before the record's expiry; want true", op, exp.Sub(done).Round(time.Millisecond))
	}
}
