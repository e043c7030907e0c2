package adaptertest

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
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
	IdleTimeout time.Duration
	Lifetime    time.Duration
}

// Env is what an app under test is built from: two managers sharing one
// instrumented store, and a record of the session errors the app reported.
type Env struct {
	// User is the manager whose middleware is innermost, so the adapter's
	// Get returns its session. Its cookie is UserCookie.
	User *core.Manager
	// Admin is a second manager, reached with GetFor. Its cookie is
	// AdminCookie.
	Admin *core.Manager

	store *Store
	mu    sync.Mutex
	errs  []error
}

// NewEnv returns an Env with fresh secrets and an empty Store. The
// managers' error logs are captured as reported errors.
func NewEnv(t testing.TB, opts Options) *Env {
	t.Helper()
	e := &Env{store: NewStore()}
	logger := slog.New(captureHandler{e})
	newMgr := func(name string) *core.Manager {
		secret := make([]byte, 32)
		rand.Read(secret)
		m, err := core.New(core.Config{
			Secrets:     [][]byte{secret},
			Store:       e.store,
			IdleTimeout: opts.IdleTimeout,
			Lifetime:    opts.Lifetime,
			Cookie:      core.CookieConfig{Name: name},
			Logger:      logger,
		})
		if err != nil {
			t.Fatalf("core.New(%q): %v", name, err)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	e.User = newMgr(UserCookie)
	e.Admin = newMgr(AdminCookie)
	return e
}

// Store returns the store both managers use.
func (e *Env) Store() *Store { return e.store }

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

// WaitError waits up to two seconds for a reported error matching target
// (errors.Is) and fails the test if none arrives.
func (e *Env) WaitError(t testing.TB, target error) error {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		for _, err := range e.Errors() {
			if errors.Is(err, target) {
				return err
			}
		}
		if time.Now().After(deadline) {
			t.Errorf("reported errors = %v; want one matching %v", e.Errors(), target)
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// captureHandler turns the managers' error logs into reported errors and
// keeps the test output quiet.
type captureHandler struct{ e *Env }

func (h captureHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h captureHandler) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if err, ok := a.Value.Any().(error); ok && a.Key == "error" {
			h.e.ReportError(err)
		}
		return true
	})
	return nil
}

func (h captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h captureHandler) WithGroup(string) slog.Handler      { return h }
