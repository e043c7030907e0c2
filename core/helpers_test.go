package core_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Secrets used throughout the tests: 32 bytes each, the minimum.
var (
	secretA = []byte("test-secret-A-0123456789abcdefgh")
	secretB = []byte("test-secret-B-0123456789abcdefgh")
)

// errBackend is the distinctive error a failingStore returns; its text must
// never reach a client.
var errBackend = errors.New("backend exploded at db-internal.example:5432 password=hunter2")

// countingStore is a real store (a MemoryStore) that counts calls per method
// and remembers every Patch it receives. It implements every optional
// capability the MemoryStore does.
type countingStore struct {
	mem *core.MemoryStore

	mu      sync.Mutex
	calls   map[string]int
	patches []core.Patch
}

func newCountingStore(t testing.TB) *countingStore {
	mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	t.Cleanup(func() { mem.Close() })
	return &countingStore{mem: mem, calls: map[string]int{}}
}

func (c *countingStore) count(method string) {
	c.mu.Lock()
	c.calls[method]++
	c.mu.Unlock()
}

// Calls reports how many times method was called.
func (c *countingStore) Calls(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[method]
}

// Total reports the number of Load, Save, Delete, Patch and Touch calls.
func (c *countingStore) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range []string{"Load", "Save", "Delete", "Patch", "Touch"} {
		n += c.calls[m]
	}
	return n
}

// Writes reports the number of Save and Patch calls.
func (c *countingStore) Writes() int { return c.Calls("Save") + c.Calls("Patch") }

// Reset zeroes the counters and forgets recorded patches.
func (c *countingStore) Reset() {
	c.mu.Lock()
	clear(c.calls)
	c.patches = nil
	c.mu.Unlock()
}

// Patches returns the patches received since the last Reset.
func (c *countingStore) Patches() []core.Patch {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]core.Patch(nil), c.patches...)
}

func (c *countingStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	c.count("Load")
	return c.mem.Load(ctx, key)
}

func (c *countingStore) Save(ctx context.Context, key string, rec core.Record) error {
	c.count("Save")
	return c.mem.Save(ctx, key, rec)
}

func (c *countingStore) Delete(ctx context.Context, key string) error {
	c.count("Delete")
	return c.mem.Delete(ctx, key)
}

func (c *countingStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	c.mu.Lock()
	c.calls["Patch"]++
	c.patches = append(c.patches, p)
	c.mu.Unlock()
	return c.mem.Patch(ctx, key, p)
}

func (c *countingStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	c.count("Touch")
	return c.mem.Touch(ctx, key, expiry)
}

func (c *countingStore) Range(ctx context.Context, fn func(string, core.Record) bool) error {
	return c.mem.Range(ctx, fn)
}

func (c *countingStore) Count(ctx context.Context) (int, error) { return c.mem.Count(ctx) }

// Record returns the record stored for the session with this ID, bypassing
// the counters.
func (c *countingStore) Record(t testing.TB, id string) (core.Record, bool) {
	t.Helper()
	rec, found, err := c.mem.Load(context.Background(), core.StoreKey(id))
	if err != nil {
		t.Fatalf("MemoryStore.Load: %v", err)
	}
	return rec, found
}

// Put stores a record for the session with this ID, bypassing the counters.
func (c *countingStore) Put(t testing.TB, id string, rec core.Record) {
	t.Helper()
	if err := c.mem.Save(context.Background(), core.StoreKey(id), rec); err != nil {
		t.Fatalf("MemoryStore.Save: %v", err)
	}
}

// failingStore is a countingStore that returns errBackend from the methods
// switched on with Fail.
type failingStore struct {
	*countingStore

	fmu  sync.Mutex
	fail map[string]bool
}

func newFailingStore(t testing.TB) *failingStore {
	return &failingStore{countingStore: newCountingStore(t), fail: map[string]bool{}}
}

// Fail makes the named methods fail (on) or succeed (off).
func (f *failingStore) Fail(on bool, methods ...string) {
	f.fmu.Lock()
	defer f.fmu.Unlock()
	for _, m := range methods {
		f.fail[m] = on
	}
}

func (f *failingStore) failing(method string) bool {
	f.fmu.Lock()
	defer f.fmu.Unlock()
	return f.fail[method]
}

func (f *failingStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if f.failing("Load") {
		f.count("Load")
		return core.Record{}, false, errBackend
	}
	return f.countingStore.Load(ctx, key)
}

func (f *failingStore) Save(ctx context.Context, key string, rec core.Record) error {
	if f.failing("Save") {
		f.count("Save")
		return errBackend
	}
	return f.countingStore.Save(ctx, key, rec)
}

func (f *failingStore) Delete(ctx context.Context, key string) error {
	if f.failing("Delete") {
		f.count("Delete")
		return errBackend
	}
	return f.countingStore.Delete(ctx, key)
}

func (f *failingStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if f.failing("Patch") {
		f.count("Patch")
		return false, errBackend
	}
	return f.countingStore.Patch(ctx, key, p)
}

func (f *failingStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if f.failing("Touch") {
		f.count("Touch")
		return false, errBackend
	}
	return f.countingStore.Touch(ctx, key, expiry)
}

// wholeRecordStore hides every optional capability of the store it wraps:
// only Load, Save and Delete remain, as in a minimal third-party store.
type wholeRecordStore struct{ core.Store }

