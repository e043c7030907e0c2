// Package storetest is the conformance suite for sessionkit stores. Any
// core.Store passes it with one call:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, mystore.New(...))
//	}
//
// The suite checks the core contract (round trip, overwrite, delete, absent
// keys, expiry, large values, context cancellation, concurrent saves) and,
// for each optional capability the store implements (core.Patcher,
// core.Toucher, core.Iterator, core.Cleaner), that capability's contract,
// including patch atomicity under 100 concurrent writers. It also drives a
// core.Manager over HTTP with the store, so the engine's guarantees are
// checked end to end.
//
// Give Run a store of its own: a key prefix, table or database that nothing
// else writes during the run, because the Iterator checks count records
// exactly. The suite sleeps for a few seconds in total to observe expiry.
package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Tolerance is how far a store may round an expiry it returns.
const Tolerance = time.Second

// Run runs the whole suite against s.
func Run(t *testing.T, s core.Store) {
	t.Helper()
	if it, ok := s.(core.Iterator); ok {
		// Exact counts need no concurrent writers, so this runs before the
		// parallel subtests start.
		t.Run("Iterator", func(t *testing.T) { testIterator(t, s, it) })
	}
	tests := []struct {
		name string
		fn   func(*testing.T, core.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"AbsentKey", testAbsent},
		{"Expiry", testExpiry},
		{"PastExpiryNeverStored", testPastExpiry},
		{"LargeValue", testLargeValue},
		{"ValueKinds", testValueKinds},
		{"ContextCanceled", testCanceled},
		{"ConcurrentSaves", testConcurrentSaves},
		{"Touch", testTouch},
		{"Patch", testPatch},
		{"PatchConcurrent", testPatchConcurrent},
		{"Cleanup", testCleanup},
		{"ManagerOverHTTP", testManager},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, s)
		})
	}
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
	if err := s.Save(ctxT(t), key, rec); err != nil {
		t.Fatalf("Save(%q) = %v; want nil", key, err)
	}
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

func testRoundTrip(t *testing.T, s core.Store) {
	key := NewKey(t)
	exp := time.Now().Add(time.Hour)
	vals := map[string][]byte{
		"user":  raw("alice"),
		"views": raw(42),
		"prefs": raw(map[string]any{"theme": "dark", "tags": []string{"a", "b"}}),
	}
	mustSave(t, s, key, core.Record{Values: vals, Expiry: exp})
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatalf("Load after Save: found = false; want true")
	}
	checkValues(t, "Load after Save", rec.Values, vals)
	checkExpiry(t, "Load after Save", rec.Expiry, exp)

	empty := NewKey(t)
	mustSave(t, s, empty, core.Record{Values: map[string][]byte{}, Expiry: exp})
	rec, found = mustLoad(t, s, empty)
	if !found || len(rec.Values) != 0 {
		t.Errorf("Load of empty record = %v, found %v; want no values, found", rec.Values, found)
	}
}

func testOverwrite(t *testing.T, s core.Store) {
	key := NewKey(t)
	exp := time.Now().Add(time.Hour)
	mustSave(t, s, key, core.Record{Values: map[string][]byte{"a": raw(1), "b": raw(2)}, Expiry: exp})
	exp2 := exp.Add(time.Hour)
	want := map[string][]byte{"c": raw(3)}
	mustSave(t, s, key, core.Record{Values: want, Expiry: exp2})
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("Load after overwrite: found = false; want true")
	}
	checkValues(t, "Load after overwrite", rec.Values, want)
	checkExpiry(t, "Load after overwrite", rec.Expiry, exp2)
}

func testDelete(t *testing.T, s core.Store) {
	key := NewKey(t)
	mustSave(t, s, key, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: time.Now().Add(time.Hour)})
	if err := s.Delete(ctxT(t), key); err != nil {
		t.Fatalf("Delete = %v; want nil", err)
	}
	if _, found := mustLoad(t, s, key); found {
		t.Error("Load after Delete: found = true; want false")
	}
	if err := s.Delete(ctxT(t), key); err != nil {
		t.Errorf("Delete of absent key = %v; want nil", err)
	}
}

func testAbsent(t *testing.T, s core.Store) {
	if rec, found := mustLoad(t, s, NewKey(t)); found {
		t.Errorf("Load(absent) = %v, true; want not found", rec)
	}
}

