package expresstest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/testenv"
)

// TestMain fails the package if a test leaves a goroutine behind (a
// process reaper, say), and reports each missing service once.
func TestMain(m *testing.M) {
	testenv.Main(m)
}

func TestConfigEnvFillsDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"zero", Config{RedisURL: "redis://r/0"}, []string{
			"STORE=redis", "REDIS_URL=redis://r/0", "DATABASE_URL=", "SECRETS=keyboard cat",
			"COOKIE_NAME=connect.sid", "MAX_AGE_MS=", "PREFIX=sess:", "TABLE=session", "SCHEMA=",
			"PORT=0", "ROLLING=", "EXIT_WITH_STDIN=1",
		}},
		{"every field", Config{
			Store: Postgres, DatabaseURL: "postgres://p/db", Secrets: []string{"new", "old"},
			CookieName: "sid", MaxAge: 2 * time.Hour, Prefix: "app:", Table: "t", Schema: "s", Rolling: true,
		}, []string{
			"STORE=postgres", "REDIS_URL=", "DATABASE_URL=postgres://p/db", "SECRETS=new,old",
			"COOKIE_NAME=sid", "MAX_AGE_MS=7200000", "PREFIX=app:", "TABLE=t", "SCHEMA=s",
			"PORT=0", "ROLLING=1", "EXIT_WITH_STDIN=1",
		}},
	}
	for _, tc := range tests {
		cfg, err := tc.cfg.withDefaults()
		if err != nil {
			t.Fatalf("%s: withDefaults() error %v", tc.name, err)
		}
		if got := cfg.env(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: env() = %q; want %q", tc.name, got, tc.want)
		}
		for _, kv := range cfg.env() {
			name, _, _ := strings.Cut(kv, "=")
			if !slices.Contains(appVars, name) {
				t.Errorf("%s: env() sets %s, which appVars does not list", tc.name, name)
			}
		}
	}
}

func TestConfigRejectsWhatAppJSCannotRun(t *testing.T) {
	t.Parallel()
	const secret = "hunter2,hunter3"
	tests := []struct {
		name string
		cfg  Config
	}{
		{"unknown store", Config{Store: "memcached"}},
		{"empty secret", Config{Secrets: []string{"a", ""}}},
		{"comma in secret", Config{Secrets: []string{secret}}},
		{"negative MaxAge", Config{MaxAge: -time.Second}},
		{"MaxAge below a millisecond", Config{MaxAge: time.Second + time.Microsecond}},
	}
	for _, tc := range tests {
		_, err := tc.cfg.withDefaults()
		if err == nil {
			t.Errorf("%s: withDefaults() error = nil; want one", tc.name)
			continue
		}
		if strings.Contains(err.Error(), "hunter") {
			t.Errorf("%s: withDefaults() error reveals the secret", tc.name)
		}
	}
}

