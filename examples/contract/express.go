package contract

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expresstest"
)

// expressCookie is the Express app's cookie name: express-session's
// default, which SESSION_COOKIE_NAME defaults to.
const expressCookie = core.DefaultExpressCookieName

// expressMaxAge is the Express app's cookie.maxAge, and so the Go app's
// SESSION_LIFETIME, in the tests against a real Express app.
const expressMaxAge = 2 * time.Hour

// reservedKeys are keys an express-session record cannot hold, which the
// apps refuse with SESSION_COMPAT=express: the cookie, sessionkit's owner
// member, and names Express's Session object has of its own.
var reservedKeys = []string{"cookie", "sessionkitOwner", "id", "req", "regenerate", "save", "constructor", "__proto__", "hasOwnProperty"}

// reservedMessage is the 400 message for a key express-session reserves.
func reservedMessage(key string) string {
	return fmt.Sprintf("key %q is reserved by express-session", key)
}

// testExpressReservedKeys: with SESSION_COMPAT=express, PUT /api/kv/{key}
// of a key express-session reserves is a JSON 400 that stores nothing,
// for a client with a session or without; other keys are stored as
// usual, under Express's cookie. NewHandler serves the suite's memory
// store as the Express app's, so no Redis is needed; the Express app's
// own stores are tested by RunExpress.
func testExpressReservedKeys(t *testing.T, app App) {
	srv := start(t, app, setup{env: map[string]string{"SESSION_COMPAT": "express", "SESSION_STORE": "redis"}})
	c := srv.client(t)
	refuse := func() {
		t.Helper()
		for _, key := range reservedKeys {
			step{req: put("/api/kv/"+url.PathEscape(key), "x"), status: 400, errMsg: reservedMessage(key)}.run(t, c)
		}
	}
	refuse()
	if n := srv.count(t); n != 0 {
		t.Errorf("sessions in the store after refused PUTs = %d; want 0", n)
	}
	if v := c.cookieNamed(expressCookie); v != "" {
		t.Errorf("refused PUTs set a %s cookie; want none", expressCookie)
	}
	step{req: put("/api/kv/color", "blue"), status: 200, json: `{"key": "color", "value": "blue"}`}.run(t, c)
	if c.cookieNamed(expressCookie) == "" {
		t.Fatalf("PUT /api/kv/color with SESSION_COMPAT=express set no %s cookie", expressCookie)
	}
	refuse()
	step{req: get("/api/kv"), status: 200, json: `{"keys": ["color"]}`}.run(t, c)
}

// RunExpress checks SESSION_COMPAT against a real express-session app
// (internal/expresstest: Node.js running express-session on connect-redis
// or connect-pg-simple), on Redis and on PostgreSQL, with app started by
// its own Run and one cookie jar for both apps, as a browser holds one
// for the two apps of one site (cookies do not depend on the port):
//
//   - express: a login on the Node app is the Go app's user, a value the
//     Go app stores the Node app reads, both in the Express app's session;
//     the Go app's logout deletes it, for the Node app too; a login on
//     the Go app is the Node app's user, with a new session ID signed
//     with Express's secret; and GET /metrics counts the Express app's
//     sessions.
//   - express-migrate: the Go app's first request after a login on the
//     Node app moves the session to the app's own store: the user is
//     logged in, the jar holds the native cookie and no connect.sid, and
//     the Node app no longer knows the old cookie's session.
//
// The Express app keeps its stores' defaults, as the apps do: the key
// prefix sess: on Redis, and on PostgreSQL the table session, in a
// schema of the test's own that the Go app finds through DATABASE_URL's
// search_path. The Express secret is short, as Express allows. Without
// Node.js and npm (which installs the Node app's modules on first use),
// Redis or PostgreSQL the subtests skip, or fail under CI=true.
func RunExpress(t *testing.T, app App) {
	for _, b := range expressBackends {
		t.Run("Share/"+b.name, func(t *testing.T) {
			t.Parallel()
			testExpressShare(t, app, b.open)
		})
		t.Run("Migrate/"+b.name, func(t *testing.T) {
			t.Parallel()
			testExpressMigrate(t, app, b.open)
		})
	}
}

