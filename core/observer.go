package core

import (
	"context"
	"time"
)

// Observer receives a manager's lifecycle events (see Config.Observer):
// what happened to sessions, cookies and store calls, for metrics, traces
// or audit logs. Observe is called synchronously, on the goroutine doing
// the work, possibly from several requests at once, so it must be safe for
// concurrent use and quick: a slow observer slows every request. It runs
// while the session is locked, so it must not call the Session's methods.
//
// ctx is the context of the request the event belongs to (between a
// PhaseObserver's StartPhase and EndPhase, the context StartPhase
// returned), so a tracer finds the request's span in it. Events never
// carry a session ID, a token, a cookie or a secret.
type Observer interface {
	Observe(ctx context.Context, e Event)
}

// ObserverFunc adapts a function to an Observer.
type ObserverFunc func(ctx context.Context, e Event)

// Observe calls f(ctx, e).
func (f ObserverFunc) Observe(ctx context.Context, e Event) { f(ctx, e) }

// PhaseObserver is an Observer that is also told where the two phases of a
// request that call the store begin and end: the load, on first use of a
// session with a valid token, and the commit, when it writes, touches or
// deletes a record. A tracer opens a span in StartPhase and ends it in
// EndPhase. A phase that needs no store call is not reported, so a request
// that never uses its session, or commits nothing, costs no span.
type PhaseObserver interface {
	Observer
	// StartPhase is called before the phase's first store call. The
	// context it returns (derived from ctx, or ctx itself) is passed to
	// the phase's store calls, its events and EndPhase.
	StartPhase(ctx context.Context, p Phase) context.Context
	// EndPhase is called once the phase is over, with the error the phase
	// ends with: the failed load, or the error the commit reports; nil
	// when it went well.
	EndPhase(ctx context.Context, p Phase, err error)
}

// Event is one thing that happened in a manager. Which fields are set
// depends on Kind; the others are zero. Store is always set.
type Event struct {
	// Kind says what happened.
	Kind EventKind

	// Reason says why, for EventCookieRejected and EventExpired.
	Reason Reason

	// Secret is the index in Config.Secrets of the secret that verified
	// the token, for EventVerified: 0 is the signing secret; a growing
	// count for an older index means that secret is still needed.
	Secret int

	// Op is the store operation, for EventStoreOp.
	Op StoreOp

	// Outcome is the store operation's outcome, for EventStoreOp, or the
	// touch's, for EventTouched (OutcomeWritten or OutcomeThrottled).
	Outcome Outcome

	// Start and Duration time the store operation, for EventStoreOp,
	// including StoreTimeout's bound and, for a store without a native
	// Patch or Touch, the emulating Load and Save.
	Start    time.Time
	Duration time.Duration

	// Size is the bytes of the session's keys and values after the write,
	// for EventSaved.
	Size int

	// Store is the kind of the store, such as "redisstore.Store": the
	// type of Config.Store, unwrapped through the Unwrap method of store
	// middleware built on StoreWrapper, without its package path or
	// pointer star.
	Store string

	// Err is the store's error, for a failed EventStoreOp, or the error
	// the commit reports, for EventCommitFailed. Neither carries a session
	// ID; a store's error text is the store's own.
	Err error
}

// emit sends e to the observer; callers check l.obs first, so that
// building the event costs nothing without one.
func (l *layer) emit(ctx context.Context, e Event) {
	e.Store = l.kind
	l.obs.Observe(ctx, e)
}

// startPhase opens phase p for a PhaseObserver, returning the context the
// phase runs under and whether the phase was opened.
func (m *Manager) startPhase(ctx context.Context, p Phase) (context.Context, bool) {
	if m.phases == nil {
		return ctx, false
	}
	return m.phases.StartPhase(ctx, p), true
}

// rejected reports a token the manager did not accept: why, and, for
// one that names an ended session, how it ended.
func (m *Manager) rejected(ctx context.Context, why, ended Reason) {
	if ended != 0 {
		why = ReasonExpired
	}
	m.store.emit(ctx, Event{Kind: EventCookieRejected, Reason: why})
	if ended != 0 {
		m.store.emit(ctx, Event{Kind: EventExpired, Reason: ended})
	}
}

// gone reports a verified token whose record the store does not hold:
// an expired session if its timestamps say it has ended by now, an
// unknown ID otherwise.
func (m *Manager) gone(ctx context.Context, id *identity, now time.Time) {
	var ended Reason
	switch {
	case !now.Before(id.created.Add(id.lifetimeOr(&m.cfg))):
		ended = ReasonAbsolute
	case m.cfg.IdleTimeout > 0 && !now.Before(id.touched.Add(m.cfg.IdleTimeout)):
		ended = ReasonIdle
	}
	m.rejected(ctx, ReasonUnknownID, ended)
}

// observeCommit reports what one commit did to the store. Callers check
// m.obs first.
func (s *Session) observeCommit(ctx context.Context, p *plan, res outcome) {
	l := s.m.store
	if p.order == retireFirst && len(p.retired) > 0 && res.retired == len(p.retired) {
		l.emit(ctx, Event{Kind: EventDestroyed})
	}
	switch {
	case p.throttled:
		l.emit(ctx, Event{Kind: EventTouched, Outcome: OutcomeThrottled})
	case p.op == opTouch && res.written:
		l.emit(ctx, Event{Kind: EventTouched, Outcome: OutcomeWritten})
	case p.op == opSave && res.written:
		if p.saves != 0 {
			l.emit(ctx, Event{Kind: p.saves})
		}
		l.emit(ctx, Event{Kind: EventSaved, Size: s.st.measure()})
	case p.op == opPatch && res.written:
		l.emit(ctx, Event{Kind: EventSaved, Size: s.st.measure()})
	}
}
