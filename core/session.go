package core

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Session is one request's view of a session. The middleware creates it
// without touching the store; the store is read the first time the handler
// uses the session, so a request that never does costs no store operation.
//
// Values are read and written through typed keys (see Key). Errors are
// sticky: a failed load, an unencodable value or a stored value of the
// wrong type makes the request's commit fail through the error path, so a
// handler needs no error check per value. A handler that wants to serve a
// degraded page instead checks Err (or Load) early and answers for the
// error itself.
//
// A Session is safe for concurrent use by the goroutines of its request. It
// must not be used after the request has completed.
type Session struct {
	m   *Manager
	req *http.Request
	hdr http.Header
	ctx sessionContext
	x   exchange // the lifecycle that owns this session

	unusable error // set for sessions with no middleware behind them

	mu sync.Mutex
	st state
}

// sessionContext carries the session in a context.Context without a
// separate allocation.
type sessionContext struct {
	context.Context
	s *Session
}

func (c *sessionContext) Value(key any) any {
	if key == anySessionKey || key == c.s.m.ctxKey {
		return c.s
	}
	return c.Context.Value(key)
}

// unavailable returns a Session on which every read reports nothing and
// every write, Err and Load report err.
func unavailable(err error) *Session {
	return &Session{unusable: err}
}

// load reads the session from the store once, in the load phase. Callers
// hold s.mu.
func (s *Session) load(ctx context.Context) error {
	s.resolve()
	if s.st.load == unloaded || s.st.load == foreign {
		if pctx, ok := s.m.startPhase(ctx, PhaseLoad); ok {
			s.fetch(pctx)
			s.m.phases.EndPhase(pctx, PhaseLoad, s.st.loadErr)
		} else {
			s.fetch(ctx)
		}
	}
	s.st.used = used
	return s.st.loadErr
}

// fetch reads the record the client's token names. If it is gone, the
// next token the request carries is tried, so a stale cookie sent first
// never hides a live one.
func (s *Session) fetch(ctx context.Context) {
	if s.st.load == foreign {
		s.fetchExpress(ctx)
		return
	}
	for s.st.load == unloaded {
		rec, found, err := s.m.store.Load(ctx, s.st.key)
		live := found && (rec.Expiry.IsZero() || time.Now().Before(rec.Expiry))
		if live && err == nil && s.m.cfg.sharing() {
			live, err = s.st.takeCookie(&s.m.cfg, &rec, time.Now())
		}
		switch {
		case err != nil:
			s.st.load, s.st.loadErr = failed, fmt.Errorf("%w: %w", ErrLoad, err)
		case live:
			s.st.load, s.st.size = stored, -1
			s.st.values, s.st.owned = overlay(rec.Values, s.st.values, s.st.changes.set)
			s.st.owner = rec.Owner
			if s.m.obs != nil {
				s.m.store.emit(ctx, Event{Kind: EventLoaded})
			}
		default:
			now := time.Now()
			if s.m.obs != nil {
				s.m.gone(ctx, &s.st.ident, now)
			}
			if id, c, pos := s.m.verify(ctx, s.req, now, s.st.candidate+1); c != clientNone {
				s.st.adopt(id, c, pos, s.m.codec.storeKey(id.id))
				continue
			}
			// Unknown or expired: start afresh under a new ID, never the
			// client's, with what the request set before it read.
			s.st.startFreshKeepingSets(now)
		}
	}
}

// overlay returns the loaded values with the request's blind sets (see
// Key.Set) on top, and whether the result is a private copy.
func overlay(loaded, pending map[string][]byte, set map[string]struct{}) (map[string][]byte, bool) {
	if len(set) == 0 {
		return loaded, false
	}
	values := maps.Clone(loaded)
	if values == nil {
		values = make(map[string][]byte, len(set))
	}
	for k := range set {
		values[k] = pending[k]
	}
	return values, true
}

// startFreshKeepingSets is startFresh for a session whose record is gone:
// the keys the request set without reading it (see Key.Set) become the
// new session's.
func (st *state) startFreshKeepingSets(now time.Time) {
	values, set := st.values, st.changes.set
	st.startFresh(now)
	if len(set) > 0 {
		st.values, st.owned, st.size = values, true, -1
		st.changes.set, st.changes.del = set, make(map[string]struct{})
	}
}

