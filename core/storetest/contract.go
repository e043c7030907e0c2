package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// The checks of the core contract, which every store must honour.

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

func testExpiry(t *testing.T, s core.Store, life time.Duration) bool {
	key := NewKey(t)
	exp := saveShortLived(t, s, life, map[string][]byte{"a": raw(1)}, key)
	if _, found := mustLoad(t, s, key); !found {
		tooSlow(t, "Load before expiry", time.Now(), exp)
		return false
	}
	waitExpired(t, s, key, exp)
	return true
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
	caps := core.CapabilitiesOf(s)
	if p, ok := s.(core.Patcher); ok && caps.Has(core.CanPatch) {
		ops["Patch"] = func() error {
			_, err := p.Patch(ctx, key, core.Patch{Set: rec.Values, Expiry: rec.Expiry})
			return err
		}
	}
	if tc, ok := s.(core.Toucher); ok && caps.Has(core.CanTouch) {
		ops["Touch"] = func() error { _, err := tc.Touch(ctx, key, rec.Expiry); return err }
	}
	if p, ok := s.(core.Popper); ok && caps.Has(core.CanPop) {
		ops["Pop"] = func() error { _, _, err := p.Pop(ctx, key, "a"); return err }
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
	removeAtEnd(t, s, key)
	const writers = 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			vals := map[string][]byte{"writer": raw(i), "payload": raw(strings.Repeat(fmt.Sprint(i%10), 1000))}
			errs <- s.Save(context.Background(), key, core.Record{Values: vals, Expiry: time.Now().Add(time.Hour)})
		})
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
