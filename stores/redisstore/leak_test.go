package redisstore_test

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/internal/leaktest"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// TestNoLeaks runs the leak scenarios on the real Redis under every
// adapter, with each failure a real one: the failing calls go to a client
// of a Redis that is down (a closed port), with a password. No response
// may carry the store's error, and no log line a session ID, token, secret
// or the password.
func TestNoLeaks(t *testing.T) {
	t.Parallel()
	live, prefix := newStore(t, sharedClient(t))
	addr := leaktest.ClosedAddr(t)
	const password = "redis-password-that-must-stay-private"
	down := redis.NewClient(&redis.Options{Addr: addr, Password: password, ContextTimeoutEnabled: true, MaxRetries: -1})
	t.Cleanup(func() { down.Close() })
	broken, err := redisstore.New(down, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	leaktest.Run(t, leaktest.Backend{Name: "redis", Live: live, Broken: broken, FailureText: addr, Private: []string{password}})
}
