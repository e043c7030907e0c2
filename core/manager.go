package core

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// Manager creates, loads and commits sessions for one cookie. An app may run
// several managers side by side, for example user and admin sessions with
// different cookie names. A Manager is safe for concurrent use.
type Manager struct {
	cfg       Config
	store     *layer
	ownsStore *MemoryStore
	codec     codec
	ctxKey    *contextKey
	// touchResume is when throttled touches resume after a failure, in
	// Unix nanoseconds.
	touchResume atomic.Int64
}

// New validates cfg and returns a Manager. Invalid configuration returns
// an error wrapping ErrInvalidConfig that says what to fix.
func New(cfg Config) (*Manager, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m := &Manager{cfg: cfg, ctxKey: &contextKey{cfg.Cookie.Name}}
	s := cfg.Store
	if s == nil {
		m.ownsStore = NewMemoryStore(MemoryStoreOptions{})
		s = m.ownsStore
	}
	l, err := newLayer(s, cfg.StoreTimeout)
	if err != nil {
		m.Close()
		return nil, err
	}
	m.store = l
	if m.cfg.ErrorHandler == nil {
		m.cfg.ErrorHandler = defaultErrorHandler
	}
	m.codec = nativeCodec{newSigner(cfg.Cookie.Name, cfg.Secrets)}
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

// Store returns the manager's store, as passed in Config.Store (or the
// memory store New created).
func (m *Manager) Store() Store { return m.store.s }

// StoreKey returns the key under which the session with this ID is
// stored: the base64url SHA-256 of the ID. Stores never see raw IDs, so a
// dump of a store yields no usable cookie. Admin tools use it to find or
// delete one session by ID.
func (m *Manager) StoreKey(id string) string { return m.codec.storeKey(id) }

// String describes the manager for logs without revealing secrets.
func (m *Manager) String() string {
	return fmt.Sprintf("sessionkit.Manager{cookie: %q, store: %T}", m.cfg.Cookie.Name, m.store.s)
}

func (m *Manager) storeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return m.store.bound(ctx)
}

func (m *Manager) touchesPaused(now time.Time) bool {
	return now.UnixNano() < m.touchResume.Load()
}

func (m *Manager) pauseTouches(now time.Time) {
	m.touchResume.Store(now.Add(m.cfg.TouchInterval).UnixNano())
}

// maxCandidates bounds how many same-named cookies are verified, so a
// request stuffed with cookies costs a bounded number of HMACs.
const maxCandidates = 8

// verify returns the first identity the request carries that verifies and
// can still be alive: the configured header first, then each cookie with
// the session's name, in order. Browsers send a stale cookie with a longer
// Path first, so a single bad value must not hide a good one. A forged,
// malformed or expired token is treated as absent: the store is never
// consulted for it. Nothing is done to the client's cookie either, since a
// request racing a login may carry the old one.
func (m *Manager) verify(r *http.Request, now time.Time) (identity, client) {
	if h := m.cfg.Header; h != "" {
		if v := r.Header.Get(h); v != "" {
			if id, c := m.check(v, now); c != clientNone {
				return id, c
			}
		}
	}
	for i, c := range r.CookiesNamed(m.cfg.Cookie.Name) {
		if i == maxCandidates {
			break
		}
		if id, cl := m.check(c.Value, now); cl != clientNone {
			return id, cl
		}
	}
	return identity{}, clientNone
}

func (m *Manager) check(v string, now time.Time) (identity, client) {
	id, secret, ok := m.codec.decode(v)
	switch {
	case !ok || !m.alive(id, now):
		return identity{}, clientNone
	case secret > 0:
		return id, clientStale
	}
	return id, clientCurrent
}

// defaultErrorHandler responds 500 with a generic body; the lifecycle has
// already logged err. Store error text never reaches the client.
func defaultErrorHandler(w http.ResponseWriter, _ *http.Request, err error) {
	if w == nil || isHeadersSent(err) {
		return
	}
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}
