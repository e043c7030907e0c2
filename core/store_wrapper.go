package core

import (
	"context"
	"fmt"
	"time"
)

// StoreWrapper is the base for store middleware (logging, tracing,
// metrics, caching) that keeps every capability of the store it wraps.
// Embed it and override the methods to intercept; the others pass through:
//
//	type traced struct{ core.StoreWrapper }
//
//	func (t traced) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
//		ctx, span := tracer.Start(ctx, "session.patch")
//		defer span.End()
//		return t.StoreWrapper.Patch(ctx, key, p)
//	}
//
//	store := traced{core.WrapStore(redisStore)}
//
// A plain struct embedding core.Store would hide Patch and Touch from the
// manager, which would then fall back to read-modify-write and lose
// atomicity. A StoreWrapper instead declares (see Declarer) exactly the
// capabilities of the store it wraps, and implements every optional
// method: one whose capability the wrapped store lacks returns an error
// wrapping errors.ErrUnsupported, and the manager never calls it. The
// conformance suite (package storetest) checks the declared capabilities,
// so a wrapper that breaks one fails it.
type StoreWrapper struct {
	next Store
	caps Capabilities
}

// WrapStore returns a StoreWrapper around next.
func WrapStore(next Store) StoreWrapper {
	return StoreWrapper{next: next, caps: CapabilitiesOf(next)}
}

// Unwrap returns the wrapped store.
func (w StoreWrapper) Unwrap() Store { return w.next }

// Capabilities implements Declarer: those of the wrapped store.
func (w StoreWrapper) Capabilities() Capabilities { return w.caps }

// Load implements Store.
func (w StoreWrapper) Load(ctx context.Context, key string) (Record, bool, error) {
	return w.next.Load(ctx, key)
}

// Save implements Store.
func (w StoreWrapper) Save(ctx context.Context, key string, rec Record) error {
	return w.next.Save(ctx, key, rec)
}

// Delete implements Store.
func (w StoreWrapper) Delete(ctx context.Context, key string) error {
	return w.next.Delete(ctx, key)
}

// Patch implements Patcher when the wrapped store does.
func (w StoreWrapper) Patch(ctx context.Context, key string, p Patch) (bool, error) {
	if pt, ok := w.next.(Patcher); ok && w.caps.Has(CanPatch) {
		return pt.Patch(ctx, key, p)
	}
	return false, w.unsupported("Patch")
}

// Touch implements Toucher when the wrapped store does.
func (w StoreWrapper) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if t, ok := w.next.(Toucher); ok && w.caps.Has(CanTouch) {
		return t.Touch(ctx, key, expiry)
	}
	return false, w.unsupported("Touch")
}

// Pop implements Popper when the wrapped store does.
func (w StoreWrapper) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	if p, ok := w.next.(Popper); ok && w.caps.Has(CanPop) {
		return p.Pop(ctx, key, name)
	}
	return nil, false, w.unsupported("Pop")
}

// Range implements Iterator when the wrapped store does.
func (w StoreWrapper) Range(ctx context.Context, fn func(key string, rec Record) bool) error {
	if it, ok := w.next.(Iterator); ok && w.caps.Has(CanIterate) {
		return it.Range(ctx, fn)
	}
	return w.unsupported("Range")
}

// Count implements Iterator when the wrapped store does.
func (w StoreWrapper) Count(ctx context.Context) (int, error) {
	if it, ok := w.next.(Iterator); ok && w.caps.Has(CanIterate) {
		return it.Count(ctx)
	}
	return 0, w.unsupported("Count")
}

// Cleanup implements Cleaner when the wrapped store does.
func (w StoreWrapper) Cleanup(ctx context.Context) (int, error) {
	if c, ok := w.next.(Cleaner); ok && w.caps.Has(CanCleanup) {
		return c.Cleanup(ctx)
	}
	return 0, w.unsupported("Cleanup")
}

// Owned implements OwnerIndex when the wrapped store does.
func (w StoreWrapper) Owned(ctx context.Context, owner string) ([]OwnedRecord, error) {
	if o, ok := w.next.(OwnerIndex); ok && w.caps.Has(CanIndexOwners) {
		return o.Owned(ctx, owner)
	}
	return nil, w.unsupported("Owned")
}

func (w StoreWrapper) unsupported(method string) error {
	return fmt.Errorf("sessionkit: %T has no %s: %w", w.next, method, errUnsupported)
}
