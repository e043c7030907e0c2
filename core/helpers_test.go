package core_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
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

// keyK is the key most tests read and write.
var keyK = core.Key[string]("k")

// has reports whether s holds key, whatever its type.
func has(s *core.Session, key string) bool {
	_, ok := core.Key[json.RawMessage](key).Lookup(s)
	return ok
}

// meteredStore is a real store (a MemoryStore) that counts calls per method
// and remembers every Patch it receives. It implements every optional
// capability the MemoryStore does.
type meteredStore struct {
	mem *core.MemoryStore

	mu      sync.Mutex
	calls   map[string]int
	patches []core.Patch
}

func newMeteredStore(t testing.TB) *meteredStore {
	mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	t.Cleanup(func() { mem.Close() })
	return &meteredStore{mem: mem, calls: map[string]int{}}
}

func (c *meteredStore) count(method string) {
	c.mu.Lock()
	c.calls[method]++
	c.mu.Unlock()
}

// Calls reports how many times method was called.
func (c *meteredStore) Calls(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[method]
}

// Total reports the number of Load, Save, Delete, Patch and Touch calls.
func (c *meteredStore) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range []string{"Load", "Save", "Delete", "Patch", "Touch"} {
		n += c.calls[m]
	}
	return n
}

// Writes reports the number of Save and Patch calls.
func (c *meteredStore) Writes() int { return c.Calls("Save") + c.Calls("Patch") }

// Reset zeroes the counters and forgets recorded patches.
func (c *meteredStore) Reset() {
	c.mu.Lock()
	clear(c.calls)
	c.patches = nil
	c.mu.Unlock()
}

// Patches returns the patches received since the last Reset.
func (c *meteredStore) Patches() []core.Patch {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]core.Patch(nil), c.patches...)
}

func (c *meteredStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	c.count("Load")
	return c.mem.Load(ctx, key)
}

func (c *meteredStore) Save(ctx context.Context, key string, rec core.Record) error {
	c.count("Save")
	return c.mem.Save(ctx, key, rec)
}

func (c *meteredStore) Delete(ctx context.Context, key string) error {
	c.count("Delete")
	return c.mem.Delete(ctx, key)
}

func (c *meteredStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	c.mu.Lock()
	c.calls["Patch"]++
	c.patches = append(c.patches, p)
	c.mu.Unlock()
	return c.mem.Patch(ctx, key, p)
}

func (c *meteredStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	c.count("Touch")
	return c.mem.Touch(ctx, key, expiry)
}

func (c *meteredStore) Range(ctx context.Context, fn func(string, core.Record) bool) error {
	return c.mem.Range(ctx, fn)
}

func (c *meteredStore) Count(ctx context.Context) (int, error) { return c.mem.Count(ctx) }

// Record returns the record m stores for the session with this ID,
// bypassing the counters.
func (c *meteredStore) Record(t testing.TB, m *core.Manager, id string) (core.Record, bool) {
	t.Helper()
	rec, found, err := c.mem.Load(context.Background(), m.StoreKey(id))
	if err != nil {
		t.Fatalf("MemoryStore.Load: %v", err)
	}
	return rec, found
}

// Put stores a record for the session of m with this ID, bypassing the
// counters.
func (c *meteredStore) Put(t testing.TB, m *core.Manager, id string, rec core.Record) {
	t.Helper()
	if err := c.mem.Save(context.Background(), m.StoreKey(id), rec); err != nil {
		t.Fatalf("MemoryStore.Save: %v", err)
	}
}

// Drop deletes the record of m's session with this ID, as another request
// ending the session would, bypassing the counters.
func (c *meteredStore) Drop(t testing.TB, m *core.Manager, id string) {
	t.Helper()
	if err := c.mem.Delete(context.Background(), m.StoreKey(id)); err != nil {
		t.Fatalf("MemoryStore.Delete: %v", err)
	}
}

// failingStore is a meteredStore whose methods switched on with Fail
// return errBackend, after lag (or when the context ends first, with the
// context's error), like a backend that is down or hangs.
type failingStore struct {
	*meteredStore
	lag time.Duration

	fmu  sync.Mutex
	fail map[string]bool
}

func newFailingStore(t testing.TB) *failingStore {
	return &failingStore{meteredStore: newMeteredStore(t), fail: map[string]bool{}}
}

// Fail makes the named methods fail (on) or succeed (off).
func (f *failingStore) Fail(on bool, methods ...string) {
	f.fmu.Lock()
	defer f.fmu.Unlock()
	for _, m := range methods {
		f.fail[m] = on
	}
}

