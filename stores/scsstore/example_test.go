package scsstore_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/alexedwards/scs/v2/memstore"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/scsstore"
)

// viewCount is the session key views counts in.
var viewCount = core.Key[int]("views")

// views counts the requests of one session. A store failure is reported
// when the session commits: the client gets a 500 instead.
func views(w http.ResponseWriter, r *http.Request) {
	s := core.FromRequest(r)
	n := viewCount.Get(s) + 1
	viewCount.Set(s, n)
	fmt.Fprintln(w, n)
}

// A session manager over scs's in-memory store.
func ExampleNew() {
	backend := memstore.NewWithCleanupInterval(time.Minute)
	defer backend.StopCleanup()

	mgr, err := core.New(core.Config{
		Secrets: [][]byte{[]byte(os.Getenv("SESSION_SECRET"))}, // 32+ random bytes
		Store:   scsstore.New(backend),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()
	log.Print(http.ListenAndServe("localhost:8080", mgr.Handler(http.HandlerFunc(views))))
}

// Sessions in an iterable scs store, counted for metrics. Any scs store
// with an All method works the same way; with scs's mysqlstore the database
// needs mysqlstore's sessions table, with a MEDIUMBLOB data column to hold
// sessions larger than a BLOB's 64 KiB:
//
//	CREATE TABLE sessions (
//		token CHAR(43) PRIMARY KEY,
//		data MEDIUMBLOB NOT NULL,
//		expiry TIMESTAMP(6) NOT NULL
//	);
//
//	backend := mysqlstore.New(db) // deletes expired rows every 5 minutes
//	defer backend.StopCleanup()
//
// Leave out the index on expiry that mysqlstore's README suggests. With it,
// the periodic cleanup (DELETE ... WHERE expiry < now) and concurrent commits
// lock the index and the primary key in opposite orders, so InnoDB now and
// then aborts a commit with a deadlock (error 1213) and that request fails.
// Without it each cleanup (every five minutes by default) scans the table
// instead. The integration module runs the conformance suite on mysqlstore
// against a real MariaDB.
func ExampleNewIterable() {
	backend := memstore.New() // deletes expired sessions every minute
	defer backend.StopCleanup()

	store := scsstore.NewIterable(backend)
	mgr, err := core.New(core.Config{
		Secrets:     [][]byte{[]byte(os.Getenv("SESSION_SECRET"))},
		Store:       store,
		IdleTimeout: 30 * time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	n, err := store.Count(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%d live sessions", n)
	log.Print(http.ListenAndServe("localhost:8080", mgr.Handler(http.HandlerFunc(views))))
}
