package chisession

import (
	"context"
	"fmt"
	"net/http"

	"github.com/sessionkit/sessionkit/core"
)

var errNoSession = fmt.Errorf("chisession: no session in this request's context; add r.Use(chisession.Middleware(mgr)) before the route: %w", core.ErrNoSession)

// Get returns the session the innermost Middleware bound to r. It never
// returns nil: without the middleware, the session's operations fail with
// an error wrapping core.ErrNoSession that says how to install it.
func Get(r *http.Request) *core.Session {
	if r == nil {
		return core.Unavailable(errNoSession)
	}
	return FromContext(r.Context())
}

// FromContext returns the session the innermost Middleware bound to ctx,
// for code that has a context rather than the request. It never returns
// nil, as Get.
func FromContext(ctx context.Context) *core.Session {
	if ctx != nil {
		if s, ok := core.Bound(ctx); ok {
			return s
		}
	}
	return core.Unavailable(errNoSession)
}

// GetFor returns the session that mgr's Middleware bound to r, for apps
// that run several managers (user and admin sessions, say). It never
// returns nil: without mgr's middleware, the session's operations fail
// with an error wrapping core.ErrNoSession.
func GetFor(r *http.Request, mgr *core.Manager) *core.Session {
	if mgr == nil {
		return core.Unavailable(fmt.Errorf("chisession: GetFor: nil *core.Manager: %w", core.ErrNoSession))
	}
	if r != nil {
		if s, ok := mgr.Bound(r.Context()); ok {
			return s
		}
	}
	return core.Unavailable(fmt.Errorf("chisession: no session of %v in this request's context; add chisession.Middleware(mgr) for this manager before the route: %w", mgr, core.ErrNoSession))
}
