package core

import (
	"context"
	"errors"
	"maps"
	"time"
)

// layer is the manager's one view of its store, normalised once by New:
// every call bounded by StoreTimeout, and Patch and Touch always present,
// either the store's own or emulated through Load and Save.
type layer struct {
	s       Store
	caps    Capabilities
	timeout time.Duration
	patcher Patcher
	toucher Toucher
	popper  Popper // nil: Key.Pop is atomic within the request only
}

func newLayer(s Store, timeout time.Duration) (*layer, error) {
	caps := CapabilitiesOf(s)
	if err := checkDeclared(s, caps); err != nil {
		return nil, err
	}
	l := &layer{s: s, caps: caps, timeout: timeout}
	if caps.Has(CanPatch) {
		l.patcher = s.(Patcher)
	}
	if caps.Has(CanTouch) {
		l.toucher = s.(Toucher)
	}
	if caps.Has(CanPop) {
		l.popper = s.(Popper)
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
	ctx, cancel := l.bound(ctx)
	defer cancel()
	return l.s.Load(ctx, key)
}

func (l *layer) Save(ctx context.Context, key string, rec Record) error {
	ctx, cancel := l.bound(ctx)
	defer cancel()
	return l.s.Save(ctx, key, rec)
}

func (l *layer) Delete(ctx context.Context, key string) error {
	ctx, cancel := l.bound(ctx)
	defer cancel()
	return l.s.Delete(ctx, key)
}

// Patch applies p atomically when the store can; otherwise it applies only
// p's changes to the freshest record (read-modify-write), which narrows,
// but does not close, the window in which a concurrent request's changes
// are lost.
func (l *layer) Patch(ctx context.Context, key string, p Patch) (bool, error) {
	ctx, cancel := l.bound(ctx)
	defer cancel()
	if l.patcher != nil {
		return l.patcher.Patch(ctx, key, p)
	}
	return emulatePatch(ctx, l.s, key, p)
}

// Touch moves the expiry natively when the store can, otherwise through
// Load and Save.
func (l *layer) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	ctx, cancel := l.bound(ctx)
	defer cancel()
	if l.toucher != nil {
		return l.toucher.Touch(ctx, key, expiry)
	}
	return emulatePatch(ctx, l.s, key, Patch{Expiry: expiry})
}

// Pop removes one value natively; callers check l.popper first.
func (l *layer) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	ctx, cancel := l.bound(ctx)
	defer cancel()
	return l.popper.Pop(ctx, key, name)
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
	return true, s.Save(ctx, key, Record{Values: vals, Expiry: p.Expiry})
}

// errUnsupported is returned by a StoreWrapper method whose capability the
// wrapped store lacks.
var errUnsupported = errors.ErrUnsupported
