package adapterkit_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adapterkit"
)

// Middleware is a complete adapter for a router that takes net/http
// middleware and answers errors in JSON. The kit commits the session
// exactly once, just before the headers leave, through the writer it
// returns; Run finishes the session after the handler, or abandons it if
// the handler panics.
func Middleware(mgr *core.Manager) func(http.Handler) http.Handler {
	if mgr == nil {
		panic("Middleware: nil *core.Manager")
	}
	opts := adapterkit.Options{OnError: writeError}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			x := adapterkit.Begin(mgr, w, r, opts)
			x.Run(func() { next.ServeHTTP(x.Writer(), x.Request()) })
		})
	}
}

// writeError is the adapter's error path. The kit has already logged err
// through the manager's Config.Logger, so it only answers.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, core.ErrHeadersSent) {
		return // the response has gone out; w discards anything written
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError)
	json.NewEncoder(w).Encode(map[string]string{"error": "session unavailable"})
}

var errNoSession = fmt.Errorf("no session: install Middleware before the route: %w", core.ErrNoSession)

// Get is the adapter's accessor. It never returns nil: without the
// middleware, the session's operations fail with errNoSession.
func Get(r *http.Request) *core.Session {
	return adapterkit.FromContext(r.Context(), nil, errNoSession)
}

var views = core.Key[int]("views")

func Example() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("POST /count", func(w http.ResponseWriter, r *http.Request) {
		s := Get(r)
		n := views.Get(s) + 1
		views.Set(s, n)
		fmt.Fprintln(w, n)
	})
	mux.HandleFunc("POST /bad", func(w http.ResponseWriter, r *http.Request) {
		core.Key[func()]("f").Set(Get(r), func() {}) // cannot be encoded: fails the commit
		fmt.Fprintln(w, "never sent")
	})

	srv := httptest.NewServer(Middleware(mgr)(mux))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	for _, path := range []string{"/count", "/count", "/bad"} {
		resp, err := client.Post(srv.URL+path, "", nil)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%s: %d %s", path, resp.StatusCode, body)
	}
	// Without the middleware, the accessor's error says how to install it.
	s := Get(httptest.NewRequest(http.MethodGet, "/", nil))
	fmt.Println(errors.Is(s.Load(context.Background()), core.ErrNoSession))
	// Output:
	// /count: 200 1
	// /count: 200 2
	// /bad: 500 {"error":"session unavailable"}
	// true
}
