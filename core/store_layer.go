package core

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
)

// layer is the manager's one view of its store, normalised once by New:
// every call bounded by StoreTimeout, timed for the Observer, its error
// marked with the operation for the log, and Patch and Touch always
// present, either the store's own or emulated through Load and Save.
type layer struct {
	s       Store
	caps    Capabilities
	timeout time.Duration
	patcher Patcher
	toucher Toucher
	popper  Popper // nil: Key.Pop is atomic within the request only
	owners  OwnerIndex
	ranger  Iterator // for owner listings without an OwnerIndex
	obs     Observer // nil: no events, and no clock read around calls
	kind    string   // the store's kind, for events and logs
}

func newLayer(s Store, timeout time.Duration, obs Observer) (*layer, error) {
	caps := CapabilitiesOf(s)
	if err := checkDeclared(s, caps); err != nil {
		return nil, err
	}
	l := &layer{s: s, caps: caps, timeout: timeout, obs: obs, kind: storeKind(s)}
	if _, inProcess := s.(*MemoryStore); inProcess {
		// Its calls never wait on I/O, so a deadline would bound nothing
		// and cost a timer and four allocations per call.
		l.timeout = -1
	}
	if caps.Has(CanPatch) {
		l.patcher = s.(Patcher)
	}
	if caps.Has(CanTouch) {
		l.toucher = s.(Toucher)
	}
	if caps.Has(CanPop) {
		l.popper = s.(Popper)
	}
	if caps.Has(CanIndexOwners) {
		l.owners = s.(OwnerIndex)
	}
	if caps.Has(CanIterate) {
		l.ranger = s.(Iterator)
	}
	return l, nil
}

// bound limits one store call to the StoreTimeout.
func (l *layer) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if l.timeout < 0 {
		return ctx, func() {}
	}
	// A request deadline that comes first already bounds the call, and a
	// derived context would cost four allocations.
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= l.timeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, l.timeout)
}

func (l *layer) Load(ctx context.Context, key string) (Record, bool, error) {
	bctx, cancel := l.bound(ctx)
	defer cancel()
	start := l.clock()
	rec, found, err := l.s.Load(bctx, key)
	return rec, found, l.done(ctx, StoreLoad, start, found, err)
}

func (l *layer) Save(ctx context.Context, key string, rec Record) error {
	bctx, cancel := l.bound(ctx)
	defer cancel()
	start := l.clock()
	return l.done(ctx, StoreSave, start, true, l.s.Save(bctx, key, rec))
}

func (l *layer) Delete(ctx context.Context, key string) error {
	bctx, cancel := l.bound(ctx)
	defer cancel()
	start := l.clock()
	return l.done(ctx, StoreDelete, start, true, l.s.Delete(bctx, key))
}

// Patch applies p atomically when the store can; otherwise it applies only
// p's changes to the freshest record (read-modify-write), which narrows,
// but does not close, the window in which a concurrent request's changes
// are lost.
func (l *layer) Patch(ctx context.Context, key string, p Patch) (bool, error) {
	bctx, cancel := l.bound(ctx)
	defer cancel()
	start := l.clock()
	var found bool
	var err error
	if l.patcher != nil {
		found, err = l.patcher.Patch(bctx, key, p)
	} else {
		found, err = emulatePatch(bctx, l.s, key, p)
	}
	return found, l.done(ctx, StorePatch, start, found, err)
}

// Touch moves the expiry natively when the store can, otherwise through
// Load and Save.
func (l *layer) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	bctx, cancel := l.bound(ctx)
	defer cancel()
	start := l.clock()
	var found bool
	var err error
	if l.toucher != nil {
		found, err = l.toucher.Touch(bctx, key, expiry)
	} else {
		found, err = emulatePatch(bctx, l.s, key, Patch{Expiry: expiry})
	}
	return found, l.done(ctx, StoreTouch, start, found, err)
}