// failure counts a call to a failing method and returns its error, or nil
// when method is not failing (the caller then counts the call itself).
func (f *failingStore) failure(ctx context.Context, method string) error {
	f.fmu.Lock()
	on := f.fail[method]
	f.fmu.Unlock()
	if !on {
		return nil
	}
	f.count(method)
	if f.lag > 0 {
		t := time.NewTimer(f.lag)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return errBackend
}

func (f *failingStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if err := f.failure(ctx, "Load"); err != nil {
		return core.Record{}, false, err
	}
	return f.meteredStore.Load(ctx, key)
}

func (f *failingStore) Save(ctx context.Context, key string, rec core.Record) error {
	if err := f.failure(ctx, "Save"); err != nil {
		return err
	}
	return f.meteredStore.Save(ctx, key, rec)
}

func (f *failingStore) Delete(ctx context.Context, key string) error {
	if err := f.failure(ctx, "Delete"); err != nil {
		return err
	}
	return f.meteredStore.Delete(ctx, key)
}

func (f *failingStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if err := f.failure(ctx, "Patch"); err != nil {
		return false, err
	}
	return f.meteredStore.Patch(ctx, key, p)
}

func (f *failingStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if err := f.failure(ctx, "Touch"); err != nil {
		return false, err
	}
	return f.meteredStore.Touch(ctx, key, expiry)
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

// withStore returns st and a manager for cfg that keeps its sessions in st.
func withStore[S core.Store](t testing.TB, st S, cfg core.Config) (S, *core.Manager) {
	t.Helper()
	cfg.Store = st
	return st, newManager(t, cfg)
}

// wantReplaced checks that resp is the error handler's response with
// status: the handler's body ("handler body") discarded, and no session
// cookie set.
func wantReplaced(t testing.TB, resp *http.Response, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("status = %d; want %d from the error handler", resp.StatusCode, status)
	}
	if b := body(t, resp); strings.Contains(b, "handler body") {
		t.Errorf("body = %q; the handler's body must be discarded", b)
	}
	if c := setCookies(resp, core.DefaultCookieName); len(c) != 0 {
		t.Errorf("Set-Cookie = %v on a failed request; want none", c)
	}
}

// reported is an ErrorHandler that records every error it is given and
// answers with status (500 when zero).
type reported struct {
	status int

	mu   sync.Mutex
	errs []error
}

func (h *reported) handle(w http.ResponseWriter, r *http.Request, err error) {
	h.mu.Lock()
	h.errs = append(h.errs, err)
	h.mu.Unlock()
	status := h.status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	http.Error(w, "session failure", status)
}

// all returns the errors reported so far.
func (h *reported) all() []error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.errs)
}

// one returns the only error reported, failing the test unless there is
// exactly one.
func (h *reported) one(t testing.TB) error {
	t.Helper()
	errs := h.all()
	if len(errs) != 1 {
		t.Fatalf("error handler got %v; want exactly one error", errs)
	}
	return errs[0]
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

// sessionFunc adapts a function of the session alone to a handler.
func sessionFunc(fn func(s *core.Session)) http.Handler {
	return handlerFunc(func(_ http.ResponseWriter, _ *http.Request, s *core.Session) { fn(s) })
}

// setter is a handler that sets key "k" to the value of the query parameter v.
var setter = handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
	keyK.Set(s, r.URL.Query().Get("v"))
})

// login runs one request that sets k=v on a new session of m, whose cookie
// has the default name, and returns the session cookie and its ID.
func login(t testing.TB, m *core.Manager, v string) (*http.Cookie, string) {
	t.Helper()
	var id string
	h := m.Handler(sessionFunc(func(s *core.Session) {
		keyK.Set(s, v)
		if err := s.Err(); err != nil {
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

// inProcess is a RoundTripper that serves each request with h on the
// calling goroutine. A real listener would keep a synctest bubble from
// ever being idle, so clients inside one use this instead.
type inProcess struct{ h http.Handler }

func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if r.Body == nil {
		r.Body = http.NoBody // as a server's request always has one
	}
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// newClient returns an HTTP client for h, served in process, with a real
// cookie jar, that does not follow redirects.
func newClient(t testing.TB, h http.Handler) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:       jar,
		Transport: inProcess{h},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// fetch sends one request with c to http://example.com+path and returns
// the response, whose body it has read, and the body.
func fetch(t testing.TB, c *http.Client, method, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://example.com"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp, body(t, resp)
}

// startServer serves h over plain HTTP until the test ends.
func startServer(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// startTLSServer serves h over HTTPS until the test ends.
func startTLSServer(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// Token wire format, as documented in token.go:
//
//	base64url(payload || mac)
//	payload = version(1) | flags(1) | created ms(8) | touched ms(8) | [lifetime ms(8)] | id
//	mac     = HMAC-SHA256(secret, "sessionkit/v1\x00" + cookie name + "\x00" + payload)
//
// mintToken builds such a token independently of the engine, so tests can
// check the signature covers everything and craft tokens with chosen
// timestamps, lifetimes or versions.
type tokenFields struct {
	version  byte
	flags    byte
	created  time.Time
	touched  time.Time
	lifetime time.Duration // written, with flagLifetime, when set or flagged
	id       string
	name     string // cookie name the MAC is bound to
	secret   []byte
	tamperFn func(payload []byte) // runs after signing, to forge
}

// flagLifetime is the token flag that announces a lifetime field.
const flagLifetime = 1 << 2

func mintToken(f tokenFields) string {
	flags := f.flags
	if f.lifetime != 0 {
		flags |= flagLifetime
	}
	p := []byte{f.version, flags}
	p = binary.BigEndian.AppendUint64(p, uint64(f.created.UnixMilli()))
	p = binary.BigEndian.AppendUint64(p, uint64(f.touched.UnixMilli()))
	if flags&flagLifetime != 0 {
		p = binary.BigEndian.AppendUint64(p, uint64(f.lifetime.Milliseconds()))
	}
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

// storedSession stores k=v for a new random ID in st, expiring at expiry,
// and returns a cookie for it created and last touched at touched.
func storedSession(t testing.TB, m *core.Manager, st *meteredStore, touched, expiry time.Time) (*http.Cookie, string) {
	t.Helper()
	id := newID(t)
	st.Put(t, m, id, core.Record{Values: map[string][]byte{"k": []byte(`"v"`)}, Expiry: expiry})
	return &http.Cookie{Name: core.DefaultCookieName, Value: validToken(id, touched, touched)}, id
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

// seen is what a reader handler saw of its session.
type seen struct {
	k     string
	isNew bool
	id    string
}

// reader is a handler that reads key "k" and records what it saw in out.
func reader(out *seen) http.Handler {
	return handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		v := keyK.Get(s)
		if err := s.Err(); err != nil {
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

// countLines reports how many lines of log contain every one of parts.
func countLines(log string, parts ...string) int {
	n := 0
	for l := range strings.Lines(log) {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			n++
		}
	}
	return n
}