// startFresh makes the state a new, empty session with no ID. The client's
// cookie is left alone: the session may have ended because a concurrent
// request regenerated it, and an expired Set-Cookie here could overwrite
// that request's new cookie.
func (st *state) startFresh(now time.Time) {
	st.load, st.loadErr = fresh, nil
	st.client = clientNone
	st.ident = identity{created: now, touched: now}
	st.key = ""
	st.values, st.owned, st.size = nil, false, 0
	st.owner = Owner{}
	if st.x != nil {
		st.x.cookie = nil
	}
	st.changes = changes{}
	if st.cookie == cookieIssue {
		st.cookie = cookieKeep
	}
}

// ready loads the session if needed. Callers hold s.mu.
func (s *Session) ready() error {
	if s.unusable != nil {
		return s.unusable
	}
	return s.load(s.req.Context())
}

// writable is use for Set: a stored session the request has not read
// stays unread when the store patches natively, and its sets are
// committed as a blind patch (see Key.Set). Callers hold s.mu.
func (s *Session) writable() bool {
	if s.unusable == nil && s.m.blind {
		s.resolve()
		if s.st.load == unloaded {
			s.st.used = used
			return true
		}
	}
	return s.use()
}

// use is ready for operations whose failure is sticky: the error is kept
// for the commit.
func (s *Session) use() bool {
	if err := s.ready(); err != nil {
		if s.unusable == nil {
			s.st.fault.record(err)
		}
		return false
	}
	return true
}

// fail keeps err for the commit. Callers hold s.mu.
func (s *Session) fail(err error) {
	if s.unusable == nil {
		s.st.fault.record(err)
	}
}

func (s *Session) own() {
	if !s.st.owned {
		s.st.values = maps.Clone(s.st.values)
		if s.st.values == nil {
			s.st.values = make(map[string][]byte)
		}
		s.st.owned = true
	}
	if s.st.changes.set == nil {
		s.st.changes.set = make(map[string]struct{})
		s.st.changes.del = make(map[string]struct{})
	}
}

// Err loads the session if it has not been loaded and returns the first
// error of the request so far: a failed load (wrapping ErrLoad), a value
// that could not be encoded (ErrEncode) or decoded (ErrTypeMismatch), or a
// bad lifetime (ErrLifetime). It returns nil when all is well.
//
// A handler that calls Err and gets an error owns that error: the commit no
// longer reports it, so the handler's own response stands. After a failed
// load nothing is committed, so an empty view is never saved over the real
// record. A handler that never calls Err lets the commit report the error,
// and the client gets the error handler's response.
func (s *Session) Err() error {
	if s.unusable != nil {
		return s.unusable
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.observe(s.req.Context())
}

func (s *Session) observe(ctx context.Context) error {
	if s.unusable != nil {
		return s.unusable
	}
	if err := s.load(ctx); err != nil {
		s.st.fault.record(err)
	}
	s.st.fault.owned = true
	return s.st.fault.err
}

// Load is Err with the context of the caller's choosing for the store
// read, for a handler that wants its own deadline on it.
func (s *Session) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.observe(ctx)
}

// ID returns the session ID, assigning one to a new session. It returns ""
// if the session could not be loaded or no ID could be generated. The ID is
// secret: treat it like a password.
func (s *Session) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() || s.ensureID() != nil {
		return ""
	}
	return s.st.ident.id
}

func (s *Session) ensureID() error {
	if s.st.ident.id != "" {
		return nil
	}
	id, err := s.m.newID(s.req)
	if err != nil {
		s.fail(err)
		return err
	}
	s.st.ident.id, s.st.key = id, s.m.codec.storeKey(id)
	return nil
}

// IsNew reports whether the session has no stored record yet: the client
// sent no valid session, its session expired, or Destroy ran.
func (s *Session) IsNew() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.use() && s.st.load == fresh && s.st.mig().step != migrationPending
}

// Keys returns the session's keys, sorted; an empty, non-nil slice for an
// empty session or one that could not be loaded.
func (s *Session) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return []string{}
	}
	keys := slices.AppendSeq(make([]string, 0, len(s.st.values)), maps.Keys(s.st.values))
	slices.Sort(keys)
	return keys
}

// Clear removes every key. Like any change it is committed per key, as
// deletions, so it never recreates a session another request ended
// meanwhile.
func (s *Session) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return
	}
	s.own()
	for k := range s.st.values {
		s.st.changes.del[k] = struct{}{}
	}
	clear(s.st.values)
	clear(s.st.changes.set)
	s.st.size = 0
}