func testExpiry(t *testing.T, s core.Store) {
	key := NewKey(t)
	exp := time.Now().Add(1500 * time.Millisecond)
	mustSave(t, s, key, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: exp})
	if _, found := mustLoad(t, s, key); !found {
		t.Fatal("Load before expiry: found = false; want true")
	}
	time.Sleep(time.Until(exp) + 300*time.Millisecond)
	if rec, found := mustLoad(t, s, key); found {
		t.Errorf("Load after expiry = %v, found; an expired record must never be returned", rec)
	}
}

func testPastExpiry(t *testing.T, s core.Store) {
	key := NewKey(t)
	mustSave(t, s, key, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: time.Now().Add(-time.Minute)})
	if _, found := mustLoad(t, s, key); found {
		t.Error("Load of record saved with a past expiry: found = true; want false")
	}
}

func testLargeValue(t *testing.T, s core.Store) {
	key := NewKey(t)
	big := raw(strings.Repeat("0123456789abcdef", 64<<10)) // 1 MiB string
	vals := map[string][]byte{"big": big, "small": raw(true)}
	mustSave(t, s, key, core.Record{Values: vals, Expiry: time.Now().Add(time.Hour)})
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("Load of large record: found = false; want true")
	}
	checkValues(t, "Load of large record", rec.Values, vals)
}

func testValueKinds(t *testing.T, s core.Store) {
	key := NewKey(t)
	vals := map[string][]byte{
		"null":            []byte("null"),
		"int":             raw(int64(1) << 53),
		"float":           raw(3.25),
		"neg":             raw(-7),
		"string":          raw("héllo \"wörld\"\n\u2028<>&"),
		"bool":            raw(false),
		"array":           raw([]any{1, "two", nil}),
		"object":          raw(map[string]any{"z": 1, "a": map[string]any{"nested": true}}),
		"dotted.key":      raw(1),
		"with space":      raw(2),
		"ünïcode":         raw(3),
		"$dollar'quote\"": raw(4),
		"":                raw("empty key"),
	}
	mustSave(t, s, key, core.Record{Values: vals, Expiry: time.Now().Add(time.Hour)})
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("Load: found = false; want true")
	}
	checkValues(t, "Load", rec.Values, vals)
}

func testCanceled(t *testing.T, s core.Store) {
	key := NewKey(t)
	mustSave(t, s, key, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: time.Now().Add(time.Hour)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := core.Record{Values: map[string][]byte{"a": raw(2)}, Expiry: time.Now().Add(time.Hour)}
	ops := map[string]func() error{
		"Load":   func() error { _, _, err := s.Load(ctx, key); return err },
		"Save":   func() error { return s.Save(ctx, key, rec) },
		"Delete": func() error { return s.Delete(ctx, key) },
	}
	if p, ok := s.(core.Patcher); ok {
		ops["Patch"] = func() error {
			_, err := p.Patch(ctx, key, core.Patch{Set: rec.Values, Expiry: rec.Expiry})
			return err
		}
	}
	if tc, ok := s.(core.Toucher); ok {
		ops["Touch"] = func() error { _, err := tc.Touch(ctx, key, rec.Expiry); return err }
	}
	for name, op := range ops {
		if err := op(); err == nil {
			t.Errorf("%s with a canceled context = nil; want an error", name)
		}
	}
	got, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("record deleted by a Delete whose context was canceled")
	}
	checkValues(t, "Load after canceled writes", got.Values, map[string][]byte{"a": raw(1)})
}

func testConcurrentSaves(t *testing.T, s core.Store) {
	key := NewKey(t)
	const writers = 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vals := map[string][]byte{"writer": raw(i), "payload": raw(strings.Repeat(fmt.Sprint(i%10), 1000))}
			errs <- s.Save(context.Background(), key, core.Record{Values: vals, Expiry: time.Now().Add(time.Hour)})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Save = %v", err)
		}
	}
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("Load after concurrent saves: found = false")
	}
	var w int
	if err := json.Unmarshal(rec.Values["writer"], &w); err != nil {
		t.Fatalf("writer value %q: %v", rec.Values["writer"], err)
	}
	want := map[string][]byte{"writer": raw(w), "payload": raw(strings.Repeat(fmt.Sprint(w%10), 1000))}
	checkValues(t, "record after concurrent saves (must be exactly one writer's record)", rec.Values, want)
}

