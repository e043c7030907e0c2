package redisstore_test

import (
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// Share sessions with a Node express-session app on connect-redis: the
// store reads and writes its sess:<id> records in place.
func ExampleNewExpress() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer client.Close()
	store, err := redisstore.NewExpress(client, redisstore.ExpressOptions{
		Prefix: "sess:", // connect-redis's prefix option; "sess:" is its default
	})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	_ = store // pass as core.Config.Store of a manager in express-session mode
}
