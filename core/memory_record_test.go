package core

import (
	"context"
	"math"
	"testing"
	"time"
)

// form reports the form key's record is in: "rest" (blob only), "in use"
// (a map), or "absent".
func (s *MemoryStore) form(key string) string {
	sh := s.shard(key)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	r, ok := sh.recs[key]
	switch {
	case !ok:
		return "absent"
	case r.vals != nil:
		return "in use"
	}
	return "rest"
}

// TestMemoryRecordForms: a session rests after Save and after Cleanup, is
// in use from its first Load on, and a write keeps the form it finds.
func TestMemoryRecordForms(t *testing.T) {
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	one := map[string][]byte{"n": []byte("1")}
	load := func(s *MemoryStore) { _, _, _ = s.Load(ctx, "k") }
	patch := func(s *MemoryStore) {
		_, _ = s.Patch(ctx, "k", Patch{Set: map[string][]byte{"m": []byte("2")}, Expiry: exp})
	}
	pop := func(s *MemoryStore) { _, _, _ = s.Pop(ctx, "k", "n") }
	touch := func(s *MemoryStore) { _, _ = s.Touch(ctx, "k", exp.Add(time.Minute)) }
	cleanup := func(s *MemoryStore) { _, _ = s.Cleanup(ctx) }
	tests := []struct {
		name string
		ops  []func(*MemoryStore)
		want string
	}{
		{"saved", nil, "rest"},
		{"loaded", []func(*MemoryStore){load}, "in use"},
		{"loaded twice", []func(*MemoryStore){load, load}, "in use"},
		{"loaded, then cleaned up", []func(*MemoryStore){load, cleanup}, "rest"},
		{"patched at rest", []func(*MemoryStore){patch}, "rest"},
		{"patched in use", []func(*MemoryStore){load, patch}, "in use"},
		{"patched in use, then cleaned up", []func(*MemoryStore){load, patch, cleanup}, "rest"},
		{"popped at rest", []func(*MemoryStore){patch, pop}, "rest"},
		{"popped in use", []func(*MemoryStore){load, patch, pop}, "in use"},
		{"touched in use", []func(*MemoryStore){load, touch}, "in use"},
		{"touched at rest", []func(*MemoryStore){touch}, "rest"},
		// The last value popped leaves nothing to decode or keep.
		{"popped empty in use", []func(*MemoryStore){load, pop}, "rest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewMemoryStore(MemoryStoreOptions{CleanupInterval: -1})
			defer s.Close()
			if err := s.Save(ctx, "k", Record{Values: one, Expiry: exp}); err != nil {
				t.Fatal(err)
			}
			want := map[string][]byte{"n": []byte("1")}
			for _, op := range tc.ops {
				op(s)
			}
			if got := s.form("k"); got != tc.want {
				t.Errorf("record after %s is %s; want %s", tc.name, got, tc.want)
			}
			// Whatever the form, Load returns what the operations left.
			rec, found, err := s.Load(ctx, "k")
			if !found || err != nil {
				t.Fatalf("Load = %v, %v; want found", found, err)
			}
			s2 := NewMemoryStore(MemoryStoreOptions{CleanupInterval: -1})
			defer s2.Close()
			_ = s2.Save(ctx, "k", Record{Values: want, Expiry: exp})
			for _, op := range tc.ops {
				op(s2)
				cleanup(s2) // the same operations, each on a resting record
			}
			model, _, _ := s2.Load(ctx, "k")
			if !equalValues(rec.Values, model.Values) || !rec.Expiry.Equal(model.Expiry) {
				t.Errorf("Load after %s = %q, %v; on a store kept at rest %q, %v", tc.name, rec.Values, rec.Expiry, model.Values, model.Expiry)
			}
		})
	}
}

// TestSameBlob: Load keeps a decoded map only with the very blob it
// decoded; two saves of equal values build two blobs.
func TestSameBlob(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore(MemoryStoreOptions{CleanupInterval: -1})
	defer s.Close()
	exp := time.Now().Add(time.Hour)
	vals := map[string][]byte{"n": []byte("1")}
	_ = s.Save(ctx, "k", Record{Values: vals, Expiry: exp})
	first := s.shard("k").recs["k"].blob
	_ = s.Save(ctx, "k", Record{Values: vals, Expiry: exp})
	second := s.shard("k").recs["k"].blob
	tests := []struct {
		name string
		a, b []byte
		want bool
	}{
		{"itself", first, first, true},
		{"a later save of equal values", first, second, false},
		{"an equal copy", first, append([]byte(nil), first...), false},
		{"a prefix of itself", first, first[:1], false},
		{"nil", nil, nil, false},
		{"empty", first[:0], first[:0], false},
	}
	for _, tc := range tests {
		if got := sameBlob(tc.a, tc.b); got != tc.want {
			t.Errorf("sameBlob(%s) = %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestMemExpiry(t *testing.T) {
	t.Parallel()
	now := time.Now()
	tests := []struct {
		name string
		in   time.Time
		want time.Time // what the record reports back
		live bool      // at now
	}{
		{"zero: never expires", time.Time{}, time.Time{}, true},
		{"in an hour", now.Add(time.Hour), now.Add(time.Hour), true},
		{"a second ago", now.Add(-time.Second), now.Add(-time.Second), false},
		{"now: already gone", now, now, false},
		{"the Unix epoch", time.Unix(0, 0), time.Unix(0, 0), false},
		{"before 1678", time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(0, math.MinInt64+1), false},
		{"after 2262", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(0, math.MaxInt64), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := memRecord{expiry: memExpiry(tc.in)}
			if got := r.expiryTime(); !got.Equal(tc.want) || got.IsZero() != tc.want.IsZero() {
				t.Errorf("expiry of %v comes back as %v; want %v", tc.in, got, tc.want)
			}
			if got := r.live(now); got != tc.live {
				t.Errorf("record expiring %v live at %v = %v; want %v", tc.in, now, got, tc.live)
			}
		})
	}
}
