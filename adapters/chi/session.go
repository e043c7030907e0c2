package chisession

import (
	"context"
	"fmt"
	"net/http"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adapterkit"
)

var errNoSession = fmt.Errorf("chisession: no session in this request's context; add r.Use(chisession.Middleware(mgr)) before the route: %w", core.ErrNoSession)

// Get returns the session the innermost Middleware bound to r. It never
// returns nil: without the middleware, the session's operations fail with
// an error wrapping core.ErrNoSession that says how to install it.
func Get(r *http.Request) *core.Session {
	if r == nil {
		return adapterkit.Unavailable(errNoSession)
	}
	return FromContext(r.Context())
}

// FromContext returns the session the innermost Middleware bound to ctx,
// for code that has a context rather than the request. It never returns
// nil, as Get.
func FromContext(ctx context.Context) *core.Session {
	return adapterkit.FromContext(ctx, nil, errNoSession)
}

// GetFor returns the session that mgr's Middleware bound to r, for apps
// that run several managers (user and admin sessions, say). It never
// returns nil: without mgr's middleware, the session's operations fail
// with an error wrapping core.ErrNoSession.
func GetFor(r *http.Request, mgr *core.Manager) *core.Session {
	var ctx context.Context
	if r != nil {
		ctx = r.Context()
	}
	return adapterkit.SessionOf(ctx, mgr, "chisession", "request's context")
}