// Pop removes one value natively; callers check l.popper first.
func (l *layer) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	bctx, cancel := l.bound(ctx)
	defer cancel()
	start := l.clock()
	v, found, err := l.popper.Pop(bctx, key, name)
	return v, found, l.done(ctx, StorePop, start, found, err)
}

// Owned lists owner's live records through the store's OwnerIndex or,
// without one, a scan of every record with Range, all within one
// StoreTimeout.
func (l *layer) Owned(ctx context.Context, owner string) ([]OwnedRecord, error) {
	if l.owners == nil && l.ranger == nil {
		return nil, fmt.Errorf("%w: %s implements neither core.OwnerIndex nor core.Iterator", ErrNoOwnerIndex, l.kind)
	}
	bctx, cancel := l.bound(ctx)
	defer cancel()
	start := l.clock()
	var recs []OwnedRecord
	var err error
	if l.owners != nil {
		recs, err = l.owners.Owned(bctx, owner)
	} else {
		recs, err = scanOwned(bctx, l.ranger, owner)
	}
	return recs, l.done(ctx, StoreOwned, start, true, err)
}

// scanOwned finds owner's live records by visiting every record.
func scanOwned(ctx context.Context, it Iterator, owner string) ([]OwnedRecord, error) {
	var recs []OwnedRecord
	now := time.Now()
	err := it.Range(ctx, func(key string, rec Record) bool {
		if rec.Owner.ID == owner && (rec.Expiry.IsZero() || now.Before(rec.Expiry)) {
			recs = append(recs, OwnedRecord{Key: key, Expiry: rec.Expiry, Owner: rec.Owner})
		}
		return true
	})
	return recs, err
}

// clock reads the time a store call starts, only for an observer.
func (l *layer) clock() time.Time {
	if l.obs == nil {
		return time.Time{}
	}
	return time.Now()
}

// done reports a store call that returned to the observer, if any, and
// returns its error marked with the operation.
func (l *layer) done(ctx context.Context, op StoreOp, start time.Time, found bool, err error) error {
	if l.obs != nil {
		l.emit(ctx, Event{Kind: EventStoreOp, Op: op, Outcome: outcomeOf(found, err), Start: start, Duration: time.Since(start), Err: err})
	}
	if err == nil {
		return nil
	}
	return &storeError{op: op, err: err}
}

func outcomeOf(found bool, err error) Outcome {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return OutcomeTimeout
	case err != nil:
		return OutcomeError
	case !found:
		return OutcomeNotFound
	}
	return OutcomeOK
}

// storeError marks a store's error with the operation that returned it,
// for the log's operation attribute. It is transparent: its text is the
// store's, and errors.Is and errors.As see through it.
type storeError struct {
	op  StoreOp
	err error
}

func (e *storeError) Error() string { return e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

// storeKind names the store's type without its package path or pointer
// star, through any Unwrap of store middleware: "core.MemoryStore".
func storeKind(s Store) string {
	for {
		u, ok := s.(interface{ Unwrap() Store })
		if !ok || u.Unwrap() == nil {
			break
		}
		s = u.Unwrap()
	}
	return strings.TrimLeft(fmt.Sprintf("%T", s), "*")
}

// emulatePatch is the read-modify-write fallback for stores without a
// native Patch or Touch.
func emulatePatch(ctx context.Context, s Store, key string, p Patch) (bool, error) {
	rec, found, err := s.Load(ctx, key)
	if err != nil || !found {
		return false, err
	}
	vals := maps.Clone(rec.Values)
	if vals == nil {
		vals = map[string][]byte{}
	}
	maps.Copy(vals, p.Set)
	for _, k := range p.Delete {
		delete(vals, k)
	}
	owner := rec.Owner
	if owner.Bound() {
		owner.Seen = time.Now()
	}
	return true, s.Save(ctx, key, Record{Values: vals, Expiry: p.Expiry, Owner: owner})
}

// errUnsupported is returned by a StoreWrapper method whose capability the
// wrapped store lacks.
var errUnsupported = errors.ErrUnsupported
