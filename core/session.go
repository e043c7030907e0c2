package core

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Session is one request's view of a session. It is created by the
// middleware without touching the store; the store is read the first time
// the handler uses the session, so a request that never does costs no store
// operation.
//
// A Session is safe for concurrent use by the goroutines of its request. It
// must not be used after the request has completed.
//
// If the store cannot be loaded, reads see no data and writes return the
// load error (wrapping ErrLoad); the session then refuses to commit, so an
// empty view is never saved over the real record, and the middleware reports
// the failure through its error handler.
type Session struct {
	m   *Manager
	req *http.Request
	hdr http.Header
	ctx sessionContext
	rw  ResponseWriter

	mu sync.Mutex

	// From the request's cookie or header, verified.
	tok    token
	hasTok bool
	resign bool // verified by an older secret

	unusable error // set for sessions with no middleware behind them
	loaded   bool
	loadErr  error
	// loadErrOwned: the handler got loadErr from Load and answers for it.
	loadErrOwned bool
	failed       error // sticky error from Set; reported at commit
	isNew        bool  // no record in the store

	values map[string][]byte
	owned  bool // values is a private copy, safe to modify
	set    map[string]struct{}
	del    map[string]struct{}

	id       string
	key      string
	created  time.Time
	touched  time.Time // the touched time the client's cookie carries
	remember int8

	undo          regenUndo
	dirtyMeta     bool // remember-me changed
	regenerated   bool // must be saved whole under a new ID
	touchNow      bool
	oldKeys       []string // records to delete at commit
	destroyed     bool     // Destroy ran: delete oldKeys before anything else
	clearCookie   bool     // Destroy: send an expired cookie unless a new one is issued
	pendingCookie bool     // a commit decided to send a fresh cookie; flushCookie writes it
	sealed        bool     // Commit ran: the headers are on their way
	detach        bool     // a middleware commit: store calls ignore cancellation
	abandoned     bool
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

// load reads the session from the store once. Callers hold s.mu.
func (s *Session) load(ctx context.Context) error {
	if s.loaded {
		return s.loadErr
	}
	if s.hasTok {
		ctx, cancel := s.m.storeContext(ctx)
		rec, found, err := s.m.store.Load(ctx, s.key)
		cancel()
		if err != nil {
			s.loaded = true
			s.loadErr = fmt.Errorf("%w: %w", ErrLoad, err)
			return s.loadErr
		}
		if found && (rec.Expiry.IsZero() || time.Now().Before(rec.Expiry)) {
			s.loaded = true
			s.values = rec.Values
			s.owned = false
			return nil
		}
		// Unknown or expired: start afresh under a new ID, never the
		// client's.
		s.forget()
	}
	s.loaded = true
	s.isNew = true
	s.values = nil
	s.owned = false
	s.created = time.Now()
	return nil
}

// forget drops the client's token: its session is gone, and so is that
// session's RememberMe choice. The client's cookie is left alone: the
// session may have ended because a concurrent request regenerated it, and
// an expired Set-Cookie here could overwrite that request's new cookie.
func (s *Session) forget() {
	s.pendingCookie = false
	s.hasTok = false
	s.resign = false
	s.id, s.key = "", ""
	s.remember = 0
}

func (s *Session) ready() error {
	if s.unusable != nil {
		return s.unusable
	}
	return s.load(s.req.Context())
}

// Unavailable returns a Session on which every read reports nothing and
// every write and Load returns err. Accessors return it instead of nil when
// no middleware bound a session, so a missing middleware yields a clear
// error rather than a nil-pointer panic. err should wrap ErrNoSession.
func Unavailable(err error) *Session {
	return &Session{unusable: err}
}

func (s *Session) own() {
	if !s.owned {
		s.values = maps.Clone(s.values)
		if s.values == nil {
			s.values = make(map[string][]byte)
		}
		s.owned = true
	}
	if s.set == nil {
		s.set = make(map[string]struct{})
		s.del = make(map[string]struct{})
	}
}

// Load reads the session from the store now, if it has not been read yet,
// and reports any failure.
//
// A handler that calls Load and gets an error owns that error: it can
// serve a degraded page, and the middleware will neither commit the session
// nor replace the handler's response with the error handler's. Handlers
// that do not call Load rely on the lazy load, and a load failure becomes
// the error handler's response.
func (s *Session) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unusable != nil {
		return s.unusable
	}
	err := s.load(ctx)
	s.loadErrOwned = err != nil
	return err
}

// ID returns the session ID, assigning one to a new session. It returns ""
// if the session could not be loaded or no ID could be generated. The ID is
// secret: treat it like a password.
func (s *Session) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready() != nil || s.ensureID() != nil {
		return ""
	}
	return s.id
}

func (s *Session) ensureID() error {
	if s.id != "" {
		return nil
	}
	id, err := s.m.newID()
	if err != nil {
		return err
	}
	s.id, s.key = id, StoreKey(id)
	return nil
}

// IsNew reports whether the session has no stored record yet: the client
// sent no valid session, or its session expired.
func (s *Session) IsNew() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready() != nil {
		return false
	}
	return s.isNew
}

// Has reports whether key is set. It reports false if the session could not
// be loaded.
func (s *Session) Has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready() != nil {
		return false
	}
	_, ok := s.values[key]
	return ok
}

// Keys returns the session's keys, sorted: an empty, non-nil slice for an
// empty session, and nil if the session could not be loaded.
func (s *Session) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready() != nil {
		return nil
	}
	keys := slices.AppendSeq(make([]string, 0, len(s.values)), maps.Keys(s.values))
	slices.Sort(keys)
	return keys
}

