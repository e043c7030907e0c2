// Package storetest is the conformance suite for sessionkit stores. Any
// core.Store passes it with one call:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, mystore.New(...))
//	}
//
// The suite checks the core contract (round trip, overwrite, delete, absent
// keys, expiry, large values, context cancellation, concurrent saves) and,
// for each optional capability the store declares (see core.CapabilitiesOf),
// that capability's contract: patch atomicity under 100 concurrent writers,
// patches, touches and pops that never create a record, touches that move
// the expiry, exact iterator counts, cleanups that remove expired records,
// and pops that give a value to exactly one of 50 concurrent callers. Every
// store must keep a record's owner (core.Record.Owner) through Save, Load,
// Range, Patch, Touch and Pop, the last three setting its Seen; a store
// that declares core.CanIndexOwners must list exactly an owner's live
// records, never one deleted, expired or re-bound, even while Saves,
// Deletes and listings race. A
// declared capability that does not hold fails the suite; an undeclared one
// is skipped, since the manager then does without it. The suite also drives
// a core.Manager over HTTP with the store, so the engine's guarantees are
// checked end to end.
//
// Give Run a store of its own: a key prefix, table or database that nothing
// else writes during the run, because the Iterator checks count records
// exactly. The suite deletes the records it saved when it ends.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Tolerance is how far a store may round an expiry it returns.
const Tolerance = time.Second

// Run runs the whole suite against s and returns when every check has
// finished. The checks run concurrently with each other.
//
// The suite observes expiry in real time. It runs against real servers,
// such as Redis or PostgreSQL, whose clocks cannot be faked, so a record
// must really outlive its expiry before the suite can tell that the store
// no longer returns it. The waits are kept short: short-lived records
// expire a few hundred milliseconds after they are saved, and each wait
// polls until the store reports the record gone, failing only if it is
// still returned a grace period after its expiry. A store that is exact
// about expiry passes in well under a second.
func Run(t *testing.T, s core.Store) {
	t.Helper()
	// These run before the others start: the declarations decide what the
	// others check, and exact counts need no concurrent writers.
	t.Run("Capabilities", func(t *testing.T) { testCapabilities(t, s) })
	t.Run("Iterator", func(t *testing.T) { testIterator(t, s) })
	tests := []struct {
		name string
		fn   func(*testing.T, core.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"AbsentKey", testAbsent},
		{"Expiry", timed(testExpiry)},
		{"PastExpiryNeverStored", testPastExpiry},
		{"LargeValue", testLargeValue},
		{"ValueKinds", testValueKinds},
		{"EveryJSONValue", testEveryJSONValue},
		{"ContextCanceled", testCanceled},
		{"ConcurrentSaves", testConcurrentSaves},
		{"Touch", timed(testTouch)},
		{"Patch", testPatch},
		{"PatchConcurrent", testPatchConcurrent},
		{"Cleanup", testCleanup},
		{"Pop", testPop},
		{"PopConcurrent", testPopConcurrent},
		{"OwnerRoundTrip", testOwnerRoundTrip},
		{"OwnerKeptByWrites", testOwnerKeptByWrites},
		{"OwnedLists", testOwnedLists},
		{"OwnedNeverStale", timed(testOwnedNeverStale)},
		{"OwnedConcurrent", testOwnedConcurrent},
		{"ManagerOverHTTP", testManager},
		{"ManagerOwners", testManagerOwners},
		{"ManagerOwnersConcurrent", testManagerOwnersConcurrent},
		{"ManagerOwnersCap", testManagerOwnersCap},
	}
	// The checks run at once, as a store's users do. They are not parallel
	// subtests: those would each hold one of go test's -parallel slots
	// while waiting on the clock, so the waits would add up.
	var wg sync.WaitGroup
	for _, tc := range tests {
		wg.Go(func() { t.Run(tc.name, func(t *testing.T) { tc.fn(t, s) }) })
	}
	wg.Wait()
}

// NewKey returns a random key shaped like the manager's hashed keys.
func NewKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func raw(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// sameJSON reports whether a and b encode the same JSON value, ignoring
// formatting and object key order.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(x, y)
}

func checkValues(t *testing.T, op string, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d values %v; want %d", op, len(got), keysOf(got), len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: key %q missing", op, k)
			continue
		}
		if !sameJSON(g, w) {
			t.Errorf("%s: value of %q = %.80s; want %.80s", op, k, g, w)
		}
	}
}

func keysOf(m map[string][]byte) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func mustSave(t *testing.T, s core.Store, key string, rec core.Record) {
	t.Helper()
	removeAtEnd(t, s, key)
	if err := s.Save(ctxT(t), key, rec); err != nil {
		t.Fatalf("Save(%q) = %v; want nil", key, err)
	}
}

// removeAtEnd deletes the record under key when t ends, so the suite
// leaves the store as it found it.
func removeAtEnd(t *testing.T, s core.Store, key string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q) at the end of the check = %v; want nil", key, err)
		}
	})
}

func mustLoad(t *testing.T, s core.Store, key string) (core.Record, bool) {
	t.Helper()
	rec, found, err := s.Load(ctxT(t), key)
	if err != nil {
		t.Fatalf("Load(%q) error = %v; want nil", key, err)
	}
	return rec, found
}

func checkExpiry(t *testing.T, op string, got, want time.Time) {
	t.Helper()
	if d := got.Sub(want); d > Tolerance || d < -Tolerance {
		t.Errorf("%s: Expiry = %v; want %v (±%v)", op, got, want, Tolerance)
	}
}
