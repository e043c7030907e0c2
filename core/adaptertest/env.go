package adaptertest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Cookie names of the two managers of an Env.
const (
	UserCookie  = "user_session"
	AdminCookie = "admin_session"
)

// Options tune the managers of an Env. Zero fields take core's defaults.
type Options struct {
	IdleTimeout        time.Duration
	Lifetime           time.Duration
	Rolling            bool
	SaveUninitialized  bool
	TrustProxy         bool
	Limits             core.Limits
	AllowSharedCaching bool
	// Header is the User manager's Config.Header; the Admin manager keeps
	// cookies only.
	Header string
	// Owners is both managers' Config.Owners.
	Owners core.OwnerConfig
}

// Env is what an app under test is built from: two managers sharing one
// instrumented store, and a record of the session errors the app reported
// and of everything the managers logged.
type Env struct {
	// User is the manager whose middleware is innermost, so the adapter's
	// Get returns its session. Its cookie is UserCookie.
	User *core.Manager
	// Admin is a second manager, reached with GetFor. Its cookie is
	// AdminCookie.
	Admin *core.Manager

	store   *Store
	secrets [][]byte
	// busy is held for reading by every request a Tracked handler serves,
	// so WaitError can wait for the requests in flight.
	busy sync.RWMutex

	mu   sync.Mutex
	errs []error
	logs []slog.Record
	ids  []string // every session ID the managers issued
}

// NewEnv returns an Env with fresh secrets and an empty Store. The
// managers' logs are captured: their error attributes count as reported
// errors. NewEnv starts no goroutine, so it may be called inside a
// testing/synctest bubble; so must everything time-dependent be created.
func NewEnv(t testing.TB, opts Options) *Env {
	t.Helper()
	e := &Env{store: NewStore()}
	logger := slog.New(captureHandler{e})
	newMgr := func(name, header string) *core.Manager {
		secret := make([]byte, 32)
		rand.Read(secret)
		e.secrets = append(e.secrets, secret)
		m, err := core.New(core.Config{
			Secrets:            [][]byte{secret},
			Store:              e.store,
			IdleTimeout:        opts.IdleTimeout,
			Lifetime:           opts.Lifetime,
			Rolling:            opts.Rolling,
			SaveUninitialized:  opts.SaveUninitialized,
			TrustProxy:         opts.TrustProxy,
			Limits:             opts.Limits,
			AllowSharedCaching: opts.AllowSharedCaching,
			Header:             header,
			Owners:             opts.Owners,
			Cookie:             core.CookieConfig{Name: name},
			IDGenerator:        e.newID,
			Logger:             logger,
		})
		if err != nil {
			t.Fatalf("core.New(%q): %v", name, err)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	e.User = newMgr(UserCookie, opts.Header)
	e.Admin = newMgr(AdminCookie, "")
	return e
}

// newID draws 256 bits, as core's default generator does, and remembers
// the ID so the suite can check that no log carries it.
func (e *Env) newID(*http.Request) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	e.mu.Lock()
	e.ids = append(e.ids, id)
	e.mu.Unlock()
	return id, nil
}

// Store returns the store both managers use.
func (e *Env) Store() *Store { return e.store }

// Track wraps h so that WaitError waits for the requests it is serving.
// Serve applies it; an app served some other way should be wrapped too.
func (e *Env) Track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.busy.RLock()
		defer e.busy.RUnlock()
		h.ServeHTTP(w, r)
	})
}

// ReportError records a session error the app's error handling saw. Apps
// call it from the framework's error hook.
func (e *Env) ReportError(err error) {
	if err == nil {
		return
	}
	e.mu.Lock()
	e.errs = append(e.errs, err)
	e.mu.Unlock()
}

// Errors returns the errors reported so far.
func (e *Env) Errors() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}

// Logged returns the records the managers logged so far.
func (e *Env) Logged() []slog.Record {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]slog.Record(nil), e.logs...)
}

// WaitError waits for the requests that Tracked handlers are serving to
// end, then returns the first reported error matching target (errors.Is);
// it fails the test if there is none. A session error is reported before
// its request ends, so nothing needs polling.
func (e *Env) WaitError(t testing.TB, target error) error {
	t.Helper()
	e.busy.Lock()
	defer e.busy.Unlock()
	for _, err := range e.Errors() {
		if errors.Is(err, target) {
			return err
		}
	}
	t.Errorf("reported errors = %v; want one matching %v", e.Errors(), target)
	return nil
}

// secretsOf returns what must never appear in a log: the managers'
// secrets and every session ID issued.
func (e *Env) secretsOf() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, s := range e.secrets {
		out = append(out, string(s), hex.EncodeToString(s), base64.StdEncoding.EncodeToString(s), base64.RawURLEncoding.EncodeToString(s))
	}
	return append(out, e.ids...)
}

// captureHandler keeps the managers' log records, turns their error
// attributes into reported errors and keeps the test output quiet.
type captureHandler struct{ e *Env }

func (h captureHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h captureHandler) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if err, ok := a.Value.Any().(error); ok && a.Key == "error" {
			h.e.ReportError(err)
		}
		return true
	})
	h.e.mu.Lock()
	h.e.logs = append(h.e.logs, r.Clone())
	h.e.mu.Unlock()
	return nil
}

func (h captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h captureHandler) WithGroup(string) slog.Handler      { return h }
