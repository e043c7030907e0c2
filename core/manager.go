package core

import (
	"context"
	"fmt"
	"net/http"
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
	express   expressSide // Config.Express's side; mode ExpressOff when unused
	ctxKey    *contextKey
	headerKey string        // canonical form of Config.Header
	pauses    touchPauses   // sessions whose throttled touch recently failed
	obs       Observer      // Config.Observer; nil: no events
	phases    PhaseObserver // obs, if it observes phases
	// lazy: a request's tokens are verified only once its handler uses
	// the session (see lazyVerify).
	lazy bool
	// blind: a handler's sets of a session it has not read are committed
	// as one patch, without a load (see Key.Set).
	blind bool
}

// New validates cfg and returns a Manager. Invalid configuration returns
// an error wrapping ErrInvalidConfig that says what to fix.
func New(cfg Config) (*Manager, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m := &Manager{cfg: cfg, ctxKey: &contextKey{cfg.Cookie.Name}, headerKey: http.CanonicalHeaderKey(cfg.Header)}
	s := cfg.Store
	if cfg.sharing() {
		s = cfg.Express.Store
	}
	if s == nil {
		m.ownsStore = NewMemoryStore(MemoryStoreOptions{})
		s = m.ownsStore
	}
	l, err := newLayer(s, cfg.StoreTimeout, cfg.Observer)
	if err == nil && cfg.Owners.MaxSessions > 0 && l.owners == nil && l.ranger == nil {
		err = fmt.Errorf("%w: Owners.MaxSessions needs a store that can list an owner's sessions (an OwnerIndex or an Iterator); store %T is neither", ErrInvalidConfig, s)
	}
	if err != nil {
		m.Close()
		return nil, err
	}
	m.store, m.obs = l, cfg.Observer
	m.phases, _ = cfg.Observer.(PhaseObserver)
	if m.cfg.ErrorHandler == nil {
		m.cfg.ErrorHandler = defaultErrorHandler
	}
	m.codec = nativeCodec{newSigner(cfg.Cookie.Name, cfg.Secrets)}
	if cfg.Express.Mode != ExpressOff {
		if err := m.linkExpress(); err != nil {
			return nil, err
		}
	}
	m.lazy = m.lazyVerify()
	m.blind = m.blindWrites()
	return m, nil
}

// blindWrites reports whether a handler's sets of a session it has not
// read can be committed as one patch, without loading the record first:
// with a store that patches natively, outside the Express modes, and when
// Limits.Keys and Limits.SessionBytes are off, since enforcing either
// needs the stored record.
func (m *Manager) blindWrites() bool {
	l := &m.cfg.Limits
	return m.store.patcher != nil && m.cfg.Express.Mode == ExpressOff && l.Keys < 0 && l.SessionBytes < 0
}

// lazyVerify reports whether a request's tokens can wait to be verified
// until its handler uses the session: when a session the handler never
// touches can need nothing from its token. That rules out an idle timeout
// (an unused session is still touched), Rolling and SaveUninitialized
// (its cookie is still sent), a secret rotation (an old secret's cookie is
// still re-signed), Config.Header (the response's transport depends on
// the token), the Express modes, and an Observer (which hears of every
// token, used or not). Otherwise a request that never uses its session
// pays for no HMAC, hash or decoding at all.
func (m *Manager) lazyVerify() bool {
	c := &m.cfg
	return c.IdleTimeout <= 0 && !c.Rolling && !c.SaveUninitialized && len(c.Secrets) == 1 &&
		c.Header == "" && c.Express.Mode == ExpressOff && m.obs == nil
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
// delete one session by ID. In ExpressShare it is the ID itself, which is
// how Express's stores key their records.
func (m *Manager) StoreKey(id string) string { return m.codec.storeKey(id) }

// String describes the manager for logs without revealing secrets.
func (m *Manager) String() string {
	return fmt.Sprintf("sessionkit.Manager{cookie: %q, store: %T}", m.cfg.Cookie.Name, m.store.s)
}

// maxCandidates bounds how many same-named cookies are verified, so a
// request stuffed with cookies costs a bounded number of HMACs.
const maxCandidates = 8

// candidate positions: headerCandidate is the configured header; cookie i
// of the session's name is firstCookie+i.
const (
	headerCandidate = 0
	firstCookie     = 1
)

// verify returns the first identity, at position from or later, that the
// request carries, verifies and can still be alive: the configured header
// first, then each cookie with the session's name, in the browser's order,
// at most maxCandidates of them. It also returns the candidate's position,
// so that a session whose record turns out to be gone can go on with the
// next one (see Session.load): a stale or destroyed cookie sent first, as
// browsers do for a longer Path or an older cookie, never hides a live
// one. A forged, malformed or expired token is treated as absent: the
// store is never consulted for it. Nothing is done to the client's cookie
// either, since a request racing a login may carry the old one. Each
// token checked is reported to the Observer, verified or rejected.
func (m *Manager) verify(ctx context.Context, r *http.Request, now time.Time, from int) (identity, client, int) {
	if h := m.cfg.Header; h != "" && from <= headerCandidate {
		if v := r.Header.Get(h); v != "" {
			if id, c := m.check(ctx, v, now); c != clientNone {
				return id, c, headerCandidate
			}
		}
	}
	start := max(from-firstCookie, 0)
	sc := scanCookies(r.Header, m.cfg.Cookie.Name)
	for i := 0; i < maxCandidates; i++ {
		v, ok := sc.next()
		if !ok {
			break
		}
		if i < start {
			continue
		}
		if id, cl := m.check(ctx, v, now); cl != clientNone {
			return id, cl, firstCookie + i
		}
	}
	return identity{}, clientNone, 0
}

// transportOf decides whether the response may carry the token in
// Config.Header: only for a client identified by that header, or one that
// sent it (empty, before it has a token) with no session cookie. A page
// script that sends the header next to the browser's HttpOnly cookie gets
// nothing from it.
func (m *Manager) transportOf(r *http.Request, byHeader bool) transport {
	if m.cfg.Header == "" || r.Header[m.headerKey] == nil {
		return transportCookie
	}
	if byHeader || !hasCookie(r.Header, m.cfg.Cookie.Name) {
		return transportHeader
	}
	return transportCookie
}

// candidateKeys returns the store keys of the verified tokens at
// position from or later, for a logout that must not leave a live session
// behind a stale cookie.
func (m *Manager) candidateKeys(r *http.Request, now time.Time, from int) []string {
	var keys []string
	for {
		id, c, pos := m.verify(r.Context(), r, now, from)
		if c == clientNone {
			return keys
		}
		keys = append(keys, m.codec.storeKey(id.id))
		from = pos + 1
	}
}

// check verifies one token and judges from its timestamps whether its
// session can still be alive.
func (m *Manager) check(ctx context.Context, v string, now time.Time) (identity, client) {
	id, secret, bad := m.codec.decode(v)
	if bad == 0 && id.created.IsZero() {
		// Express's cookie carries no timestamps: its store's expiry is
		// the only authority, and the session counts as in use from now.
		id.created, id.touched = now, now
	}
	var ended Reason
	if bad == 0 {
		ended = m.ended(id, now)
	}
	if bad != 0 || ended != 0 {
		if m.obs != nil {
			m.rejected(ctx, bad, ended)
		}
		return identity{}, clientNone
	}
	if m.obs != nil {
		m.store.emit(ctx, Event{Kind: EventVerified, Secret: secret})
	}
	if secret > 0 {
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
