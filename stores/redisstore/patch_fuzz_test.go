package redisstore_test

import (
	"crypto/rand"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/internal/patchfuzz"
	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// FuzzPatch runs programs of Save, Patch, Touch, Pop, Delete and Load
// against the real Redis. Property: after every operation both records
// hold exactly what the store contract's model holds, values byte for
// byte, and Count sees exactly the live ones. Each execution works under a
// prefix of its own and deletes its records, so fuzz workers never meet.
func FuzzPatch(f *testing.F) {
	opts, err := redis.ParseURL(testenv.RedisURL(f))
	if err != nil {
		f.Fatalf("ParseURL: %v", err)
	}
	opts.ContextTimeoutEnabled = true
	client := redis.NewClient(opts)
	f.Cleanup(func() { client.Close() })
	for _, seed := range patchfuzz.Seeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, program []byte) {
		s, err := redisstore.New(client, redisstore.Options{Prefix: "sessionkit-fuzz:" + rand.Text() + ":"})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		patchfuzz.Run(t, s, program)
	})
}
