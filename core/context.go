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
// pick one. It never returns nil: without a middleware, the returned
// session's operations fail with ErrNoSession.
func FromContext(ctx context.Context) *Session {
	if s, ok := ctx.Value(anySessionKey).(*Session); ok {
		return s
	}
	return Unavailable(ErrNoSession)
}

// FromRequest is FromContext(r.Context()).
func FromRequest(r *http.Request) *Session {
	return FromContext(r.Context())
}

// FromContext returns the session this manager bound to ctx. It never
// returns nil: without this manager's middleware, the returned session's
// operations fail with an error wrapping ErrNoSession.
func (m *Manager) FromContext(ctx context.Context) *Session {
	if s, ok := ctx.Value(m.ctxKey).(*Session); ok {
		return s
	}
	return Unavailable(fmt.Errorf("%w (cookie %q)", ErrNoSession, m.cfg.Cookie.Name))
}

// Bound returns the session that the innermost session middleware bound to
// ctx, and whether there is one. Unlike FromContext it allocates nothing
// when there is none; framework adapters use it to word their own error.
func Bound(ctx context.Context) (*Session, bool) {
	s, ok := ctx.Value(anySessionKey).(*Session)
	return s, ok
}

// Bound returns the session this manager's middleware bound to ctx, and
// whether there is one.
func (m *Manager) Bound(ctx context.Context) (*Session, bool) {
	s, ok := ctx.Value(m.ctxKey).(*Session)
	return s, ok
}
