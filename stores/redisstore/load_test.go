package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
)

func TestSessionIsOneHashWithAbsoluteTTL(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	key := storetest.NewKey(t)
	exp := time.Now().Add(time.Hour)
	vals := map[string][]byte{"user": []byte(`"alice"`), "": []byte(`1`), "m": []byte(`2`)}
	if err := s.Save(ctx, key, core.Record{Values: vals, Expiry: exp}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	typ, err := client.Type(ctx, prefix+key).Result()
	if err != nil || typ != "hash" {
		t.Fatalf("TYPE = %q, %v; want hash", typ, err)
	}
	got, err := client.HGetAll(ctx, prefix+key).Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"m": "2", "e": strconv.FormatInt(exp.UnixMilli(), 10), "v:user": `"alice"`, "v:": `1`, "v:m": `2`}
	if len(got) != len(want) {
		t.Errorf("HGETALL = %q; want %q", got, want)
	}
	for f, v := range want {
		if got[f] != v {
			t.Errorf("HGET %q = %q; want %q", f, got[f], v)
		}
	}
	at, err := client.PExpireTime(ctx, prefix+key).Result()
	if err != nil || at != time.Duration(exp.UnixMilli())*time.Millisecond {
		t.Errorf("PEXPIRETIME = %v, %v; want %v", at, err, exp.UnixMilli())
	}
}

func TestZeroExpiryMeansNoTTL(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	key := storetest.NewKey(t)
	if err := s.Save(ctx, key, core.Record{Values: map[string][]byte{"a": []byte("1")}}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	checkNoTTL := func(op string) {
		t.Helper()
		if ttl, err := client.PTTL(ctx, prefix+key).Result(); err != nil || ttl != -1 {
			t.Errorf("%s: PTTL = %v, %v; want -1ns (no TTL)", op, ttl, err)
		}
		rec, found, err := s.Load(ctx, key)
		if err != nil || !found || !rec.Expiry.IsZero() {
			t.Errorf("%s: Load = %v, %v, %v; want zero Expiry, found", op, rec.Expiry, found, err)
		}
	}
	checkNoTTL("Save")

	later := time.Now().Add(time.Hour)
	for _, op := range []struct {
		name string
		fn   func(time.Time) (bool, error)
	}{
		{"Touch", func(e time.Time) (bool, error) { return s.Touch(ctx, key, e) }},
		{"Patch", func(e time.Time) (bool, error) { return s.Patch(ctx, key, core.Patch{Expiry: e}) }},
	} {
		if found, err := op.fn(later); err != nil || !found {
			t.Fatalf("%s(later) = %v, %v; want true, nil", op.name, found, err)
		}
		if found, err := op.fn(time.Time{}); err != nil || !found {
			t.Fatalf("%s(zero) = %v, %v; want true, nil", op.name, found, err)
		}
		checkNoTTL(op.name)
	}
}

func TestEmptySessionOutlivesItsLastValue(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, sharedClient(t))
	ctx := context.Background()
	key := storetest.NewKey(t)
	exp := time.Now().Add(time.Hour)
	if err := s.Save(ctx, key, core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: exp}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if found, err := s.Patch(ctx, key, core.Patch{Delete: []string{"a"}, Expiry: exp}); err != nil || !found {
		t.Fatalf("Patch deleting the only value = %v, %v; want true, nil", found, err)
	}
	rec, found, err := s.Load(ctx, key)
	if err != nil || !found || len(rec.Values) != 0 {
		t.Errorf("Load = %v, %v, %v; want no values, found", rec.Values, found, err)
	}
}

