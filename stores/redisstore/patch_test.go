package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
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
