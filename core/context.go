package core

import (
	"context"
	"net/http"
)

// contextKey is a pointer type so keys are unique per manager, never collide
// with another package's and fit in an interface without allocating.
type contextKey struct{ name string }

var anySessionKey = &contextKey{"sessionkit"}

// FromContext returns the session that the innermost session middleware
// bound to ctx, or nil if there is none. With several managers in one app,
// use Manager.FromContext to pick one.
func FromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(anySessionKey).(*Session)
	return s
}

// FromRequest is FromContext(r.Context()).
func FromRequest(r *http.Request) *Session {
	return FromContext(r.Context())
}

// FromContext returns the session this manager bound to ctx, or nil.
func (m *Manager) FromContext(ctx context.Context) *Session {
	s, _ := ctx.Value(m.ctxKey).(*Session)
	return s
}
