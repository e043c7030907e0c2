package core

import (
	"errors"
	"fmt"
	"time"
)

// writeOp is the one write a commit makes besides retiring old records.
type writeOp uint8

const (
	opNone  writeOp = iota
	opTouch         // move the idle deadline
	opSave          // write the whole record (a new or regenerated session)
	opPatch         // write the changed keys
)

// plan is what one commit does, decided from the session's state and the
// clock alone. apply carries it out; settle folds the outcome back into
// the state.
type plan struct {
	// retired lists records Regenerate and Destroy left behind, deleted
	// before everything else (retireFirst) or after op (retireAfterSave).
	retired []string
	order   retirement

	// refuse, when set, is the commit's result: nothing but a logout's
	// retirements is carried out.
	refuse error

	op     writeOp
	key    string
	expiry time.Time
	values map[string][]byte // opSave
	owner  Owner             // opSave: the binding saved with the record
	bind   bool              // opSave: the binding is new, so the owner's cap applies
	// verify (opSave): the key of the bound record this save replaces,
	// loaded by the request; the save goes ahead only if it still
	// exists, so a session revoked while the request ran stays revoked.
	verify string
	saves  EventKind // opSave: EventCreated, EventRegenerated or EventSaved alone
	patch  Patch     // opPatch
	// bestEffort: a failing opTouch is logged, not returned. A throttled
	// touch must not take down every page during a store outage.
	bestEffort bool
	// makeRoom: if opSave finds the store full, delete the retired
	// records first and try once more, so a full store does not lock a
	// user out at login.
	makeRoom bool
	// throttled: with idle expiry, this request's first commit of an
	// unmodified session skips the touch (not due, or paused).
	throttled bool

	// cookie is sent once the store is updated; an opTouch that wrote
	// sends one too.
	cookie cookieAction
	// lost, set once the headers are sent, is reported after the store is
	// updated: a cookie change the client can no longer get.
	lost error
}

// plan decides what the commit does. touchPaused says whether throttled
// touches are paused after a recent failure.
func (st *state) plan(cfg *Config, now time.Time, touchPaused bool) plan {
	p := plan{retired: st.retired, order: st.retire, refuse: st.refusal()}
	if p.refuse != nil || st.load == failed {
		// A failed load the handler owns: nothing can be committed.
		return p
	}
	switch {
	case st.load == foreign:
		// An Express session a handler never used: nothing moves yet.
	case (st.load == unloaded || st.load == stored) && !st.changes.dirty():
		st.planTouch(&p, cfg, now, touchPaused)
	case st.load == fresh || st.changes.regenerated || st.resave():
		st.planSave(&p, cfg, now)
	default:
		// A stored session's changes, or, unloaded, the keys a handler
		// set without reading it: a blind patch (see Key.Set).
		p.op, p.key, p.expiry = opPatch, st.key, st.expiry(cfg, now)
		p.patch = st.patch(p.expiry)
		p.cookie = st.rewriteCookie(cfg, now)
	}
	if p.refuse == nil && st.phase == sealed {
		st.planSealed(&p)
	}
	return p
}

// planSealed adjusts p for a commit after the headers went out: no cookie
// can be sent, and a cookie change the client needed is reported.
func (st *state) planSealed(p *plan) {
	if (p.cookie == cookieIssue && st.changes.meta) || st.cookie == cookieClear {
		p.lost = fmt.Errorf("%w: the store was updated, but the cookie change (RememberMe, SetLifetime or Destroy) cannot reach the client", ErrHeadersSent)
	}
	p.cookie = cookieKeep
}

// refusal is the error that stops a commit before any write: a sticky
// error the handler did not take on, or a Regenerate too late to send its
// cookie.
func (st *state) refusal() error {
	switch {
	case st.fault.err != nil && !st.fault.owned:
		return st.fault.err
	case st.phase == sealed && st.changes.regenerated:
		return fmt.Errorf("%w: Regenerate after the response headers were sent; the session keeps its old ID", ErrHeadersSent)
	}
	return nil
}

// rewriteCookie is the cookie action of a commit that rewrites a stored
// session under its ID: a cookie only when the token must change.
func (st *state) rewriteCookie(cfg *Config, now time.Time) cookieAction {
	if st.touchDue(cfg, now) || st.client == clientStale || st.changes.meta || cfg.Rolling {
		return cookieIssue
	}
	return cookieKeep
}

// planSave plans the commit of the whole record: a new or regenerated
// session, with a fresh cookie, or a stored one whose owner binding must
// be rewritten (see resave), under its ID.
func (st *state) planSave(p *plan, cfg *Config, now time.Time) {
	newID := st.load == fresh || st.changes.regenerated
	switch {
	case !st.changes.dirty() && !cfg.SaveUninitialized:
		return
	case st.phase == sealed && newID:
		p.refuse = fmt.Errorf("%w: a new session was modified; its cookie cannot be sent, so the change was not saved", ErrHeadersSent)
		return
	}
	p.op, p.key, p.expiry, p.values = opSave, st.key, st.expiry(cfg, now), st.values
	if st.owner.Bound() {
		p.owner = st.owner
		p.owner.Created, p.owner.Ends, p.owner.Seen = st.ident.created, st.absolute(cfg), now
		p.bind = st.changes.rebound() && cfg.Owners.MaxSessions > 0
	}
	p.verify = st.replaced()
	switch {
	case st.load == fresh:
		p.saves = EventCreated
	case st.changes.regenerated:
		p.saves = EventRegenerated
	}
	p.makeRoom = st.changes.regenerated && len(st.retired) > 0
	p.cookie = cookieIssue
	if !newID {
		p.cookie = st.rewriteCookie(cfg, now)
	}
}

