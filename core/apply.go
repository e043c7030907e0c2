package core

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// detachment says whether a commit's store calls keep the caller's
// cancellation.
type detachment uint8

const (
	// attached: a handler's Save; its context is the handler's choice.
	attached detachment = iota
	// detached: the lifecycle's commits drop the request context's
	// cancellation, so a client that disconnects, or a handler timeout,
	// does not lose the handler's changes. StoreTimeout still bounds
	// every call.
	detached
)

// commit persists the session: plan, apply, settle. Callers hold s.mu.
func (s *Session) commit(ctx context.Context, now time.Time, d detachment) error {
	switch {
	case s.st.phase == abandoned:
		return nil
	case s.st.load == unverified && s.st.touch != touchForced && s.st.fault.err == nil:
		// Never used, and the manager is lazy only when nothing else can
		// make an unused session write or send a cookie.
		return nil
	}
	s.resolve()
	if s.m.cfg.sharing() {
		s.readLifetime(ctx, d)
	}
	var err error
	if s.st.needsID(&s.m.cfg) {
		err = s.ensureID()
	}
	if err == nil {
		err = s.carryOut(ctx, now, d)
	}
	if err != nil && s.m.obs != nil {
		s.m.store.emit(ctx, Event{Kind: EventCommitFailed, Err: err})
	}
	return err
}

// carryOut plans the commit and carries it out, in the commit phase when
// it calls the store.
func (s *Session) carryOut(ctx context.Context, now time.Time, d detachment) error {
	pctx, inPhase := ctx, false
	for {
		unread, touch := s.st.load == unloaded, s.st.touch
		p := s.plan(now)
		if !inPhase && p.touchesStore() {
			pctx, inPhase = s.m.startPhase(ctx, PhaseCommit)
		}
		res := s.m.apply(applyContext(pctx, &p, d), &p)
		missed := unread && !res.found && res.err == nil
		if missed && p.op == opPatch {
			// A blind patch found no record: go on as a load would have,
			// with the next token's session or a new one holding the keys.
			s.missedBlind(pctx, now)
			continue
		}
		// An unread session's touch found no record: the token sent first
		// was stale; touch the live session a later token names, if any.
		stale := missed && p.op == opTouch
		if stale && s.m.obs != nil {
			s.m.gone(pctx, &s.st.ident, now)
		}
		n, err := s.st.settle(&p, res, now)
		s.settleMigration(pctx, &p, err)
		if stale && s.nextCandidate(pctx, now) {
			s.st.touch = touch // that touch found nothing to move
			continue
		}
		s.report(pctx, n, &p, res, now)
		if inPhase {
			s.m.phases.EndPhase(pctx, PhaseCommit, err)
		}
		return err
	}
}

