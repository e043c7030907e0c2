package redisstore_test

import (
	"context"
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
	want := map[string]string{"m": "1", "v:user": `"alice"`, "v:": `1`, "v:m": `2`}
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
