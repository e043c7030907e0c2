package expresstest

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/testenv"
)

// Store names the express-session store the app runs on.
type Store string

// The stores app.js knows.
const (
	// Redis is connect-redis on node-redis: key Prefix+ID, value the
	// session JSON, written with SET … EX ttl.
	Redis Store = "redis"
	// Postgres is connect-pg-simple on pg: a row (sid, sess json, expire
	// timestamp(6)) in Schema.Table.
	Postgres Store = "postgres"
)

// Defaults of [Config].
const (
	// DefaultSecret signs the cookies when Config.Secrets is empty. It is
	// express-session's documentation example, public by design: fine for
	// tests, and it lets a test check a signature without knowing the
	// Config.
	DefaultSecret = "keyboard cat"
	// DefaultCookieName is express-session's cookie name.
	DefaultCookieName = "connect.sid"
	// DefaultPrefix is connect-redis's key prefix.
	DefaultPrefix = "sess:"
	// DefaultTable is connect-pg-simple's table.
	DefaultTable = "session"
)

// ReadyTimeout bounds how long [Start] waits for the app's listening line:
// Node starts in well under a second, and the rest is the store's first
// answer.
const ReadyTimeout = 30 * time.Second

// stopTimeout bounds how long a stop waits for the app to exit after
// SIGTERM before it kills it.
const stopTimeout = 5 * time.Second

// Config says how to run the app. The zero value is an app on Redis at
// REDIS_URL, signing with DefaultSecret, with a browser-session cookie.
type Config struct {
	// Store is the store the app runs on. The default is Redis.
	Store Store

	// RedisURL locates Redis when Store is Redis. The default is
	// testenv.RedisURL: REDIS_URL, or redis://127.0.0.1:6379/0, and the
	// test skips (fails under CI=true) when nothing answers there.
	RedisURL string

	// DatabaseURL locates PostgreSQL when Store is Postgres. The default
	// is testenv.DatabaseURL, with the same skip or failure.
	DatabaseURL string

	// Secrets are express-session's secrets: the first signs, every one
	// verifies, so a rotation is {new, old}. The default is
	// {DefaultSecret}. A secret may not be empty or contain a comma (app.js
	// reads them comma-separated).
	Secrets []string

	// CookieName is the session cookie's name. The default is
	// DefaultCookieName.
	CookieName string

	// MaxAge is the cookie's maxAge, a whole number of milliseconds.
	// Express then sets expires = now + MaxAge on every save, sends it as
	// Expires (never Max-Age) and the stores expire the record with it.
	// The default, zero, is a browser-session cookie: no Expires, and
	// records that the stores keep one day.
	MaxAge time.Duration

	// Prefix is connect-redis's key prefix. The default is DefaultPrefix;
	// an empty prefix cannot be asked for. A prefix of the test's own
	// keeps its keys apart from other tests', though session IDs are
	// random enough never to collide under the default one.
	Prefix string

	// Table is connect-pg-simple's table, created when missing. The
	// default is DefaultTable.
	Table string

	// Schema is the existing schema of Table. The default, empty, is the
	// connection's search_path. connect-pg-simple gives every table it
	// creates the same index names, so tests that each want a table of
	// their own need a schema of their own too.
	Schema string

	// Rolling is express-session's rolling option: every response sets
	// the cookie and resets its expiry. The default is false.
	Rolling bool
}

// App is a running express-session app.
type App struct {
	// URL is the app's base URL, http://127.0.0.1:<port>, without a
	// trailing slash.
	URL string

	// Config is the Config the app runs with, defaults filled in.
	Config Config
}

// Start starts app.js with cfg, waits (at most ReadyTimeout) until it
// listens and stops it when t's test ends. It installs the node modules
// first if they are missing or stale (see the package doc). It skips t
// (or fails it under CI=true) when Node.js, npm or the store is missing,
// and fails it when cfg is invalid or the app does not come up, logging
// the app's output. Safe for parallel tests: each call starts its own
// process.
func Start(t testing.TB, cfg Config) *App {
	t.Helper()
	cfg, err := cfg.withDefaults()
	if err != nil {
		t.Fatalf("expresstest: %v", err)
	}
	switch {
	case cfg.Store == Redis && cfg.RedisURL == "":
		cfg.RedisURL = testenv.RedisURL(t)
	case cfg.Store == Postgres && cfg.DatabaseURL == "":
		cfg.DatabaseURL = testenv.DatabaseURL(t)
	}
	node := requireTool(t, "node")
	dir := nodeDir(t)
	ensureModules(t, dir)

	p, err := startProcess(node, dir, cfg.env())
	if err != nil {
		t.Fatalf("expresstest: start node app.js: %v", err)
	}
	t.Cleanup(func() { p.stop(t) })
	url, err := p.waitReady(ReadyTimeout)
	if err != nil {
		t.Fatalf("expresstest: %v", err) // p.stop logs the output
	}
	return &App{URL: url, Config: cfg}
}

// withDefaults returns c with its defaults filled in, or an error that
// says why app.js could not run with it. It leaves the service URLs,
// which need a test to look for them, to Start.
func (c Config) withDefaults() (Config, error) {
	if c.Store == "" {
		c.Store = Redis
	}
	if c.Store != Redis && c.Store != Postgres {
		return c, fmt.Errorf("unknown Store %q", c.Store)
	}
	if len(c.Secrets) == 0 {
		c.Secrets = []string{DefaultSecret}
	}
	for i, s := range c.Secrets {
		if s == "" || strings.Contains(s, ",") {
			return c, fmt.Errorf("Secrets[%d] is empty or contains a comma", i) // never the secret itself
		}
	}
	if c.MaxAge < 0 || c.MaxAge%time.Millisecond != 0 {
		return c, fmt.Errorf("MaxAge %v is not a whole, non-negative number of milliseconds", c.MaxAge)
	}
	c.CookieName = cmp.Or(c.CookieName, DefaultCookieName)
	c.Prefix = cmp.Or(c.Prefix, DefaultPrefix)
	c.Table = cmp.Or(c.Table, DefaultTable)
	return c, nil
}

