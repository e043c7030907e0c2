package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"time"
)

// commit persists the session and sets its cookie. Callers hold s.mu.
//
// What is written:
//   - a new session: nothing, unless it was modified or SaveUninitialized is
//     on; then the whole record under a fresh ID.
//   - a regenerated session: the whole record, under its new ID.
//   - a modified session: a Patch of the changed keys when the store is a
//     Patcher, otherwise a read-modify-write of those keys.
//   - an unmodified session: at most a throttled Touch.
func (s *Session) commit(ctx context.Context) error {
	if s.unusable != nil {
		return s.unusable
	}
	if s.abandoned {
		return nil
	}
	if s.destroyed {
		// Destroy is a logout: it takes effect even if saving whatever
		// the handler set afterwards fails.
		if err := s.deleteOld(ctx); err != nil {
			return err
		}
	}
	if s.failed != nil {
		return s.failed
	}
	if s.loaded && s.loadErr != nil {
		if s.loadErrOwned {
			return nil // nothing can be committed; the handler has answered
		}
		return s.loadErr
	}
	if s.sealed && s.regenerated {
		return fmt.Errorf("%w: Regenerate after the response headers were sent; the session keeps its old ID", ErrHeadersSent)
	}
	now := time.Now()
	if !s.loaded && s.m.cfg.SaveUninitialized && !s.hasTok {
		if err := s.load(ctx); err != nil {
			return err
		}
	}

	issue := false // send a fresh cookie for s.id
	moved := false // the store's expiry is now s.expiry(now)
	switch {
	case !s.loaded || (!s.isNew && !s.dirty()):
		if !s.hasTok && !s.loaded {
			break
		}
		ok, touched, err := s.maybeTouch(ctx, now)
		if err != nil && s.touchNow {
			return err // the handler asked for this touch
		}
		if err != nil {
			// The throttled idle touch is best effort: failing the
			// response for it would take down every page during a store
			// outage, even pages that never use the session. The record
			// keeps its old expiry.
			s.m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "sessionkit: idle touch failed", slog.Any("error", err))
			ok, touched = true, false
		}
		if !ok {
			s.forget()
			break
		}
		moved = touched
		issue = touched || s.resign || s.dirtyMeta || s.m.cfg.Rolling
	case s.isNew || s.regenerated:
		if !s.dirty() && !s.m.cfg.SaveUninitialized {
			break
		}
		if s.sealed {
			return fmt.Errorf("%w: a new session was modified; its cookie cannot be sent, so the change was not saved", ErrHeadersSent)
		}
		if err := s.ensureID(); err != nil {
			return err
		}
		err := s.storeSave(ctx, now)
		if errors.Is(err, ErrStoreFull) && s.regenerated && len(s.oldKeys) > 0 {
			// A full store must not lock out a user at login: make room by
			// dropping the record this one replaces, then try again.
			if err = s.deleteOld(ctx); err == nil {
				err = s.storeSave(ctx, now)
			}
		}
		if err != nil {
			return err
		}
		s.isNew = false
		moved, issue = true, true
	default:
		found, err := s.storePatch(ctx, now)
		if err != nil {
			return err
		}
		if !found {
			s.m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "sessionkit: session ended by another request before this one committed; its changes were discarded")
			s.forget()
			break
		}
		moved = true
		issue = s.touchDue(now) || s.resign || s.dirtyMeta || s.m.cfg.Rolling
	}
	// A record left behind by Regenerate goes only once the new one is
	// safe, so a failed save does not also lose the old session.
	if err := s.deleteOld(ctx); err != nil {
		return err
	}
	metaChanged := s.dirtyMeta
	s.clean()
	if s.sealed {
		lost := (issue && metaChanged) || s.clearCookie
		s.clearCookie, s.pendingCookie = false, false
		if lost {
			return fmt.Errorf("%w: the store was updated, but the cookie change (RememberMe or Destroy) cannot reach the client", ErrHeadersSent)
		}
		return nil
	}
	if issue {
		if moved {
			s.touched = now
		}
		s.resign = false
		s.clearCookie = false
		s.pendingCookie = true
	}
	return nil
}

// flushCookie writes the cookie the last commit decided on into the
// response header. Only the middleware's lifecycle calls it, on the
// handler's goroutine just before the headers are sent, so a Save from
// another goroutine never touches the header map, and the cache headers
// are set after the handler's own.
func (s *Session) flushCookie() {
	switch {
	case s.pendingCookie:
		s.writeCookie(time.Now())
	case s.clearCookie:
		s.writeExpiredCookie()
	}
	s.pendingCookie, s.clearCookie = false, false
}

// deleteOld deletes the records Regenerate and Destroy left behind.
func (s *Session) deleteOld(ctx context.Context) error {
	for len(s.oldKeys) > 0 {
		if err := s.storeDelete(ctx, s.oldKeys[0]); err != nil {
			return err
		}
		s.oldKeys = s.oldKeys[1:]
	}
	s.destroyed = false
	return nil
}