// openBackend returns the Go app's settings for a store both apps share,
// and the Node app's Config for it.
type openBackend func(t *testing.T) (map[string]string, expresstest.Config)

// expressBackends are the stores RunExpress shares, by SESSION_STORE.
var expressBackends = []struct {
	name string
	open openBackend
}{
	{"redis", func(t *testing.T) (map[string]string, expresstest.Config) {
		u := RedisURL(t)
		return map[string]string{"SESSION_STORE": "redis", "REDIS_URL": u}, expresstest.Config{Store: expresstest.Redis, RedisURL: u}
	}},
	{"postgres", func(t *testing.T) (map[string]string, expresstest.Config) {
		base := DatabaseURL(t)
		u, schema := privateSchema(t, base, "express")
		return map[string]string{"SESSION_STORE": "postgres", "DATABASE_URL": u},
			expresstest.Config{Store: expresstest.Postgres, DatabaseURL: base, Schema: schema}
	}},
}

// activeSessions matches a live-session gauge of one or more.
var activeSessions = regexp.MustCompile(`(?m)^sessionkit_sessions_active\{[^}]*\} [1-9]`)

func testExpressShare(t *testing.T, app App, open openBackend) {
	p := startExpressPair(t, app, open, map[string]string{"SESSION_COMPAT": "express", "SESSION_METRICS": "1"})
	step{req: post("/login", "user", "ann"), status: 200, json: `{"user": "ann"}`}.run(t, p.node)
	nodeID := p.sessionID(t)
	step{req: get("/api/me"), status: 200, json: `{"user": "ann"}`}.run(t, p.goApp)
	step{req: put("/api/kv/color", "blue"), status: 200, json: `{"key": "color", "value": "blue"}`}.run(t, p.goApp)
	step{req: get("/kv/color"), status: 200, json: `"blue"`}.run(t, p.node)
	if p.sessionID(t) != nodeID {
		t.Errorf("the Go app's write changed the session ID; want the Node app's session, written in place")
	}
	if r := (step{req: get("/metrics"), status: 200}).run(t, p.goApp); !activeSessions.Match(r.body) {
		t.Errorf("GET /metrics has no line matching %s:\n%s", activeSessions, sessionkitLines(r.body))
	}

	old := p.goApp.cookieNamed(expressCookie)
	step{req: post("/api/logout"), status: 200, json: `{"ok": true}`}.run(t, p.goApp)
	if p.goApp.cookieNamed(expressCookie) != "" {
		t.Errorf("the jar holds %s after the Go app's logout; want it cleared", expressCookie)
	}
	step{req: get("/me"), status: 401, errMsg: msgNotLoggedIn}.run(t, p.node)
	// The record is gone, not only the cookie.
	step{req: replay("/me", expressCookie, old), status: 401, errMsg: msgNotLoggedIn}.run(t, p.node)

	step{req: post("/api/login", "user", "bob"), status: 200, json: `{"user": "bob"}`}.run(t, p.goApp)
	if p.sessionID(t) == nodeID {
		t.Errorf("the Go app's login reused the old session ID; want a new one")
	}
	step{req: get("/me"), status: 200, json: `{"user": "bob"}`}.run(t, p.node)
	step{req: post("/logout"), status: 200, json: `{"ok": true}`}.run(t, p.node)
	step{req: get("/api/me"), status: 401, errMsg: msgNotLoggedIn}.run(t, p.goApp)
}

