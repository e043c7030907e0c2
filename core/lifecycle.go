package core

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sessionkit/sessionkit/core/internal/bridge"
)

// exchange is one request's session lifecycle: begin, commit just before
// the headers leave, finish after the handler, abandon on panic. The
// net/http middleware drives it directly and framework adapters through
// package adapterkit; handlers never see it.
type exchange struct {
	s       *Session
	req     *http.Request
	w       http.ResponseWriter // the writer the framework gave
	role    role
	out     output
	headers headerMode
	onError func(http.ResponseWriter, *http.Request, error)
}

// role is an exchange's relation to its session.
type role uint8

const (
	// owner: the exchange began the session.
	owner role = iota
	// joined: the request already carried this manager's session, but the
	// framework writes through a writer of its own (gin's
	// engine.HandleContext): the exchange commits the same session through
	// a writer of its own.
	joined
	// nested: the same manager's middleware is installed twice; the inner
	// one passes everything through to the outer one.
	nested
)

// output is the state of an exchange's writer.
type output uint8

const (
	pending  output = iota // nothing written yet; the commit is to come
	passing                // committed: the handler's output goes through
	replaced               // the commit failed: the error handler answered
)

// headerMode says what the writer's WriteHeader means.
type headerMode uint8

const (
	// headersOnWriteHeader: WriteHeader with a final status sends the
	// headers, as net/http's writers do.
	headersOnWriteHeader headerMode = iota
	// headersOnFirstWrite: WriteHeader only records the status and the
	// headers leave on the first write, as gin's writer does; the adapter
	// calls Commit before the framework sends them.
	headersOnFirstWrite
)

func init() {
	bridge.Begin = func(mgr any, w http.ResponseWriter, r *http.Request, o bridge.Options) bridge.Exchange {
		return mgr.(*Manager).begin(w, r, o)
	}
	bridge.Bound = func(ctx context.Context, mgr any) (any, bool) {
		if m, ok := mgr.(*Manager); ok && m != nil {
			return m.bound(ctx)
		}
		return bound(ctx)
	}
	bridge.Unavailable = func(err error) any { return unavailable(err) }
}

// begin binds this manager's session to one request without touching the
// store: the client's token is read from the configured header or the
// cookie and verified, and nothing else happens until the handler uses the
// session.
func (m *Manager) begin(w http.ResponseWriter, r *http.Request, o bridge.Options) *exchange {
	onError := o.OnError
	if onError == nil {
		onError = m.cfg.ErrorHandler
	}
	headers := headersOnWriteHeader
	if o.LazyWriteHeader {
		headers = headersOnFirstWrite
	}
	if s, ok := m.bound(r.Context()); ok {
		if cw, ok := w.(*commitWriter); ok && cw.s == s {
			return &exchange{s: s, req: r, w: w, role: nested}
		}
		return &exchange{s: s, req: r, w: w, role: joined, headers: headers, onError: onError}
	}
	s := &Session{m: m, hdr: w.Header()}
	s.ctx = sessionContext{Context: r.Context(), s: s}
	r = r.WithContext(&s.ctx)
	s.req = r
	if m.lazy {
		s.st.load = unverified
	} else {
		s.identify(time.Now())
	}
	s.x = exchange{s: s, req: r, w: w, headers: headers, onError: onError}
	return &s.x
}

// identify verifies the request's tokens and takes on the first that
// names a session that can still be alive, or starts a new session.
// Callers hold s.mu, or own the session alone.
func (s *Session) identify(now time.Time) {
	m, r := s.m, s.req
	id, c, pos := m.verify(r.Context(), r, now, headerCandidate)
	switch {
	case c != clientNone:
		s.st.adopt(id, c, pos, m.codec.storeKey(id.id))
	default:
		s.st.startFresh(now)
		if m.express.mode == ExpressMigrate {
			if key, ok := m.findExpress(r.Context(), r); ok {
				s.st.load = foreign
				s.st.xs().mig = migration{key: key}
			}
		}
	}
	s.st.transport = m.transportOf(r, c != clientNone && pos == headerCandidate)
}

