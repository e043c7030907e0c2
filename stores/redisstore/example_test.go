package redisstore_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// views counts one session's requests.
var views = core.Key[int]("views")

// Sessions in a standalone Redis, shared by every instance of the app.
func Example() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer client.Close()
	store, err := redisstore.New(client, redisstore.Options{Prefix: "myapp:session:"})
	if err != nil {
		log.Fatal(err)
	}
	mgr, err := core.New(core.Config{
		Secrets:     [][]byte{[]byte(os.Getenv("SESSION_SECRET"))}, // 32+ random bytes
		Store:       store,
		IdleTimeout: 30 * time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("POST /count", func(w http.ResponseWriter, r *http.Request) {
		// A Redis failure is reported when the session commits: the
		// client gets a 500 instead of this response.
		s := core.FromRequest(r)
		n := views.Get(s) + 1
		views.Set(s, n)
		fmt.Fprintln(w, n)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mgr.Handler(mux)))
}

// A Redis Cluster needs no other change: each session is one key.
func Example_cluster() {
	client := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs:                 []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"},
		ContextTimeoutEnabled: true,
	})
	defer client.Close()
	store, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	_ = store // pass as core.Config.Store
}

// Count and Range walk the sessions with SCAN, for metrics and admin pages.
func ExampleStore_Count() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer client.Close()
	store, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	n, err := store.Count(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("live sessions:", n)
}