// replaced returns the key of the stored record a whole save replaces
// when that record, as loaded, was bound to an owner: one a revocation
// may have deleted since. "" otherwise.
func (st *state) replaced() string {
	loaded := st.owner
	if st.changes.ownerUndo != nil {
		loaded = *st.changes.ownerUndo
	}
	switch {
	case st.load != stored || !loaded.Bound():
		return ""
	case st.changes.undo != nil:
		return st.changes.undo.key
	}
	return st.key
}

// planTouch plans the commit of an unmodified session: at most an idle
// touch, and a cookie when the token must be re-signed or rolled.
func (st *state) planTouch(p *plan, cfg *Config, now time.Time, paused bool) {
	if st.touchDue(cfg, now) && (st.touch == touchForced || !paused) {
		p.op, p.key, p.expiry = opTouch, st.key, st.expiry(cfg, now)
		p.bestEffort = st.touch != touchForced
	} else if cfg.touches() && st.touch == touchThrottled {
		p.throttled = true
	}
	if st.client == clientStale || cfg.Rolling {
		p.cookie = cookieIssue
	}
}

// patch collects the changed keys, with the record's new expiry.
func (st *state) patch(expiry time.Time) Patch {
	p := Patch{Set: make(map[string][]byte, len(st.changes.set)), Expiry: expiry}
	for k := range st.changes.set {
		p.Set[k] = st.values[k]
	}
	if len(st.changes.del) > 0 {
		p.Delete = make([]string, 0, len(st.changes.del))
		for k := range st.changes.del {
			p.Delete = append(p.Delete, k)
		}
	}
	return p
}

// touchesStore reports whether carrying p out calls the store.
func (p *plan) touchesStore() bool {
	return p.op != opNone || len(p.retired) > 0
}

// needsID reports whether the commit will save a session that has no ID
// yet.
func (st *state) needsID(cfg *Config) bool {
	return st.ident.id == "" && st.load == fresh && st.phase == open &&
		(st.changes.dirty() || cfg.SaveUninitialized)
}

// outcome is what apply did.
type outcome struct {
	err     error
	found   bool // the record existed; for a save, the one it replaces (see plan.verify)
	written bool // the store now holds plan.expiry
	retired int  // how many of plan.retired are gone
}

// notice is something settle wants logged.
type notice uint8

const (
	noticeNone        notice = iota
	noticeTouchFailed        // a best-effort touch failed
	noticeEnded              // the record vanished before a patch
)

// settle folds the outcome of p into the state and returns the commit's
// result.
func (st *state) settle(p *plan, res outcome, now time.Time) (notice, error) {
	st.retiredDone(res.retired)
	n, res := st.settleTouch(p, res)
	switch {
	case res.err != nil && p.op == opSave && res.written:
		st.owner, st.changes.ownerUndo = p.owner, nil
		st.savedButNotRetired()
		return n, res.err
	case res.err != nil:
		st.refused(res.err)
		return n, res.err
	case p.op != opNone && !res.found:
		if p.op != opTouch {
			n = noticeEnded
		}
		st.startFresh(now)
		return n, p.lost
	}
	st.changes.meta, st.changes.regenerated, st.changes.undo, st.changes.metaUndo = false, false, nil, nil
	st.changes.ownerUndo = nil
	clear(st.changes.set)
	clear(st.changes.del)
	switch {
	case p.op == opSave:
		st.load, st.owner = stored, p.owner
	case st.load == unloaded:
		// A blind patch: what it wrote is the store's now, and the next
		// read loads the record afresh.
		st.values, st.owned, st.size = nil, false, 0
	}
	if st.phase == sealed {
		st.cookie = cookieKeep // the headers are gone
		return n, p.lost
	}
	if p.cookie == cookieIssue || (p.op == opTouch && res.written) {
		if res.written {
			st.ident.touched = now
		}
		st.client, st.cookie = clientCurrent, cookieIssue
	}
	return n, nil
}

// refused drops a binding the owner's cap refused (RefuseNew), so the
// session stays as it was before SetOwner: a handler that takes the
// error from Save and answers for itself commits the rest of the
// session, not the same refusal again.
func (st *state) refused(err error) {
	if u := st.changes.ownerUndo; u != nil && errors.Is(err, ErrTooManySessions) {
		st.owner, st.changes.ownerUndo = *u, nil
	}
}

// savedButNotRetired settles a save that wrote the record while deleting
// the one it replaces failed: the session is the saved one from now on,
// its cookie goes out if the headers still can, and a later Destroy
// deletes it.
func (st *state) savedButNotRetired() {
	st.load, st.changes.regenerated, st.changes.undo = stored, false, nil
	if st.phase != sealed {
		st.client, st.cookie = clientCurrent, cookieIssue
	}
}

// retiredDone drops the first n retired records, which are gone.
func (st *state) retiredDone(n int) {
	st.retired = st.retired[n:]
	if len(st.retired) == 0 {
		st.retired, st.retire = nil, retireAfterSave
	}
}

// settleTouch records that a touch ran, or was skipped, and turns the
// failure of a best-effort one into a notice: the record keeps its old
// expiry.
func (st *state) settleTouch(p *plan, res outcome) (notice, outcome) {
	// Once a commit skipped its touch or wrote the record, later commits
	// of the request have no throttled touch to report.
	if st.touch == touchThrottled && (p.throttled || (res.written && p.op != opTouch)) {
		st.touch = touchSkipped
	}
	if p.op != opTouch {
		return noticeNone, res
	}
	st.touch = touchAttempted
	if res.err != nil && p.bestEffort && p.refuse == nil {
		return noticeTouchFailed, outcome{found: true, retired: res.retired}
	}
	return noticeNone, res
}