// resolve identifies a session whose tokens are not verified yet (see
// Manager.lazy), before anything reads or changes it. Callers hold s.mu.
func (s *Session) resolve() {
	if s.st.load == unverified {
		s.identify(time.Now())
	}
}

// Request returns the request carrying the session in its context.
func (x *exchange) Request() *http.Request { return x.req }

// Writer returns the commit-once writer the handler must write through.
func (x *exchange) Writer() http.ResponseWriter {
	if x.role == nested {
		return x.w
	}
	return (*commitWriter)(x)
}

// Commit commits the session, if no writer of this session has yet, and
// reports whether the handler's output may go through.
func (x *exchange) Commit() bool {
	switch {
	case x.role == nested || x.out == passing:
		return true
	case x.out == replaced:
		return false
	}
	if err := x.s.seal(); err != nil {
		x.out = replaced
		x.fail(x.w, err)
		return false
	}
	x.out = passing
	return true
}

// HeadersSent records that the headers went out around the middleware, as
// when a framework writes the response itself.
func (x *exchange) HeadersSent() {
	if x.role == nested || x.out != pending {
		return
	}
	x.s.mu.Lock()
	if x.s.st.phase == open {
		x.s.st.phase = sealed
	}
	x.s.mu.Unlock()
	x.out = passing
}

// Finish completes the session after the handler returns. If nothing was
// written it commits now and, on failure, the error handler writes the
// response. If the headers were already sent, it persists later changes
// and reports what could not be persisted to the error handler, with a
// writer that discards output and an error wrapping ErrHeadersSent.
func (x *exchange) Finish() {
	if x.role == nested || x.out == replaced {
		return
	}
	if x.out == pending && !x.s.isSealed() {
		x.Commit()
		return
	}
	x.out = passing
	if err := x.s.finishLate(); err != nil {
		if !errors.Is(err, ErrHeadersSent) {
			err = fmt.Errorf("%w: %w", ErrHeadersSent, err)
		}
		x.fail(discard{}, err)
	}
}

// Abandon marks the session as not to be committed, because its handler
// panicked.
func (x *exchange) Abandon() {
	// A nested exchange abandons the shared session too: a recovery
	// middleware between the two installs must not get the panicking
	// handler's changes committed by the outer one.
	x.s.mu.Lock()
	x.s.st.phase = abandoned
	x.s.mu.Unlock()
}

// fail logs err once through the manager's Logger and lets the error
// handler answer, on to. Before the headers are sent, the headers
// describing the handler's body go first: a compressor, say, may already
// have announced an encoding the error response will not have.
func (x *exchange) fail(to http.ResponseWriter, err error) {
	x.s.m.logSessionError(x.req.Context(), logEventCommitFailed, err, x.req, false)
	if to == x.w {
		dropBodyHeaders(x.w.Header())
	}
	x.onError(to, x.req, err)
}

// seal runs the commit that precedes the headers, once per session.
func (s *Session) seal() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.phase != open {
		return nil // sealed by another writer, or abandoned
	}
	now := time.Now()
	err := s.commit(s.req.Context(), now, detached)
	if err != nil {
		s.st.phase = abandoned
		return err
	}
	if s.st.load == failed {
		// The handler took the load failure on (Err or Load) and answered
		// for it; the operator still hears of the store failure, once.
		s.m.logSessionError(s.req.Context(), logEventLoadFailed, s.st.loadErr, s.req, true)
	}
	s.flushCookie(now)
	if s.st.used == used && !s.m.cfg.AllowSharedCaching {
		s.markPersonal()
	}
	s.st.phase = sealed
	return nil
}

func (s *Session) isSealed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.phase != open
}

// finishLate persists changes made after the headers went out.
func (s *Session) finishLate() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commit(s.req.Context(), time.Now(), detached)
}

// dropBodyHeaders removes the headers that describe the handler's body
// before an error response takes its place.
func dropBodyHeaders(h http.Header) {
	h.Del("Content-Type")
	h.Del("Content-Length")
	h.Del("Content-Encoding")
}

func isHeadersSent(err error) bool { return errors.Is(err, ErrHeadersSent) }
