package pgstore_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// views counts one session's requests.
var views = core.Key[int]("views")

// The minimal program: a pool, the store on its default table, and a manager
// using it. Close order matters only in that the pool outlives the store.
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	store, err := pgstore.New(pool, pgstore.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	if err := store.CreateTable(ctx); err != nil {
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
		// A database failure is reported when the session commits: the
		// client gets a 500 instead of this response.
		s := core.FromRequest(r)
		n := views.Get(s) + 1
		views.Set(s, n)
		fmt.Fprintln(w, n)
	})
	log.Fatal(http.ListenAndServe("localhost:8080", mgr.Handler(mux)))
}

// A schema-qualified table and no background job: one scheduled task (say, a
// nightly cron run) reclaims expired rows for every instance.
func ExampleStore_Cleanup() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	store, err := pgstore.New(pool, pgstore.Options{
		Table:           "auth.sessions",
		CleanupInterval: -1,
	})
	if err != nil {
		log.Fatal(err)
	}
	n, err := store.Cleanup(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("deleted", n, "expired sessions")
}