// TestLoadReadsEveryLayout writes hashes as each layout version leaves
// them and checks what Load makes of them, and at what cost: one round
// trip when the expiry field settles the question, two (PEXPIRETIME)
// when only the TTL knows the expiry.
func TestLoadReadsEveryLayout(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	rtt := &roundTrips{}
	client.AddHook(rtt)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	now := time.Now()
	exp := now.Add(time.Hour).Truncate(time.Millisecond)
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	tests := []struct {
		name       string
		fields     []any     // the hash, besides v:a
		ttl        time.Time // PEXPIREAT; zero for none
		now        time.Time // the application's clock
		wantFound  bool
		wantExpiry time.Time
		wantTrips  int64
	}{
		{"2 with its expiry", []any{"m", "2", "e", ms(exp)}, exp, now, true, exp, 1},
		{"2 without expiry", []any{"m", "2", "e", "0"}, time.Time{}, now, true, time.Time{}, 1},
		{"2 expired by the application's clock", []any{"m", "2", "e", ms(exp)}, exp, exp, false, time.Time{}, 2},
		{"2 extended by an older version's Touch", []any{"m", "2", "e", ms(now.Add(-time.Minute))}, exp, now, true, exp, 2},
		{"1 with a TTL", []any{"m", "1"}, exp, now, true, exp, 2},
		{"1 without a TTL", []any{"m", "1"}, time.Time{}, now, true, time.Time{}, 2},
		{"1 expired by the application's clock", []any{"m", "1"}, exp, exp.Add(time.Second), false, time.Time{}, 2},
		{"1 patched since", []any{"m", "1", "e", ms(exp), "o:s", ms(now)}, exp, now, true, exp, 1},
		{"no marker", []any{"e", ms(exp), "o:s", ms(now)}, exp, now, false, time.Time{}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := storetest.NewKey(t)
			if err := client.HSet(ctx, prefix+key, append(tc.fields, "v:a", "1")...).Err(); err != nil {
				t.Fatal(err)
			}
			if !tc.ttl.IsZero() {
				if err := client.PExpireAt(ctx, prefix+key, tc.ttl).Err(); err != nil {
					t.Fatal(err)
				}
			}
			before := rtt.n.Load()
			rec, found, err := s.LoadAt(ctx, key, tc.now)
			if trips := rtt.n.Load() - before; trips != tc.wantTrips {
				t.Errorf("Load made %d round trips; want %d", trips, tc.wantTrips)
			}
			if err != nil || found != tc.wantFound {
				t.Fatalf("Load = %v, %v; want found %v", found, err, tc.wantFound)
			}
			if found && (!rec.Expiry.Equal(tc.wantExpiry) || string(rec.Values["a"]) != "1" || len(rec.Values) != 1 || rec.Owner.Bound()) {
				t.Errorf("Load = %v, expiry %v, owner %+v; want {a: 1}, expiry %v, unowned", rec.Values, rec.Expiry, rec.Owner, tc.wantExpiry)
			}
		})
	}
}

// TestWriteGivesAnOldRecordTheExpiryField: a Patch or Touch of a record
// saved before the expiry field existed writes it, so that the record
// loads in one round trip from then on.
func TestWriteGivesAnOldRecordTheExpiryField(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	rtt := &roundTrips{}
	client.AddHook(rtt)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	later := exp.Add(time.Hour)
	tests := []struct {
		name string
		fn   func(key string) (bool, error)
	}{
		{"Patch", func(key string) (bool, error) {
			return s.Patch(ctx, key, core.Patch{Set: map[string][]byte{"b": []byte("2")}, Expiry: later})
		}},
		{"Touch", func(key string) (bool, error) { return s.Touch(ctx, key, later) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := storetest.NewKey(t)
			if err := client.HSet(ctx, prefix+key, "m", "1", "v:a", "1").Err(); err != nil {
				t.Fatal(err)
			}
			if err := client.PExpireAt(ctx, prefix+key, exp).Err(); err != nil {
				t.Fatal(err)
			}
			if found, err := tc.fn(key); err != nil || !found {
				t.Fatalf("%s of a layout 1 record = %v, %v; want true, nil", tc.name, found, err)
			}
			before := rtt.n.Load()
			rec, found, err := s.Load(ctx, key)
			if err != nil || !found || !rec.Expiry.Equal(later) {
				t.Fatalf("Load after %s = %v, %v, %v; want found, expiry %v", tc.name, rec.Expiry, found, err, later)
			}
			if trips := rtt.n.Load() - before; trips != 1 {
				t.Errorf("Load after %s made %d round trips; want 1", tc.name, trips)
			}
		})
	}
}