// clean marks the in-memory state as committed.
func (s *Session) clean() {
	clear(s.set)
	clear(s.del)
	s.regenerated, s.dirtyMeta, s.touchNow = false, false, false
	if s.loaded && s.loadErr == nil && s.id != "" && !s.isNew {
		s.hasTok = true
	}
}

// expiry is when the session ends if it stays idle from now on.
func (s *Session) expiry(now time.Time) time.Time {
	e := s.created.Add(s.m.cfg.Lifetime)
	if it := s.m.cfg.IdleTimeout; it > 0 && now.Add(it).Before(e) {
		e = now.Add(it)
	}
	return e
}

func (s *Session) touchDue(now time.Time) bool {
	return s.touchNow || (s.m.cfg.IdleTimeout > 0 && now.Sub(s.touched) >= s.m.cfg.TouchInterval)
}

// maybeTouch moves the idle deadline of an unmodified session if it is due.
// ok is false when the session turned out not to exist.
func (s *Session) maybeTouch(ctx context.Context, now time.Time) (ok, touched bool, err error) {
	if !s.touchDue(now) {
		return true, false, nil
	}
	exp := s.expiry(now)
	ctx, cancel := s.storeContext(ctx)
	defer cancel()
	if t, isToucher := s.m.store.(Toucher); isToucher {
		found, err := t.Touch(ctx, s.key, exp)
		if err != nil {
			return false, false, fmt.Errorf("%w: touch: %w", ErrSave, err)
		}
		return found, found, nil
	}
	rec, found, err := s.m.store.Load(ctx, s.key)
	if err != nil {
		return false, false, fmt.Errorf("%w: touch: %w", ErrSave, err)
	}
	if !found {
		return false, false, nil
	}
	rec.Expiry = exp
	if err := s.m.store.Save(ctx, s.key, rec); err != nil {
		return false, false, fmt.Errorf("%w: touch: %w", ErrSave, err)
	}
	return true, true, nil
}

func (s *Session) storeSave(ctx context.Context, now time.Time) error {
	ctx, cancel := s.storeContext(ctx)
	defer cancel()
	vals := s.values
	if vals == nil {
		vals = map[string][]byte{}
	}
	if err := s.m.store.Save(ctx, s.key, Record{Values: vals, Expiry: s.expiry(now)}); err != nil {
		return fmt.Errorf("%w: %w", ErrSave, err)
	}
	return nil
}

// storePatch writes the changed keys. found is false when the record no
// longer exists.
func (s *Session) storePatch(ctx context.Context, now time.Time) (bool, error) {
	ctx, cancel := s.storeContext(ctx)
	defer cancel()
	p := Patch{Set: make(map[string][]byte, len(s.set)), Expiry: s.expiry(now)}
	for k := range s.set {
		p.Set[k] = s.values[k]
	}
	for k := range s.del {
		p.Delete = append(p.Delete, k)
	}
	if pt, ok := s.m.store.(Patcher); ok {
		found, err := pt.Patch(ctx, s.key, p)
		if err != nil {
			return false, fmt.Errorf("%w: %w", ErrSave, err)
		}
		return found, nil
	}
	// Read-modify-write: apply only this request's changes to the freshest
	// record, which narrows, but does not close, the window in which a
	// concurrent request's changes can be lost.
	rec, found, err := s.m.store.Load(ctx, s.key)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrSave, err)
	}
	if !found {
		return false, nil
	}
	vals := maps.Clone(rec.Values)
	if vals == nil {
		vals = map[string][]byte{}
	}
	maps.Copy(vals, p.Set)
	for _, k := range p.Delete {
		delete(vals, k)
	}
	if err := s.m.store.Save(ctx, s.key, Record{Values: vals, Expiry: p.Expiry}); err != nil {
		return false, fmt.Errorf("%w: %w", ErrSave, err)
	}
	return true, nil
}

func (s *Session) storeDelete(ctx context.Context, key string) error {
	ctx, cancel := s.storeContext(ctx)
	defer cancel()
	if err := s.m.store.Delete(ctx, key); err != nil {
		return fmt.Errorf("%w: delete: %w", ErrSave, err)
	}
	return nil
}

// storeContext bounds one store call made by a commit. The middleware's
// commits (Commit and Finish) drop the request context's cancellation: a
// client that disconnects, or a handler timeout, must not lose the changes
// the handler made. StoreTimeout still bounds every call. The detached
// context is built only when a store call is made, so a request with
// nothing to commit pays nothing for it.
func (s *Session) storeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.detach {
		ctx = context.WithoutCancel(ctx)
	}
	return s.m.storeContext(ctx)
}