func TestNeedsInstallComparesHiddenLockfile(t *testing.T) {
	t.Parallel()
	old := time.Now().Add(-time.Hour)
	tests := []struct {
		name    string
		modules string    // "" none, "dir" without the hidden lockfile, "file" with it
		hidden  time.Time // the hidden lockfile's mtime
		want    bool
	}{
		{"no node_modules", "", time.Time{}, true},
		{"interrupted install", "dir", time.Time{}, true},
		{"older than package-lock.json", "file", old.Add(-time.Minute), true},
		{"newer than package-lock.json", "file", old.Add(time.Minute), false},
	}
	for _, tc := range tests {
		dir := t.TempDir()
		lock := filepath.Join(dir, "package-lock.json")
		writeFile(t, lock, old)
		if tc.modules != "" {
			if err := os.Mkdir(filepath.Join(dir, "node_modules"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if tc.modules == "file" {
			writeFile(t, filepath.Join(dir, "node_modules", ".package-lock.json"), tc.hidden)
		}
		got, err := needsInstall(dir)
		if err != nil || got != tc.want {
			t.Errorf("%s: needsInstall() = %t, %v; want %t, nil", tc.name, got, err, tc.want)
		}
	}
	if _, err := needsInstall(t.TempDir()); err == nil {
		t.Errorf("needsInstall(dir without package-lock.json) error = nil; want one")
	}
}

func writeFile(t *testing.T, path string, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func TestTailKeepsTheLastBytes(t *testing.T) {
	t.Parallel()
	w := &tail{max: 5}
	for _, s := range []string{"abc", "defg", "h"} {
		if n, err := io.WriteString(w, s); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v; want %d, nil", s, n, err, len(s))
		}
	}
	if got := w.String(); got != "defgh" {
		t.Errorf("String() = %q; want %q", got, "defgh")
	}
}

func TestSessionIDChecksExpressExample(t *testing.T) {
	t.Parallel()
	const example = "s%3Aapple.D8Y%2BpkTAmeR0PobOhY4G97PRW%2Bj7bUnP%2F5m6%2FOn1MCU"
	tests := []struct {
		value, secret string
		wantErr       bool
	}{
		{example, "keyboard cat", false},
		{example, "other cat", true},
		{"s:apple.D8Y+pkTAmeR0PobOhY4G97PRW+j7bUnP/5m6/On1MCU", "keyboard cat", true}, // not URL-encoded
		{strings.TrimPrefix(example, "s%3A"), "keyboard cat", true},
	}
	for _, tc := range tests {
		id, err := SessionID(tc.value, tc.secret)
		if (err != nil) != tc.wantErr || (err == nil && id != "apple") {
			t.Errorf("SessionID(%q, %q) = %q, %v; want error %t", tc.value, tc.secret, id, err, tc.wantErr)
		}
	}
}

// client is a browser on one app: a cookie jar, no redirects followed.
type client struct {
	t   *testing.T
	app *App
	c   *http.Client
}

func newClient(t *testing.T, app *App) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	t.Cleanup(c.CloseIdleConnections)
	return &client{t: t, app: app, c: c}
}

// do sends a request to the app and returns the response, its body read.
func (c *client) do(method, path, contentType, body string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.app.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, string(b)
}

// expect sends a request and fails the test unless the status and body
// are as given.
func (c *client) expect(method, path, body string, wantStatus int, wantBody string) *http.Response {
	c.t.Helper()
	contentType := ""
	if method == http.MethodPost && body != "" {
		contentType = "application/x-www-form-urlencoded"
	}
	resp, got := c.do(method, path, contentType, body)
	if resp.StatusCode != wantStatus || got != wantBody {
		c.t.Errorf("%s %s = %d %s; want %d %s", method, path, resp.StatusCode, got, wantStatus, wantBody)
	}
	return resp
}

// cookie returns the jar's session cookie value for the app.
func (c *client) cookie() string {
	c.t.Helper()
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == c.app.Config.CookieName {
			return ck.Value
		}
	}
	c.t.Fatalf("no %s cookie in the jar", c.app.Config.CookieName)
	return ""
}

// TestAppServesItsRoutesOnRedis drives every route of a real app and
// checks the cookie express-session sets: its name, Expires and no
// Max-Age, and a signature that verifies.
func TestAppServesItsRoutesOnRedis(t *testing.T) {
	t.Parallel()
	app := Start(t, Config{MaxAge: 2 * time.Hour, Prefix: "expresstest:" + t.Name() + ":"})
	c := newClient(t, app)

	c.expect("GET", "/me", "", 401, `{"error":"not logged in"}`)
	resp := c.expect("POST", "/login", "user=106", 200, `{"user":"106"}`)
	set := resp.Header.Values("Set-Cookie")
	if len(set) != 1 || !strings.HasPrefix(set[0], "connect.sid=s%3A") || !strings.Contains(set[0], "; Expires=") ||
		strings.Contains(set[0], "Max-Age") || !strings.Contains(set[0], "; HttpOnly") || !strings.Contains(set[0], "; Path=/") {
		t.Errorf("POST /login set %d cookies; want one connect.sid=s%%3A…; Path=/; Expires=…; HttpOnly without Max-Age", len(set))
	}
	if _, err := SessionID(c.cookie(), DefaultSecret); err != nil {
		t.Errorf("POST /login: %v", err)
	}
	c.expect("GET", "/me", "", 200, `{"user":"106"}`)

	for _, value := range []string{`"text"`, `42`, `null`, `[1,{"a":true}]`, `{"nested":{"x":1.5}}`} {
		c.expect("PUT", "/kv/v", value, 204, "")
		c.expect("GET", "/kv/v", "", 200, value)
	}
	c.expect("GET", "/kv/absent", "", 404, `{"error":"no such key"}`)
	c.expect("PUT", "/kv/bad", "{", 400, `{"error":"body is not JSON"}`)
	c.expect("PUT", "/kv/cookie", "{}", 400, `{"error":"reserved key"}`)
	c.expect("GET", "/keys", "", 200, `["user","v"]`)
	if resp := c.expect("GET", "/me", "", 200, `{"user":"106"}`); len(resp.Header.Values("Set-Cookie")) != 0 {
		t.Errorf("GET /me without rolling set a cookie")
	}
	c.expect("POST", "/touch", "", 200, `{"ok":true}`)

	c.expect("POST", "/logout", "", 200, `{"ok":true}`)
	c.expect("GET", "/me", "", 401, `{"error":"not logged in"}`)
	c.expect("POST", "/login", "", 400, `{"error":"form field user is required"}`)
}

func TestRollingSetsTheCookieOnEveryResponse(t *testing.T) {
	t.Parallel()
	app := Start(t, Config{MaxAge: time.Hour, Rolling: true, CookieName: "sid"})
	c := newClient(t, app)
	c.expect("POST", "/login", "user=ada", 200, `{"user":"ada"}`)
	resp := c.expect("GET", "/me", "", 200, `{"user":"ada"}`)
	if set := resp.Header.Values("Set-Cookie"); len(set) != 1 || !strings.HasPrefix(set[0], "sid=s%3A") {
		t.Errorf("GET /me with rolling set %d cookies; want one sid cookie", len(set))
	}
	c.expect("POST", "/logout", "", 200, `{"ok":true}`)
}

// TestFirstSecretSignsEverySecretVerifies shares one Redis prefix between
// apps with rotated secrets.
func TestFirstSecretSignsEverySecretVerifies(t *testing.T) {
	t.Parallel()
	prefix := "expresstest:" + t.Name() + ":"
	old := Start(t, Config{Secrets: []string{"old secret"}, Prefix: prefix})
	rotated := Start(t, Config{Secrets: []string{"new secret", "old secret"}, Prefix: prefix})
	dropped := Start(t, Config{Secrets: []string{"new secret"}, Prefix: prefix})

	c := newClient(t, old)
	c.expect("POST", "/login", "user=106", 200, `{"user":"106"}`)
	signedOld := c.cookie()
	for _, tc := range []struct {
		app    *App
		status int
	}{{rotated, 200}, {dropped, 401}} {
		resp, _ := newClientWithCookie(t, tc.app, signedOld).do("GET", "/me", "", "")
		if resp.StatusCode != tc.status {
			t.Errorf("GET /me with a cookie signed by the old secret, on Secrets %d long = %d; want %d", len(tc.app.Config.Secrets), resp.StatusCode, tc.status)
		}
	}

	r := newClient(t, rotated)
	r.expect("POST", "/login", "user=107", 200, `{"user":"107"}`)
	if _, err := SessionID(r.cookie(), "new secret"); err != nil {
		t.Errorf("login on rotated secrets: %v; want the first secret to sign", err)
	}
	r.expect("POST", "/logout", "", 200, `{"ok":true}`)
	c.expect("POST", "/logout", "", 200, `{"ok":true}`)
}

func newClientWithCookie(t *testing.T, app *App, value string) *client {
	c := newClient(t, app)
	u, _ := url.Parse(app.URL)
	c.c.Jar.SetCookies(u, []*http.Cookie{{Name: app.Config.CookieName, Value: value, Path: "/"}})
	return c
}

// TestStopEndsTheProcessItStarted stops app.js both ways: SIGTERM, and the
// closed standard input an exiting test binary leaves behind.
func TestStopEndsTheProcessItStarted(t *testing.T) {
	t.Parallel()
	node := requireTool(t, "node")
	dir := nodeDir(t)
	ensureModules(t, dir)
	cfg, _ := Config{RedisURL: testenv.RedisURL(t)}.withDefaults()
	for _, name := range []string{"stop", "stdin closed"} {
		p, err := startProcess(node, dir, cfg.env())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.waitReady(ReadyTimeout); err != nil {
			p.stop(t)
			t.Fatalf("%s: %v", name, err)
		}
		if name == "stop" {
			p.stop(t)
		} else {
			p.stdin.Close()
			select {
			case <-p.exited:
			case <-time.After(stopTimeout):
				t.Errorf("%s: app.js still running %v after its stdin closed", name, stopTimeout)
				p.stop(t)
			}
		}
		<-p.exited
		if p.err != nil || !p.cmd.ProcessState.Exited() {
			t.Errorf("%s: app.js exited with %v; want a clean exit", name, p.err)
		}
	}
}

func TestAppThatCannotStartIsReported(t *testing.T) {
	t.Parallel()
	node := requireTool(t, "node")
	dir := nodeDir(t)
	ensureModules(t, dir)
	cfg, _ := Config{}.withDefaults()
	env := append(cfg.env(), "STORE=memcached") // the last one wins
	p, err := startProcess(node, dir, env)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.waitReady(ReadyTimeout)
	<-p.exited
	if err == nil || !strings.Contains(err.Error(), "exited before it listened") {
		t.Errorf("waitReady() with STORE=memcached = %v; want exited before it listened", err)
	}
	if out := p.out.String(); !strings.Contains(out, "STORE must be redis or postgres") {
		t.Errorf("app.js output = %q; want it to say why", out)
	}
}