// Regenerate moves the session to a new ID, keeping its data, and deletes
// the old record when the session commits. Call it when privileges change,
// at login above all: it defeats session fixation. The absolute lifetime
// restarts with the new ID. It must run before the response headers are
// sent; later, the commit reports ErrHeadersSent.
func (s *Session) Regenerate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return
	}
	id, err := s.m.newID(s.req)
	if err != nil {
		s.fail(err)
		return
	}
	st := &s.st
	if !st.changes.regenerated {
		st.changes.undo = &regenUndo{id: st.ident, key: st.key, retired: len(st.retired)}
		if st.load == stored {
			st.retired = append(st.retired, st.key)
		}
	}
	s.own()
	now := time.Now()
	st.ident.id, st.key = id, s.m.codec.storeKey(id)
	st.ident.created, st.ident.touched = now, now
	st.changes.regenerated = true
}

// Destroy ends the session: its record is deleted and the browser's cookie
// is cleared with an expired Set-Cookie when the session commits. The
// Session stays usable as a new, empty session; data set after Destroy
// starts a fresh session with a new ID.
func (s *Session) Destroy() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unusable != nil {
		return
	}
	s.resolve()
	st := &s.st
	if st.key != "" && (st.load == unloaded || st.load == failed || (st.load == stored && !st.changes.regenerated)) {
		st.retired = append(st.retired, st.key)
	}
	if st.load == unloaded {
		// Never read, so which of the request's tokens names the live
		// record is unknown: log out every one of them, so a stale cookie
		// sent first cannot leave the live session behind.
		st.retired = append(st.retired, s.m.candidateKeys(s.req, time.Now(), st.candidate+1)...)
	}
	s.dropExpress()
	st.retire = retireFirst
	// Nothing of the old session survives, a failed load included.
	st.fault = fault{}
	st.startFresh(time.Now())
	st.cookie = cookieClear
	st.touch = touchThrottled
}

// Reload discards this request's uncommitted changes, including an
// uncommitted Regenerate, and reads the session from the store again. It
// reports the load error, as Load does.
func (s *Session) Reload(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unusable != nil {
		return s.unusable
	}
	s.resolve()
	st := &s.st
	if u := st.changes.undo; st.changes.regenerated && u != nil {
		st.ident, st.key = u.id, u.key
		st.retired = st.retired[:u.retired]
	}
	if u := st.changes.metaUndo; u != nil {
		st.ident.lifetime, st.ident.persist = u.lifetime, u.persist
	}
	if u := st.changes.ownerUndo; u != nil {
		st.owner = *u
	}
	st.changes = changes{}
	st.values, st.owned, st.size = nil, false, 0
	if mig := st.mig(); st.load == foreign || mig.step == migrationPending || st.load == failed && mig.key != "" && mig.step == migrationNone {
		// An Express session not moved yet: read it from Express's
		// store again.
		st.load, st.loadErr, st.fault = foreign, nil, fault{}
		st.x.mig.step = migrationNone
		return s.observe(ctx)
	}
	if st.load == fresh {
		return nil // nothing stored to reload from
	}
	st.load, st.loadErr, st.fault = unloaded, nil, fault{}
	return s.observe(ctx)
}

// Touch extends the idle deadline at the next commit, bypassing the
// TouchInterval throttle, and re-sends the cookie. A failing explicit touch
// fails the request.
func (s *Session) Touch() {
	s.mu.Lock()
	s.st.touch = touchForced // even after this request's throttled touch ran
	s.mu.Unlock()
}

// RememberMe overrides the cookie's persistence for this session: true
// makes it persistent (Expires and Max-Age set to the session's end),
// false makes it a browser-session cookie, dropped when the browser
// closes. It counts as a modification, so a new session is stored. Pair it
// with SetLifetime for a "remember me for 30 days" login.
func (s *Session) RememberMe(remember bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return
	}
	p := persistNever
	if remember {
		p = persistAlways
	}
	s.st.changeMeta(s.st.ident.lifetime, p)
}

// Save commits the session now: changes are written to the store, and the
// cookie goes on the response when the headers are sent. The middleware
// commits by itself before the headers are sent, so Save is only needed to
// persist before a slow operation or to observe a store error in the
// handler. It reports sticky errors too. Like every Session method it is
// safe to call from the request's other goroutines.
func (s *Session) Save(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unusable != nil {
		return s.unusable
	}
	return s.commit(ctx, time.Now(), attached)
}
