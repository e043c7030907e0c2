// Command nethttp is the smallest sessionkit app: a view counter on plain
// net/http, with core's own middleware and memory store, and no framework
// or store driver.
//
//	go run .   # then open the URL it logs, http://127.0.0.1:8080 by default
//	curl -c jar -b jar -X POST localhost:8080/api/views   # {"views":1}
//
// It reads two settings from the environment: ADDR (default
// localhost:8080; :0 picks a free port) and SESSION_SECRET (32 bytes or
// more; unset, a random one, so sessions end with the process). Errors
// are JSON, {"error": "..."}, as in the larger apps; examples/chi,
// examples/gin and examples/echo add login, flash messages, a key-value
// API, Redis and PostgreSQL stores, and Prometheus metrics
// (SESSION_METRICS); this app has no metrics, and links no OpenTelemetry.
package main

import (
	"cmp"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

var views = core.Key[int]("views")

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(os.Getenv, logger); err != nil {
		logger.Error("exiting", "error", err)
		os.Exit(1)
	}
}

// run serves the app until the listener fails, logging the URL it really
// listens on.
func run(getenv func(string) string, logger *slog.Logger) error {
	secret := getenv("SESSION_SECRET")
	if secret == "" {
		secret = rand.Text() + rand.Text()
		logger.Warn("SESSION_SECRET is not set: using a random secret, so sessions will not survive a restart")
	}
	mgr, err := core.New(sessionConfig([]byte(secret), logger))
	if err != nil {
		return fmt.Errorf("SESSION_SECRET: %w", err)
	}
	defer mgr.Close()
	addr := cmp.Or(getenv("ADDR"), "localhost:8080")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("ADDR=%s: %w", addr, err)
	}
	url := "http://" + ln.Addr().String()
	if host, port, _ := net.SplitHostPort(ln.Addr().String()); net.ParseIP(host).IsUnspecified() {
		url = "http://localhost:" + port // ADDR=:8080 listens on every interface
	}
	logger.Info("listening", "url", url)
	srv := &http.Server{Handler: newHandler(mgr, url), ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}

// sessionConfig is the manager's configuration: core's defaults (a memory
// store, a 24-hour lifetime) with a JSON 500 for session failures, which
// the manager has already logged.
func sessionConfig(secret []byte, logger *slog.Logger) core.Config {
	return core.Config{
		Secrets: [][]byte{secret},
		Logger:  logger,
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			if !errors.Is(err, core.ErrHeadersSent) {
				writeError(w, http.StatusInternalServerError, "internal server error")
			}
		},
	}
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<meta charset="utf-8">
<title>sessionkit on net/http</title>
<p>Views: <strong id="views">{{.Views}}</strong></p>
<form method="post" action="/"><button id="count">Count</button></form>
<p>Served at <a id="url" href="{{.URL}}">{{.URL}}</a>; the API:
<code>curl -c jar -b jar -X POST {{.URL}}/api/views</code></p>
`))

// newHandler serves the page and GET and POST /api/views behind
// mgr.Handler, the net/http session middleware; the page shows url as the
// address it is served on. Cross-origin writes are refused.
func newHandler(mgr *core.Manager, url string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, map[string]any{"Views": views.Get(core.FromRequest(r)), "URL": url})
	})
	mux.HandleFunc("POST /{$}", func(w http.ResponseWriter, r *http.Request) { // the page's form
		count(core.FromRequest(r))
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /api/views", func(w http.ResponseWriter, r *http.Request) {
		n := views.Get(core.FromRequest(r)) // absent: 0, and no cookie is set
		writeJSON(w, http.StatusOK, map[string]int{"views": n})
	})
	mux.HandleFunc("POST /api/views", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]int{"views": count(core.FromRequest(r))})
	})
	// Every other request gets a JSON error too: a path with patterns for
	// some methods answers the others with 405.
	mux.HandleFunc("/{$}", methodNotAllowed("GET, HEAD, POST"))
	mux.HandleFunc("/api/views", methodNotAllowed("GET, HEAD, POST"))
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "not found")
	})

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusForbidden, "cross-origin request refused")
	}))
	return cop.Handler(mgr.Handler(mux))
}

// count adds one to the session's view count and returns it. The change
// is saved, with its cookie, before the headers go out; a failure answers
// 500 instead.
func count(s *core.Session) int {
	n := views.Get(s) + 1
	views.Set(s, n)
	return n
}

func methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
