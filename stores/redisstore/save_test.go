package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
)

func TestSavePastExpiryDeletesExisting(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	key := storetest.NewKey(t)
	vals := map[string][]byte{"a": []byte("1")}
	if err := s.Save(ctx, key, core.Record{Values: vals, Expiry: time.Now().Add(time.Hour)}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if err := s.Save(ctx, key, core.Record{Values: vals, Expiry: time.Now().Add(-time.Second)}); err != nil {
		t.Fatalf("Save(past expiry): %v", err)
	}
	if n, err := client.Exists(ctx, prefix+key).Result(); err != nil || n != 0 {
		t.Errorf("EXISTS after Save with a past expiry = %d, %v; want 0", n, err)
	}
}

// manyValues returns n values, more than one Lua unpack call can take.
func manyValues(n int, tag string) map[string][]byte {
	vals := make(map[string][]byte, n)
	for i := range n {
		vals[fmt.Sprintf("%s%d", tag, i)] = []byte(fmt.Sprint(i))
	}
	return vals
}

func TestManyValues(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, sharedClient(t))
	ctx := context.Background()
	key := storetest.NewKey(t)
	const n = 5000
	exp := time.Now().Add(time.Hour)
	old := manyValues(n, "old")
	if err := s.Save(ctx, key, core.Record{Values: old, Expiry: exp}); err != nil {
		t.Fatalf("Save(%d values): %v", n, err)
	}
	rec, found, err := s.Load(ctx, key)
	if err != nil || !found || len(rec.Values) != n {
		t.Fatalf("Load = %d values, %v, %v; want %d, found", len(rec.Values), found, err, n)
	}
	del := make([]string, 0, n)
	for k := range old {
		del = append(del, k)
	}
	want := manyValues(n, "new")
	if found, err := s.Patch(ctx, key, core.Patch{Set: want, Delete: del, Expiry: exp}); err != nil || !found {
		t.Fatalf("Patch(%d sets, %d deletes) = %v, %v; want true, nil", n, n, found, err)
	}
	rec, found, err = s.Load(ctx, key)
	if err != nil || !found {
		t.Fatalf("Load after Patch = %v, %v; want found", found, err)
	}
	if len(rec.Values) != n {
		t.Errorf("Load after Patch: %d values; want %d", len(rec.Values), n)
	}
	for k, v := range want {
		if string(rec.Values[k]) != string(v) {
			t.Errorf("Load after Patch: %q = %q; want %q", k, rec.Values[k], v)
			break
		}
	}
}
