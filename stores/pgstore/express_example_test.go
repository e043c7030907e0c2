package pgstore_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// A Go app sharing sessions with an express-session app that runs
// connect-pg-simple with its defaults: the table "session", and a
// cookie.maxAge of one day. Both apps must connect with the same TimeZone
// (see "Sharing sessions with Express" in the package documentation).
func ExampleNewExpress() {
	pool, err := pgxpool.New(context.Background(), os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	// connect-pg-simple prunes expired rows itself, so the Go side's
	// job is off; CreateTable is its createTableIfMissing.
	store, err := pgstore.NewExpress(pool, pgstore.ExpressOptions{CreateTable: true, CleanupInterval: -1})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	mgr, err := core.New(core.Config{
		Lifetime: 24 * time.Hour, // express-session's cookie.maxAge
		Express: core.Express{
			Mode:    core.ExpressShare,
			Secrets: [][]byte{[]byte(os.Getenv("EXPRESS_SESSION_SECRET"))}, // its secret option
			Store:   store,
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		// passport's serializeUser output, as the Node app stored it.
		user := core.Key[struct {
			User string `json:"user"`
		}]("passport").Get(core.FromRequest(r))
		w.Write([]byte(user.User))
	})
	log.Fatal(http.ListenAndServe("localhost:8080", mgr.Handler(mux)))
}
