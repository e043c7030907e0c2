package redisstore_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// newSecret returns a random cookie-signing secret.
func newSecret(t *testing.T) []byte {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// appMux is the application behind the session middleware in the
// end-to-end tests. Its handlers never check for session errors: a session
// that cannot be loaded or saved fails the commit, and the middleware's
// error handler answers in place of the handler.
func appMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /values/{key}", func(w http.ResponseWriter, r *http.Request) {
		core.Key[string](r.PathValue("key")).Set(core.FromRequest(r), r.FormValue("v"))
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("GET /values/{key}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, core.Key[string](r.PathValue("key")).Get(core.FromRequest(r)))
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Join(core.FromRequest(r).Keys(), ","))
	})
	mux.HandleFunc("DELETE /session", func(w http.ResponseWriter, r *http.Request) {
		core.FromRequest(r).Destroy()
	})
	return mux
}

// app is one running application instance.
type app struct {
	mgr *core.Manager
	srv *httptest.Server
}

// startApp serves appMux behind a Manager on st with the given
// StoreTimeout. The manager logs to log. Everything is closed when t ends,
// or earlier by close.
func startApp(t *testing.T, secret []byte, st core.Store, storeTimeout time.Duration, log io.Writer) *app {
	t.Helper()
	mgr, err := core.New(core.Config{
		Secrets:      [][]byte{secret},
		Store:        st,
		IdleTimeout:  time.Hour,
		StoreTimeout: storeTimeout,
		Logger:       slog.New(slog.NewTextHandler(log, nil)),
	})
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	a := &app{mgr: mgr, srv: httptest.NewServer(mgr.Handler(appMux()))}
	t.Cleanup(a.close)
	return a
}

func (a *app) close() {
	a.srv.Close()
	a.mgr.Close()
}

// testLog is an io.Writer that logs through t, so server-side errors show
// up beside the test's failures.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// newBrowser returns an HTTP client with a cookie jar, sharing cookies
// across every 127.0.0.1 app as a browser does across ports.
func newBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Transport: &http.Transport{}, Timeout: 10 * time.Second}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// do sends one request and returns the status and body.
func do(t *testing.T, c *http.Client, method, url string) (int, string) {
	t.Helper()
	code, body, err := tryDo(c, method, url)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return code, body
}

// tryDo is do for goroutines other than the test's.
func tryDo(c *http.Client, method, url string) (int, string, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}