// newManager returns a Manager for cfg, with secretA when cfg has no
// secrets and a discarding logger when it has none, closed when the test
// ends.
func newManager(t testing.TB, cfg core.Config) *core.Manager {
	t.Helper()
	if cfg.Secrets == nil {
		cfg.Secrets = [][]byte{secretA}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler) // keep test output clean
	}
	m, err := core.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// serve runs one request through h and returns the response.
func serve(h http.Handler, r *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Result()
}

// get builds a GET request for path carrying the given cookies.
func get(path string, cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://example.com"+path, nil)
	for _, c := range cookies {
		if c != nil {
			r.AddCookie(c)
		}
	}
	return r
}

// body reads and closes resp.Body.
func body(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return string(b)
}

// setCookies returns the Set-Cookie lines of resp for the cookie name.
func setCookies(resp *http.Response, name string) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// sessionCookie returns the one Set-Cookie of resp for name, nil if there is
// none, and fails the test if there are several.
func sessionCookie(t testing.TB, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	cs := setCookies(resp, name)
	switch len(cs) {
	case 0:
		return nil
	case 1:
		return cs[0]
	}
	t.Fatalf("response has %d Set-Cookie lines for %q; want at most one: %q", len(cs), name, resp.Header.Values("Set-Cookie"))
	return nil
}

// live reports whether c is a cookie that sets a session (not one that
// deletes it).
func live(c *http.Cookie) bool { return c != nil && c.Value != "" && c.MaxAge >= 0 }

// handlerFunc adapts a function of the session to a handler.
func handlerFunc(fn func(w http.ResponseWriter, r *http.Request, s *core.Session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn(w, r, core.FromRequest(r))
	})
}

// setter is a handler that sets key "k" to the value of the query parameter v.
var setter = handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
	if err := s.Set("k", r.URL.Query().Get("v")); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
})

// login runs one request that sets k=v on a new session of m, whose cookie
// has the default name, and returns the session cookie and its ID.
func login(t testing.TB, m *core.Manager, v string) (*http.Cookie, string) {
	t.Helper()
	var id string
	h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		if err := s.Set("k", v); err != nil {
			t.Errorf("Set: %v", err)
		}
		id = s.ID()
	}))
	resp := serve(h, get("/login"))
	c := sessionCookie(t, resp, core.DefaultCookieName)
	if !live(c) || id == "" {
		t.Fatalf("login: status %d, cookie %v, ID %q; want a session cookie and an ID", resp.StatusCode, c, id)
	}
	return c, id
}

// newClient returns an HTTP client with a cookie jar that does not follow
// redirects, and whose connections are closed when the test ends.
func newClient(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Jar:       jar,
		Transport: tr,
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// startServer serves h over plain HTTP until the test ends.
func startServer(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// Token wire format, as documented in token.go:
//
//	base64url(version(1) | flags(1) | created ms(8) | touched ms(8) | id | mac)
//	mac = HMAC-SHA256(secret, "sessionkit/v1\x00" + cookie name + "\x00" + payload)
//
// mintToken builds such a token independently of the engine, so tests can
// check the signature covers everything and craft tokens with chosen
// timestamps or versions.
type tokenFields struct {
	version  byte
	flags    byte
	created  time.Time
	touched  time.Time
	id       string
	name     string // cookie name the MAC is bound to
	secret   []byte
	tamperFn func(payload []byte) // runs after signing, to forge
}

func mintToken(f tokenFields) string {
	p := []byte{f.version, f.flags}
	p = binary.BigEndian.AppendUint64(p, uint64(f.created.UnixMilli()))
	p = binary.BigEndian.AppendUint64(p, uint64(f.touched.UnixMilli()))
	p = append(p, f.id...)
	mac := hmac.New(sha256.New, f.secret)
	mac.Write([]byte("sessionkit/v1\x00" + f.name + "\x00"))
	mac.Write(p)
	out := mac.Sum(p)
	if f.tamperFn != nil {
		f.tamperFn(out)
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// validToken mints a version-1 token for id under the default cookie name.
func validToken(id string, created, touched time.Time) string {
	return mintToken(tokenFields{version: 1, created: created, touched: touched, id: id, name: core.DefaultCookieName, secret: secretA})
}

// newID returns a well-formed random session ID for tokens the tests mint.
func newID(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// startTLSServer serves h over HTTPS until the test ends.
func startTLSServer(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// syncBuffer is a buffer safe for concurrent writers, for captured logs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newTestLogger returns a logger writing text records to w.
func newTestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, nil))
}

// slowStore delays Load, while slow is set, until delay passes or the
// context ends, like a store whose backend hangs.
type slowStore struct {
	core.Store
	delay time.Duration
	slow  atomic.Bool
}

func (s *slowStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if s.slow.Load() {
		select {
		case <-time.After(s.delay):
		case <-ctx.Done():
			return core.Record{}, false, ctx.Err()
		}
	}
	return s.Store.Load(ctx, key)
}

// seen is what a reader handler saw of its session.
type seen struct {
	k     string
	isNew bool
	id    string
}

// reader is a handler that reads key "k" and records what it saw in out.
func reader(out *seen) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		v, err := core.Get[string](s, "k")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		*out = seen{k: v, isNew: s.IsNew(), id: s.ID()}
	})
}

// mustDecode decodes a base64url cookie value.
func mustDecode(t testing.TB, v string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		t.Fatalf("decoding %q: %v", v, err)
	}
	return b
}

// flipChar replaces the base64url character at i with another one.
func flipChar(v string, i int) string {
	c := byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}

// keysOf returns the keys of m, sorted.
func keysOf(m map[string][]byte) []string {
	return slices.Sorted(maps.Keys(m))
}
