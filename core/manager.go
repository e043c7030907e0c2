package core

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Manager creates, loads and commits sessions for one cookie. An app may run
// several managers side by side, for example user and admin sessions with
// different cookie names. A Manager is safe for concurrent use.
type Manager struct {
	cfg       Config
	store     Store
	ownsStore *MemoryStore
	signer    *signer
	ctxKey    *contextKey
}

// New validates cfg and returns a Manager. Invalid configuration returns
// an error wrapping ErrInvalidConfig that says what to fix.
func New(cfg Config) (*Manager, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m := &Manager{cfg: cfg, store: cfg.Store, ctxKey: &contextKey{cfg.Cookie.Name}}
	if m.store == nil {
		m.ownsStore = NewMemoryStore(MemoryStoreOptions{})
		m.store = m.ownsStore
	}
	if m.cfg.ErrorHandler == nil {
		m.cfg.ErrorHandler = m.defaultErrorHandler
	}
	m.signer = newSigner(cfg.Cookie.Name, cfg.Secrets)
	return m, nil
}

// Close stops the memory store New created when Config.Store was nil. It
// does not close a store the caller passed in.
func (m *Manager) Close() error {
	if m.ownsStore != nil {
		return m.ownsStore.Close()
	}
	return nil
}

// Store returns the manager's store.
func (m *Manager) Store() Store { return m.store }

func (m *Manager) storeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if m.cfg.StoreTimeout < 0 {
		return ctx, func() {}
	}
	// A request deadline that comes first already bounds the call, and a
	// derived context would cost four allocations.
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= m.cfg.StoreTimeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, m.cfg.StoreTimeout)
}

// Begin binds a new Session to one request without touching the store: the
// client's token is read from the configured header or the cookie and
// verified, and nothing else happens until the handler uses the session.
// Only w.Header() is used, to set the cookie when the session commits.
//
// Begin, Commit, Finish and Abandon are the lifecycle framework adapters
// drive; applications use Handler or an adapter instead. The returned
// request carries the session in its context.
func (m *Manager) Begin(w http.ResponseWriter, r *http.Request) (*Session, *http.Request) {
	s := &Session{m: m, hdr: w.Header()}
	s.ctx = sessionContext{Context: r.Context(), s: s}
	r = r.WithContext(&s.ctx)
	s.req = r
	if t, secret, ok := m.verify(r, time.Now()); ok {
		s.tok, s.hasTok, s.resign = t, true, secret > 0
		s.id, s.key = t.id, StoreKey(t.id)
		s.created, s.touched, s.remember = t.created, t.touched, t.remember
	}
	return s, r
}

// maxCandidates bounds how many same-named cookies are verified, so a
// request stuffed with cookies costs a bounded number of HMACs.
const maxCandidates = 8

// verify returns the first token the request carries that verifies and can
// still be alive: the configured header first, then each cookie with the
// session's name, in order. Browsers send a stale cookie with a longer Path
// first, so a single bad value must not hide a good one. A forged,
// malformed or expired token is treated as absent: the store is never
// consulted for it. Nothing is done to the client's cookie either, since a
// request racing a login may carry the old one.
func (m *Manager) verify(r *http.Request, now time.Time) (token, int, bool) {
	if h := m.cfg.Header; h != "" {
		if v := r.Header.Get(h); v != "" {
			if t, secret, ok := m.signer.decode(v); ok && m.alive(t, now) {
				return t, secret, true
			}
		}
	}
	for i, c := range r.CookiesNamed(m.cfg.Cookie.Name) {
		if i == maxCandidates {
			break
		}
		if t, secret, ok := m.signer.decode(c.Value); ok && m.alive(t, now) {
			return t, secret, true
		}
	}
	return token{}, 0, false
}

// alive reports whether the session a token names can still exist, judged
// from the signed timestamps alone. The store has the final word.
func (m *Manager) alive(t token, now time.Time) bool {
	if !now.Before(t.created.Add(m.cfg.Lifetime)) {
		return false
	}
	if it := m.cfg.IdleTimeout; it > 0 && !now.Before(t.touched.Add(it+m.cfg.TouchInterval)) {
		return false
	}
	return true
}

// Commit persists the session and sets its cookie on the response header,
// as the middleware does just before the response headers are written.
// After Commit the session is sealed: later changes are persisted by Finish
// where possible. If Commit fails, the caller answers with an error
// response and the session is abandoned: nothing more is committed for
// this request. Handlers should call Save instead.
func (s *Session) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unusable != nil {
		return s.unusable
	}
	err := s.commitDetached()
	if err == nil {
		s.flushCookie()
	} else {
		s.abandoned = true
	}
	s.sealed = true
	return err
}

// HeadersSent tells the session that the response headers went out without
// Commit, as when a framework writes the response around the middleware.
// Finish then persists what it still can, and reports, wrapping
// ErrHeadersSent, what needed a cookie the client will never get.
func (s *Session) HeadersSent() {
	s.mu.Lock()
	s.sealed = true
	s.mu.Unlock()
}

// commitDetached runs the middleware's commit on the request's context,
// detached from its cancellation for the store calls it makes.
func (s *Session) commitDetached() error {
	s.detach = true
	defer func() { s.detach = false }()
	return s.commit(s.req.Context())
}

// Finish completes the session after the handler has returned. If Commit
// has not run, it commits (the headers have not been sent and a failure can
// still become an error response). Otherwise it persists changes made after
// the headers went out; a change that cannot be persisted returns an error
// wrapping ErrHeadersSent.
func (s *Session) Finish() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unusable != nil {
		return s.unusable
	}
	err := s.commitDetached()
	if err == nil && !s.sealed {
		s.flushCookie()
	}
	return err
}

// Abandon marks the session as not to be committed, because its handler
// panicked. Later Commit and Finish calls do nothing.
func (s *Session) Abandon() {
	s.mu.Lock()
	s.abandoned = true
	s.mu.Unlock()
}

// Sealed reports whether Commit has run, meaning the response headers have
// been (or are being) sent.
func (s *Session) Sealed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sealed
}

func (m *Manager) defaultErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	m.cfg.Logger.ErrorContext(r.Context(), "sessionkit: session error", "error", err, "method", r.Method, "path", r.URL.Path)
	if errors.Is(err, ErrHeadersSent) {
		return
	}
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}

// HandleError reports err through the manager's ErrorHandler. Adapters
// that do not use Handler call it for errors from Commit and Finish.
func (m *Manager) HandleError(w http.ResponseWriter, r *http.Request, err error) {
	m.cfg.ErrorHandler(w, r, err)
}

// String describes the manager for logs without revealing secrets.
func (m *Manager) String() string {
	return fmt.Sprintf("sessionkit.Manager{cookie: %q, store: %T}", m.cfg.Cookie.Name, m.store)
}
