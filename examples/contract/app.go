package contract

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// App is an example app as the suite drives it: its main loop, so that
// the suite can start it for real, with its settings, and the handler that
// loop serves, so that the suite can also serve it over a store of its own
// (one it can count, or make fail).
type App struct {
	// Run is the app's main loop: it reads the settings through getenv
	// (os.Getenv in the app), serves until ctx is done and then shuts
	// down, returning nil. Once it listens it logs "listening" with an
	// attribute url, the address it really serves on. A bad setting is an
	// error naming the variable and the values it allows.
	Run func(ctx context.Context, getenv func(string) string, logger *slog.Logger) error

	// NewHandler returns the handler Run serves for the settings getenv
	// returns, but over store instead of the one SESSION_STORE selects,
	// and logging to logger: the app's routes, the session middleware,
	// the cross-origin protection and, with SESSION_METRICS, GET
	// /metrics. The page shows url as the address it is served on.
	// release frees what the handler holds (its session manager, its
	// metrics); the suite calls it once the server has stopped. A bad
	// setting is an error, as from Run.
	NewHandler func(getenv func(string) string, store core.Store, logger *slog.Logger, url string) (h http.Handler, release func(), err error)
}

// testSecret is SESSION_SECRET for every server the suite starts.
const testSecret = "contract-test-secret-0123456789abcdef"

// Serve starts app on a test server with a fresh memory store, closed by
// t's cleanup, and returns the server's URL. The browser test drives it.
func Serve(t *testing.T, app App) string {
	return start(t, app, setup{}).url
}

// setup is how start serves an app; the zero value is a plain HTTP server
// over a new memory store with the default settings, logging nothing.
type setup struct {
	store  core.Store        // nil: a new memory store
	logger *slog.Logger      // nil: discard
	env    map[string]string // settings besides SESSION_SECRET
	tls    bool              // serve HTTPS
}

// server is one app under test, with its store.
type server struct {
	url   string
	store core.Store
	srv   *httptest.Server // nil for an app its own Run serves
}

func start(t *testing.T, app App, o setup) *server {
	t.Helper()
	if o.store == nil {
		mem := core.NewMemoryStore(core.MemoryStoreOptions{})
		t.Cleanup(func() { mem.Close() })
		o.store = mem
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	env := map[string]string{"SESSION_SECRET": testSecret}
	maps.Copy(env, o.env)
	srv := httptest.NewUnstartedServer(nil)
	scheme := "http://"
	if o.tls {
		scheme = "https://"
	}
	h, release, err := app.NewHandler(func(k string) string { return env[k] }, o.store, o.logger, scheme+srv.Listener.Addr().String())
	if err != nil {
		srv.Listener.Close()
		t.Fatalf("NewHandler(%v): %v", env, err)
	}
	t.Cleanup(release) // after srv.Close
	srv.Config.Handler = h
	if o.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return &server{url: srv.URL, store: o.store, srv: srv}
}

// count returns the number of sessions in the server's store.
func (s *server) count(t *testing.T) int {
	t.Helper()
	n, err := s.store.(core.Iterator).Count(context.Background())
	if err != nil {
		t.Fatalf("store Count: %v", err)
	}
	return n
}
