package core

import (
	"context"
	"fmt"
	"net/http"
)

// contextKey is a pointer type so keys are unique per manager, never collide
// with another package's and fit in an interface without allocating.
type contextKey struct{ name string }

var anySessionKey = &contextKey{"sessionkit"}

// FromContext returns the session that the innermost session middleware
// bound to ctx. With several managers in one app, use Manager.FromContext to
// pick one. It never returns nil: without a middleware (or with a nil ctx),
// the returned session's operations fail with ErrNoSession.
func FromContext(ctx context.Context) *Session {
	if s, ok := bound(ctx); ok {
		return s
	}
	return unavailable(ErrNoSession)
}

// FromRequest is FromContext(r.Context()).
func FromRequest(r *http.Request) *Session {
	if r == nil {
		return unavailable(ErrNoSession)
	}
	return FromContext(r.Context())
}

// FromContext returns the session this manager bound to ctx. It never
// returns nil: without this manager's middleware, the returned session's
// operations fail with an error wrapping ErrNoSession.
func (m *Manager) FromContext(ctx context.Context) *Session {
	if s, ok := m.bound(ctx); ok {
		return s
	}
	return unavailable(fmt.Errorf("%w (cookie %q)", ErrNoSession, m.cfg.Cookie.Name))
}

func bound(ctx context.Context) (*Session, bool) {
	if ctx == nil {
		return nil, false
	}
	s, ok := ctx.Value(anySessionKey).(*Session)
	return s, ok
}

func (m *Manager) bound(ctx context.Context) (*Session, bool) {
	if ctx == nil {
		return nil, false
	}
	s, ok := ctx.Value(m.ctxKey).(*Session)
	return s, ok
}