// applyContext is the context p's store calls get: detached ones drop
// the request's cancellation. It is built only when a store call is made,
// so a request with nothing to commit pays nothing for it.
func applyContext(ctx context.Context, p *plan, d detachment) context.Context {
	if d == detached && p.touchesStore() {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// plan plans one commit of the session, in Express's terms in
// ExpressShare.
func (s *Session) plan(now time.Time) plan {
	sharing := s.m.cfg.sharing()
	if sharing {
		s.st.ident.created = now // Express's maxAge runs from each write
	}
	p := s.st.plan(&s.m.cfg, now, s.m.pauses.paused(s.st.key, now))
	if sharing && p.refuse == nil {
		p.refuse = s.dressExpress(&p, now)
	}
	return p
}

// missedBlind moves a session whose blind patch (see Key.Set) found no
// record to the request's next live token, or to a new session with an
// ID, keeping the keys the handler set.
func (s *Session) missedBlind(ctx context.Context, now time.Time) {
	if s.m.obs != nil {
		s.m.gone(ctx, &s.st.ident, now)
	}
	if s.nextCandidate(ctx, now) {
		return
	}
	s.st.startFreshKeepingSets(now)
	if s.st.phase == open {
		_ = s.ensureID() // a failure is kept, and refuses the commit
	}
}

// nextCandidate adopts the next verified token of the request, if any.
func (s *Session) nextCandidate(ctx context.Context, now time.Time) bool {
	id, c, pos := s.m.verify(ctx, s.req, now, s.st.candidate+1)
	if c == clientNone {
		return false
	}
	s.st.adopt(id, c, pos, s.m.codec.storeKey(id.id))
	return true
}

// report logs what settle noticed, and tells the observer what the commit
// did.
func (s *Session) report(ctx context.Context, n notice, p *plan, res outcome, now time.Time) {
	switch n {
	case noticeTouchFailed:
		// The record keeps its old expiry; this session's throttled
		// touches pause for a TouchInterval, so an outage costs one
		// timeout per interval, not one per request.
		s.m.pauses.pause(p.key, now.Add(s.m.cfg.TouchInterval))
		s.m.logWarn(ctx, "sessionkit: idle touch failed", logEventTouchFailed, res.err)
	case noticeNone:
		if p.op == opTouch && res.written {
			s.m.pauses.resume(p.key)
		}
	case noticeEnded:
		s.m.logWarn(ctx, "sessionkit: session ended by another request before this one committed; its changes were discarded", logEventSessionEnded, nil)
	}
	if s.m.obs != nil {
		s.observeCommit(ctx, p, res)
	}
}

// apply carries out p against the store.
func (m *Manager) apply(ctx context.Context, p *plan) (res outcome) {
	if p.order == retireFirst {
		if res.retired, res.err = m.retire(ctx, p.retired); res.err != nil {
			return res
		}
	}
	if p.refuse != nil {
		res.err = p.refuse
		return res
	}
	switch p.op {
	case opTouch:
		res.found, res.err = m.store.Touch(ctx, p.key, p.expiry)
		res.err = wrapSave("touch", res.err)
	case opSave:
		res.found, res.err = m.save(ctx, p, &res)
	case opPatch:
		res.found, res.err = m.store.Patch(ctx, p.key, p.patch)
		res.err = wrapSave("patch", res.err)
	}
	res.written = res.found && res.err == nil
	if res.err == nil && p.order == retireAfterSave && (p.op == opNone || res.found) {
		// A save that made room has retired some already.
		n, err := m.retire(ctx, p.retired[res.retired:])
		res.retired, res.err = res.retired+n, err
	}
	return res
}

// save writes the whole record, once admit allows it, and applies the
// owner's cap. It reports false when the record it replaces is gone.
func (m *Manager) save(ctx context.Context, p *plan, res *outcome) (bool, error) {
	if ok, err := m.admit(ctx, p); !ok || err != nil {
		return ok, err
	}
	vals := p.values
	if vals == nil {
		vals = map[string][]byte{}
	}
	rec := Record{Values: vals, Expiry: p.expiry, Owner: p.owner}
	err := m.store.Save(ctx, p.key, rec)
	if errors.Is(err, ErrStoreFull) && p.makeRoom && res.retired == 0 {
		if res.retired, err = m.retire(ctx, p.retired); err == nil {
			err = m.store.Save(ctx, p.key, rec)
		}
	}
	if err != nil {
		return false, wrapSave("save", err)
	}
	if p.bind && m.cfg.Owners.OnLimit == EvictOldest {
		m.evictOldest(ctx, p)
	}
	return true, nil
}

// admit checks what must hold before a whole save: the bound record it
// replaces still exists, so a session revoked while its request ran is
// not written back, and, with RefuseNew, the owner has room for one more
// session. It reports false, with no error, when the record is gone.
func (m *Manager) admit(ctx context.Context, p *plan) (bool, error) {
	if p.verify != "" {
		_, found, err := m.store.Load(ctx, p.verify)
		if err != nil || !found {
			return false, wrapSave("load", err)
		}
	}
	if p.bind && m.cfg.Owners.OnLimit == RefuseNew {
		return true, m.refuseOverCap(ctx, p)
	}
	return true, nil
}

// retire deletes keys in order and reports how many are gone.
func (m *Manager) retire(ctx context.Context, keys []string) (int, error) {
	for i, k := range keys {
		if err := m.store.Delete(ctx, k); err != nil {
			return i, wrapSave("delete", err)
		}
	}
	return len(keys), nil
}

func wrapSave(op string, err error) error {
	if err == nil {
		return nil
	}
	if op == "save" {
		return fmt.Errorf("%w: %w", ErrSave, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrSave, op, err)
}

// flushCookie writes the cookie the last commit decided on into the
// response header. Only the lifecycle calls it, on the handler's goroutine
// just before the headers are sent, so a Save from another goroutine never
// touches the header map, and the cache headers are set after the
// handler's own.
func (s *Session) flushCookie(now time.Time) {
	switch s.st.cookie {
	case cookieIssue:
		s.writeCookie(now)
	case cookieClear:
		s.writeExpiredCookie()
	}
	if step := s.st.mig().step; step == migrationDone || step == migrationGone {
		s.writeExpiredExpressCookie()
		s.st.x.mig = migration{}
	}
	s.st.cookie = cookieKeep
}