// appVars are the variables app.js reads; env sets them all, so none
// leaks in from the environment of the test.
var appVars = []string{
	"STORE", "REDIS_URL", "DATABASE_URL", "SECRETS", "COOKIE_NAME", "MAX_AGE_MS",
	"PREFIX", "TABLE", "SCHEMA", "PORT", "ROLLING", "EXIT_WITH_STDIN",
}

// env returns app.js's variables for c, which has its defaults filled in.
func (c Config) env() []string {
	maxAge, rolling := "", ""
	if c.MaxAge > 0 {
		maxAge = strconv.FormatInt(c.MaxAge.Milliseconds(), 10)
	}
	if c.Rolling {
		rolling = "1"
	}
	return []string{
		"STORE=" + string(c.Store),
		"REDIS_URL=" + c.RedisURL,
		"DATABASE_URL=" + c.DatabaseURL,
		"SECRETS=" + strings.Join(c.Secrets, ","),
		"COOKIE_NAME=" + c.CookieName,
		"MAX_AGE_MS=" + maxAge,
		"PREFIX=" + c.Prefix,
		"TABLE=" + c.Table,
		"SCHEMA=" + c.Schema,
		"PORT=0",
		"ROLLING=" + rolling,
		"EXIT_WITH_STDIN=1",
	}
}

// processEnv is the test's environment without app.js's variables, then
// vars.
func processEnv(vars []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(appVars, name) {
			env = append(env, kv)
		}
	}
	return append(env, vars...)
}

// nodeDir returns the directory of app.js, found from this file's path at
// build time: the package is internal, so it is only built from a
// checkout.
func nodeDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "node")
	if _, err := os.Stat(filepath.Join(dir, "app.js")); !ok || err != nil {
		t.Fatalf("expresstest: app.js not found next to the package source (%s); was the test built with -trimpath?", dir)
	}
	return dir
}

// installHint is what to do when Node.js or npm is missing.
const installHint = "install Node.js 20 and npm, then `cd internal/expresstest/node && npm ci`"

// requireTool returns the path of the named program, or skips t (fails it
// under CI=true) through testenv.Require, so that testenv.Main reports
// the skip with installHint.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		err = fmt.Errorf("%w: %s", err, installHint)
	}
	testenv.Require(t, "Node.js", "PATH", os.Getenv("PATH"), err)
	return path
}

// process is a running app.js.
type process struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser // closing it stops the app (EXIT_WITH_STDIN)
	out    *tail          // standard output and error
	ready  chan string    // the URL of the listening line, once
	exited chan struct{}  // closed once the process is reaped
	err    error          // cmd.Wait's, set before exited closes
}

// startProcess starts node app.js in dir with vars.
func startProcess(node, dir string, vars []string) (*process, error) {
	cmd := exec.Command(node, "app.js")
	cmd.Dir = dir
	cmd.Env = processEnv(vars)
	p := &process{cmd: cmd, out: &tail{max: 64 << 10}, ready: make(chan string, 1), exited: make(chan struct{})}
	cmd.Stderr = p.out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go p.read(stdout)
	return p, nil
}

// read copies the app's standard output to p.out, announces the listening
// line on p.ready, and reaps the process at end of file.
func (p *process) read(stdout io.Reader) {
	const prefix = "listening "
	sc := bufio.NewScanner(stdout)
	announced := false
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(p.out, line)
		if url, ok := strings.CutPrefix(line, prefix); ok && !announced {
			p.ready <- url
			announced = true
		}
	}
	io.Copy(io.Discard, stdout) // a line too long for the scanner
	p.err = p.cmd.Wait()
	close(p.exited)
}

// waitReady returns the app's URL once it listens.
func (p *process) waitReady(timeout time.Duration) (string, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case url := <-p.ready:
		if !strings.HasPrefix(url, "http://127.0.0.1:") {
			return "", fmt.Errorf("app.js printed an unexpected listening line")
		}
		return url, nil
	case <-p.exited:
		return "", fmt.Errorf("app.js exited before it listened: %v", p.err)
	case <-timer.C:
		return "", fmt.Errorf("app.js did not listen within %v", timeout)
	}
}

// stop ends the process p started, and only it: it closes its standard
// input and sends it SIGTERM, then kills it if it has not exited after
// stopTimeout. It logs the app's output when t failed or the app did not
// exit cleanly.
func (p *process) stop(t testing.TB) {
	p.stdin.Close()
	select {
	case <-p.exited:
	default:
		if err := terminate(p.cmd.Process); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("expresstest: stop app.js (pid %d): %v", p.cmd.Process.Pid, err)
		}
	}
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-p.exited:
	case <-timer.C:
		p.cmd.Process.Kill()
		<-p.exited
		t.Errorf("expresstest: app.js (pid %d) did not exit within %v of SIGTERM; killed it", p.cmd.Process.Pid, stopTimeout)
	}
	if t.Failed() || p.err != nil {
		t.Logf("expresstest: app.js exited (%v); its output:\n%s", p.err, p.out)
	}
}

// tail is an io.Writer that keeps the last max bytes written to it, safe
// for concurrent use.
type tail struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (w *tail) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(b)
	if over := w.buf.Len() - w.max; over > 0 {
		w.buf.Next(over)
	}
	return len(b), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
