package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
)

// TestPopJudgesExpiryByTheApplicationsClock puts the application's clock
// past a session's expiry while Redis's is not: Pop must treat the session
// as gone, as Load does, and leave the value in place.
func TestPopJudgesExpiryByTheApplicationsClock(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	key := storetest.NewKey(t)
	exp := time.Now().Add(time.Hour)
	if err := s.Save(ctx, key, core.Record{Values: map[string][]byte{"flash": []byte(`"hi"`)}, Expiry: exp}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	tests := []struct {
		name      string
		now       time.Time
		wantFound bool
	}{
		{"at the expiry", exp, false},
		{"after the expiry", exp.Add(time.Minute), false},
		{"before the expiry", exp.Add(-time.Second), true},
	}
	for _, tc := range tests {
		v, found, err := s.PopAt(ctx, key, "flash", tc.now)
		if err != nil || found != tc.wantFound || (found && string(v) != `"hi"`) {
			t.Errorf("Pop with the application's clock %s = %s, %v, %v; want found %v", tc.name, v, found, err, tc.wantFound)
		}
		if n, err := client.HExists(ctx, prefix+key, "v:flash").Result(); err != nil || n == tc.wantFound {
			t.Errorf("HEXISTS v:flash after the Pop %s = %v, %v; want %v", tc.name, n, err, !tc.wantFound)
		}
	}
	// The marker keeps the session, with its TTL, once its last value is
	// popped.
	at, err := client.PExpireTime(ctx, prefix+key).Result()
	if err != nil || at != time.Duration(exp.UnixMilli())*time.Millisecond {
		t.Errorf("PEXPIRETIME after the pops = %v, %v; want %v", at, err, exp.UnixMilli())
	}
}