func testTouch(t *testing.T, s core.Store) {
	tc, ok := s.(core.Toucher)
	if !ok {
		t.Skip("store does not implement core.Toucher")
	}
	key := NewKey(t)
	vals := map[string][]byte{"a": raw(1)}
	mustSave(t, s, key, core.Record{Values: vals, Expiry: time.Now().Add(time.Second)})
	later := time.Now().Add(time.Hour)
	found, err := tc.Touch(ctxT(t), key, later)
	if err != nil || !found {
		t.Fatalf("Touch(live) = %v, %v; want true, nil", found, err)
	}
	time.Sleep(1300 * time.Millisecond)
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatal("Load after Touch past the old expiry: found = false; Touch did not extend expiry")
	}
	checkValues(t, "Load after Touch", rec.Values, vals)
	checkExpiry(t, "Load after Touch", rec.Expiry, later)

	absent := NewKey(t)
	if found, err := tc.Touch(ctxT(t), absent, later); err != nil || found {
		t.Errorf("Touch(absent) = %v, %v; want false, nil", found, err)
	}
	if _, found := mustLoad(t, s, absent); found {
		t.Error("Touch(absent) created a record")
	}

	expired := NewKey(t)
	mustSave(t, s, expired, core.Record{Values: vals, Expiry: time.Now().Add(200 * time.Millisecond)})
	time.Sleep(500 * time.Millisecond)
	if found, err := tc.Touch(ctxT(t), expired, later); err != nil || found {
		t.Errorf("Touch(expired) = %v, %v; want false, nil", found, err)
	}
	if _, found := mustLoad(t, s, expired); found {
		t.Error("Touch(expired) resurrected the record")
	}
}

func testPatch(t *testing.T, s core.Store) {
	p, ok := s.(core.Patcher)
	if !ok {
		t.Skip("store does not implement core.Patcher")
	}
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

	absent := NewKey(t)
	if found, err := p.Patch(ctxT(t), absent, core.Patch{Set: map[string][]byte{"a": raw(1)}, Expiry: exp}); err != nil || found {
		t.Errorf("Patch(absent) = %v, %v; want false, nil", found, err)
	}
	if _, found := mustLoad(t, s, absent); found {
		t.Error("Patch(absent) created a record")
	}

	expired := NewKey(t)
	mustSave(t, s, expired, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: time.Now().Add(200 * time.Millisecond)})
	time.Sleep(500 * time.Millisecond)
	if found, err := p.Patch(ctxT(t), expired, core.Patch{Set: map[string][]byte{"b": raw(2)}, Expiry: exp}); err != nil || found {
		t.Errorf("Patch(expired) = %v, %v; want false, nil", found, err)
	}
	if _, found := mustLoad(t, s, expired); found {
		t.Error("Patch(expired) resurrected the record")
	}
}

func testPatchConcurrent(t *testing.T, s core.Store) {
	p, ok := s.(core.Patcher)
	if !ok {
		t.Skip("store does not implement core.Patcher")
	}
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.Patch(context.Background(), key, core.Patch{
				Set:    map[string][]byte{fmt.Sprintf("k%d", i): raw(i)},
				Delete: []string{fmt.Sprintf("old%d", i)},
				Expiry: time.Now().Add(time.Hour),
			})
			errs <- err
		}()
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
	for i := range n {
		want[fmt.Sprintf("k%d", i)] = raw(i)
	}
	checkValues(t, "Load after 100 concurrent patches", rec.Values, want)
}

func testIterator(t *testing.T, s core.Store, it core.Iterator) {
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
	c, ok := s.(core.Cleaner)
	if !ok {
		t.Skip("store does not implement core.Cleaner")
	}
	key := NewKey(t)
	mustSave(t, s, key, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: time.Now().Add(200 * time.Millisecond)})
	keep := NewKey(t)
	mustSave(t, s, keep, core.Record{Values: map[string][]byte{"a": raw(1)}, Expiry: time.Now().Add(time.Hour)})
	time.Sleep(500 * time.Millisecond)
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