func testExpressMigrate(t *testing.T, app App, open openBackend) {
	p := startExpressPair(t, app, open, map[string]string{"SESSION_COMPAT": "express-migrate", "SESSION_NATIVE_SECRET": testSecret})
	step{req: post("/login", "user", "ann"), status: 200, json: `{"user": "ann"}`}.run(t, p.node)
	p.sessionID(t) // signed by the Express app
	old := p.goApp.cookieNamed(expressCookie)

	step{req: get("/api/me"), status: 200, json: `{"user": "ann"}`, cookie: setsCookie}.run(t, p.goApp)
	if got := p.goApp.cookieNames(); !slices.Equal(got, []string{cookieName}) {
		t.Errorf("cookies in the jar after the move = %q; want only the native %q", got, cookieName)
	}
	// The Express app's record is gone with its cookie.
	step{req: replay("/me", expressCookie, old), status: 401, errMsg: msgNotLoggedIn}.run(t, p.node)
	step{req: get("/api/me"), status: 200, json: `{"user": "ann"}`, cookie: noCookie}.run(t, p.goApp)
	step{req: post("/api/logout"), status: 200, json: `{"ok": true}`, cookie: clearsCookie}.run(t, p.goApp)
}

// expressPair is a Go app and a Node express-session app sharing one
// store, with one cookie jar for both.
type expressPair struct {
	secret      string  // the Express app's, the Go app's SESSION_SECRET
	goApp, node *client // one jar
}

// startExpressPair starts the Node app and app's Run on the store open
// returns, with the Express app's secret and maxAge and env's settings,
// both stopped by t's cleanup.
func startExpressPair(t *testing.T, app App, open openBackend, env map[string]string) *expressPair {
	t.Helper()
	goEnv, nodeCfg := open(t)
	secret := "sk " + strings.ToLower(rand.Text()[:12]) // short, with a space: Express takes any string
	nodeCfg.Secrets, nodeCfg.MaxAge = []string{secret}, expressMaxAge
	node := expresstest.Start(t, nodeCfg)
	maps.Copy(goEnv, map[string]string{"ADDR": "127.0.0.1:0", "SESSION_SECRET": secret, "SESSION_LIFETIME": expressMaxAge.String()})
	maps.Copy(goEnv, env)
	goApp := (&server{url: serveRun(t, app, goEnv)}).client(t)
	return &expressPair{secret: secret, goApp: goApp, node: &client{t: t, srv: &server{url: node.URL}, http: goApp.http}}
}

// sessionID returns the Express session ID of the jar's connect.sid,
// failing t unless the Express app's secret signed it.
func (p *expressPair) sessionID(t *testing.T) string {
	t.Helper()
	v := p.goApp.cookieNamed(expressCookie)
	if v == "" {
		t.Fatalf("the jar holds no %s cookie", expressCookie)
	}
	id, err := expresstest.SessionID(v, p.secret)
	if err != nil {
		t.Fatalf("the jar's %s cookie: %v", expressCookie, err)
	}
	return id
}

// replay is a GET of path with only the cookie name=value, not the jar's.
func replay(path, name, value string) request {
	return request{method: http.MethodGet, path: path, cookie: value, cookieAs: name}
}

// serveRun runs app's Run with the settings env until t's cleanup, and
// returns the URL it logs that it listens on. The cleanup fails t unless
// Run then returns nil within 15 seconds.
func serveRun(t *testing.T, app App, env map[string]string) string {
	t.Helper()
	urls := make(chan string, 1)
	logger := slog.New(listenLog{Handler: slog.DiscardHandler, urls: urls})
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan struct{})
	var runErr error // set before returned closes
	go func() {
		defer close(returned)
		runErr = app.Run(ctx, func(k string) string { return env[k] }, logger)
	}()
	var url string
	t.Cleanup(func() {
		cancel()
		select {
		case <-returned:
			if url != "" && runErr != nil {
				t.Errorf("Run after cancel = %v; want nil", runErr)
			}
		case <-time.After(15 * time.Second):
			t.Error("Run did not return within 15s of cancellation")
		}
	})
	select {
	case url = <-urls:
	case <-returned:
		t.Fatalf("Run(%v) returned before listening: %v", env, runErr)
	case <-time.After(30 * time.Second):
		t.Fatalf("Run(%v) logged no url within 30s", env)
	}
	return url
}