// Set stores v under key. The key must be valid UTF-8 without NUL bytes. v may be any value encoding/json can encode,
// including the application's own structs; no registration is needed. The
// value is encoded immediately, so later changes to v are not seen.
//
// An unencodable value returns an error wrapping ErrEncode that names the
// key; the request's commit then fails too, so the value is never silently
// dropped.
func (s *Session) Set(key string, v any) error {
	var b []byte
	var err error
	if !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
		// Stores keep keys in JSON objects, jsonb columns or hash fields;
		// only valid UTF-8 without NUL survives all of them unchanged.
		err = fmt.Errorf("%w: key %q is not valid UTF-8 text without NUL", ErrEncode, key)
	} else if b, err = json.Marshal(v); err != nil {
		err = fmt.Errorf("%w: key %q: %v", ErrEncode, key, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.failed == nil {
			s.failed = err
		}
		return err
	}
	if err := s.ready(); err != nil {
		return err
	}
	s.own()
	s.values[key] = b
	s.set[key] = struct{}{}
	delete(s.del, key)
	return nil
}

// Delete removes key. Deleting an absent key is not an error.
func (s *Session) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleteLocked(key)
}

func (s *Session) deleteLocked(key string) error {
	if err := s.ready(); err != nil {
		return err
	}
	if _, ok := s.values[key]; !ok {
		return nil
	}
	s.own()
	delete(s.values, key)
	delete(s.set, key)
	s.del[key] = struct{}{}
	return nil
}

// Clear removes every key. Like any change it is committed per key, as
// deletions, so it never recreates a session another request ended
// meanwhile.
func (s *Session) Clear() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(); err != nil {
		return err
	}
	s.own()
	for k := range s.values {
		s.del[k] = struct{}{}
	}
	clear(s.values)
	clear(s.set)
	return nil
}

// Regenerate moves the session to a new ID, keeping its data, and deletes
// the old record when the session commits. Call it when privileges change,
// at login above all: it defeats session fixation. The absolute lifetime
// restarts with the new ID.
func (s *Session) Regenerate() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(); err != nil {
		return err
	}
	id, err := s.m.newID()
	if err != nil {
		return err
	}
	if !s.regenerated {
		s.undo = regenUndo{id: s.id, key: s.key, created: s.created, oldKeys: len(s.oldKeys)}
	}
	if s.key != "" && !s.isNew {
		s.oldKeys = append(s.oldKeys, s.key)
	}
	s.own()
	s.id, s.key = id, StoreKey(id)
	s.created = time.Now()
	s.regenerated = true
	return nil
}

// regenUndo is what Reload needs to take back an uncommitted Regenerate.
type regenUndo struct {
	id, key string
	created time.Time
	oldKeys int
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
	if s.key != "" && (!s.loaded || !s.isNew) {
		s.oldKeys = append(s.oldKeys, s.key)
	}
	s.destroyed = true
	s.failed, s.loadErrOwned = nil, false // nothing of the old session survives
	s.pendingCookie = false
	s.hasTok, s.resign = false, false
	s.clearCookie = true
	s.id, s.key = "", ""
	// A destroyed session is new and empty, whether or not it was loaded;
	// a failed load no longer matters because nothing of it survives.
	s.loaded, s.loadErr, s.isNew = true, nil, true
	s.values, s.owned = nil, false
	s.set, s.del = nil, nil
	s.regenerated, s.dirtyMeta, s.touchNow = false, false, false
	s.remember = 0
	s.created = time.Now()
}

// Reload discards this request's uncommitted changes, including an
// uncommitted Regenerate, and reads the session from the store again.
func (s *Session) Reload(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unusable != nil {
		return s.unusable
	}
	if s.regenerated {
		s.id, s.key, s.created = s.undo.id, s.undo.key, s.undo.created
		s.oldKeys = s.oldKeys[:s.undo.oldKeys]
		s.regenerated = false
	}
	if s.loaded && s.isNew {
		// Nothing stored to reload from: the changes are simply dropped.
		s.values, s.owned = nil, false
		s.set, s.del = nil, nil
		return s.loadErr
	}
	s.loaded, s.loadErr = false, nil
	s.values, s.owned = nil, false
	s.set, s.del = nil, nil
	s.failed = nil
	return s.load(ctx)
}

// Touch extends the idle deadline at the next commit, bypassing the
// TouchInterval throttle, and re-sends the cookie.
func (s *Session) Touch() {
	s.mu.Lock()
	s.touchNow = true
	s.mu.Unlock()
}

// RememberMe overrides the cookie's persistence for this session: true
// makes it persistent (Expires and Max-Age set to the session's expiry),
// false makes it a browser-session cookie. It counts as a modification, so
// a new session is stored.
func (s *Session) RememberMe(remember bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(); err != nil {
		return err
	}
	r := int8(-1)
	if remember {
		r = 1
	}
	if s.remember != r {
		s.remember = r
		s.dirtyMeta = true
	}
	return nil
}

// Save commits the session now: changes are written to the store, and the
// cookie goes on the response when the middleware sends the headers. The
// middleware commits by itself before the headers are sent, so Save is
// only needed to persist before a slow operation or to observe a store
// error in the handler. Like every Session method it is safe to call from
// the request's other goroutines.
func (s *Session) Save(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unusable != nil {
		return s.unusable
	}
	return s.commit(ctx)
}

func (s *Session) dirty() bool {
	return len(s.set) > 0 || len(s.del) > 0 || s.regenerated || s.dirtyMeta
}
