package pgstore_test

import (
	"encoding/json"
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

// appSecret is shared by every test app, so instances accept each other's
// cookies as a load-balanced deployment does.
var appSecret = []byte("pgstore-test-secret-0123456789abcdef")

// hangGuard bounds every test request: a store that hangs fails the test
// instead of stalling it.
const hangGuard = 5 * time.Second

// app is one application instance: a manager over st behind a test server.
type app struct {
	mgr  *core.Manager
	srv  *httptest.Server
	logs *syncBuffer // the manager's error reports
}

// newApp starts an instance whose tiny mux exposes the session:
//
//	POST /set/{key}?v=value  sets key to the string value
//	GET  /get/{key}          returns the string under key ("" when absent)
//	GET  /keys               returns the keys as a JSON array
//	GET  /id                 returns the session ID
//	POST /destroy            destroys the session
//	POST /login/{owner}      regenerates the session and binds it to owner
//
// Session failures are left to the engine, whose error handler answers
// them, except in GET /keys, which checks Load and answers with a fixed
// text. Either way any store error text in a response would have come from
// the engine.
func newApp(t *testing.T, st core.Store, storeTimeout time.Duration) *app {
	t.Helper()
	a := &app{logs: &syncBuffer{}}
	mgr, err := core.New(core.Config{
		Secrets:      [][]byte{appSecret},
		Store:        st,
		IdleTimeout:  time.Hour,
		StoreTimeout: storeTimeout,
		Logger:       slog.New(slog.NewTextHandler(a.logs, nil)),
	})
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	t.Cleanup(func() {
		if err := mgr.Close(); err != nil {
			t.Errorf("Manager.Close = %v", err)
		}
	})
	a.mgr = mgr
	mux := http.NewServeMux()
	mux.HandleFunc("POST /set/{key}", func(w http.ResponseWriter, r *http.Request) {
		core.Key[string](r.PathValue("key")).Set(core.FromRequest(r), r.URL.Query().Get("v"))
	})
	mux.HandleFunc("GET /get/{key}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, core.Key[string](r.PathValue("key")).Get(core.FromRequest(r)))
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		if err := s.Load(r.Context()); err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(s.Keys())
	})
	mux.HandleFunc("GET /id", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, core.FromRequest(r).ID())
	})
	mux.HandleFunc("POST /destroy", func(w http.ResponseWriter, r *http.Request) {
		core.FromRequest(r).Destroy()
	})
	mux.HandleFunc("POST /login/{owner}", func(w http.ResponseWriter, r *http.Request) {
		core.FromRequest(r).Regenerate()
		core.FromRequest(r).SetOwner(r.PathValue("owner"))
	})
	a.srv = httptest.NewServer(mgr.Handler(mux))
	t.Cleanup(a.srv.Close)
	return a
}

// newClient returns a client with its own cookie jar. The jar ignores ports,
// so one client carries its session cookie to every app on 127.0.0.1, like a
// browser behind a load balancer.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: hangGuard}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

type reply struct {
	status int
	body   string
	resp   *http.Response
}

// call sends one request and returns the reply, or an error if there was
// none within hangGuard.
func call(c *http.Client, a *app, method, path string) (reply, error) {
	req, err := http.NewRequest(method, a.srv.URL+path, nil)
	if err != nil {
		return reply{}, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, body: string(b), resp: resp}, err
}

// mustCall is call that requires a 200.
func mustCall(t *testing.T, c *http.Client, a *app, method, path string) string {
	t.Helper()
	r, err := call(c, a, method, path)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if r.status != http.StatusOK {
		t.Fatalf("%s %s = %d %q; want 200", method, path, r.status, r.body)
	}
	return r.body
}

// storeErrorText lists fragments of pgx, PostgreSQL and pgstore errors that
// must never reach a client.
var storeErrorText = []string{"pgstore", "pgx", "sqlstate", "postgres", "fatal", "terminat", "connect", "refused", "dial", "eof", "deadline", "context", "127.0.0.1"}

// checkGenericFailure fails t unless r is a 500 whose body reveals nothing
// about the store.
func checkGenericFailure(t *testing.T, what string, r reply) {
	t.Helper()
	if r.status != http.StatusInternalServerError {
		t.Errorf("%s = %d %q; want 500", what, r.status, r.body)
	}
	body := strings.ToLower(r.body)
	for _, frag := range storeErrorText {
		if strings.Contains(body, frag) {
			t.Errorf("%s body = %q; it reveals store error text (%q)", what, r.body, frag)
		}
	}
}

// sessionCookie returns the session cookie c would send to a, or nil.
func sessionCookie(c *http.Client, a *app) *http.Cookie {
	req, _ := http.NewRequest("GET", a.srv.URL, nil)
	for _, ck := range c.Jar.Cookies(req.URL) {
		if ck.Name == core.DefaultCookieName {
			return ck
		}
	}
	return nil
}

// getKeys returns the session keys a reports for c's session.
func getKeys(t *testing.T, c *http.Client, a *app) []string {
	t.Helper()
	var keys []string
	if err := json.Unmarshal([]byte(mustCall(t, c, a, "GET", "/keys")), &keys); err != nil {
		t.Fatalf("GET /keys: %v", err)
	}
	return keys
}
