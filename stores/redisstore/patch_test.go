package redisstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

func TestPastExpiryDeletesSession(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	past := time.Now().Add(-time.Second)
	tests := []struct {
		name string
		fn   func(key string) (bool, error)
	}{
		{"Patch", func(key string) (bool, error) {
			return s.Patch(ctx, key, core.Patch{Set: map[string][]byte{"b": []byte("2")}, Expiry: past})
		}},
		{"Touch", func(key string) (bool, error) { return s.Touch(ctx, key, past) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := storetest.NewKey(t)
			if err := s.Save(ctx, key, core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: time.Now().Add(time.Hour)}); err != nil {
				t.Fatalf("Save: %v", err)
			}
			if found, err := tc.fn(key); err != nil || !found {
				t.Errorf("%s(past expiry) = %v, %v; want true, nil", tc.name, found, err)
			}
			if n, err := client.Exists(ctx, prefix+key).Result(); err != nil || n != 0 {
				t.Errorf("EXISTS after %s with a past expiry = %d, %v; want 0", tc.name, n, err)
			}
		})
	}
}

func TestPatchAfterDeleteDoesNotRecreate(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	key := storetest.NewKey(t)
	exp := time.Now().Add(time.Hour)
	if err := s.Save(ctx, key, core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: exp}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if found, err := s.Patch(ctx, key, core.Patch{Set: map[string][]byte{"b": []byte("2")}, Expiry: exp}); err != nil || found {
		t.Errorf("Patch after Delete = %v, %v; want false, nil", found, err)
	}
	if found, err := s.Touch(ctx, key, exp); err != nil || found {
		t.Errorf("Touch after Delete = %v, %v; want false, nil", found, err)
	}
	if n, err := client.Exists(ctx, prefix+key).Result(); err != nil || n != 0 {
		t.Errorf("EXISTS after Patch and Touch of a deleted session = %d, %v; want 0", n, err)
	}
}

// TestWriteOfAGoneSessionLeavesNothing: a Patch or Touch of a session
// that is missing, or that has expired by the application's clock while
// Redis still holds it, reports found false and leaves no key that Load,
// Range, Count or Owned could see.
func TestWriteOfAGoneSessionLeavesNothing(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	owner := "user-" + storetest.NewKey(t)
	writes := []struct {
		name string
		fn   func(key string, expiry, now time.Time) (bool, error)
	}{
		{"Patch", func(key string, expiry, now time.Time) (bool, error) {
			return s.PatchAt(ctx, key, core.Patch{Set: map[string][]byte{"b": []byte("2")}, Delete: []string{"a"}, Expiry: expiry}, now)
		}},
		{"Touch", func(key string, expiry, now time.Time) (bool, error) { return s.TouchAt(ctx, key, expiry, now) }},
	}
	sessions := []struct {
		name  string
		saved bool      // whether a session is saved first
		now   time.Time // the application's clock for the write
	}{
		{"missing", false, time.Now()},
		{"expired by the application's clock", true, exp.Add(time.Minute)},
		{"at its expiry by the application's clock", true, exp},
	}
	for _, w := range writes {
		for _, sess := range sessions {
			for _, expiry := range []time.Time{exp.Add(time.Hour), {}} {
				t.Run(w.name+"/"+sess.name+"/expiry "+expiry.String(), func(t *testing.T) {
					key := storetest.NewKey(t)
					if sess.saved {
						if err := s.Save(ctx, key, ownedBy(owner, exp.Add(2*time.Hour), exp)); err != nil {
							t.Fatal(err)
						}
					}
					if found, err := w.fn(key, expiry, sess.now); err != nil || found {
						t.Fatalf("%s = %v, %v; want false, nil", w.name, found, err)
					}
					if n, err := client.Exists(ctx, prefix+key).Result(); err != nil || n != 0 {
						t.Errorf("EXISTS after the %s = %d, %v; want 0", w.name, n, err)
					}
					if _, found, err := s.Load(ctx, key); err != nil || found {
						t.Errorf("Load after the %s = %v, %v; want not found", w.name, found, err)
					}
					if keys := rangeKeys(t, s); slices.Contains(keys, key) {
						t.Errorf("Range after the %s visited the session", w.name)
					}
					if got := listed(t, s, owner); slices.Contains(got, key) {
						t.Errorf("Owned after the %s = %v; want it without the session", w.name, got)
					}
				})
			}
		}
	}
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Errorf("Count after every write = %d, %v; want 0", n, err)
	}
}

// rangeKeys returns the keys Range visits.
func rangeKeys(t *testing.T, s *redisstore.Store) []string {
	t.Helper()
	var keys []string
	err := s.Range(context.Background(), func(key string, _ core.Record) bool {
		keys = append(keys, key)
		return true
	})
	if err != nil {
		t.Fatalf("Range: %v", err)
	}
	return keys
}
