package ginsession

import (
	"fmt"

	"github.com/gin-gonic/gin"
	"github.com/sessionkit/sessionkit/core"
)

var errNoSession = fmt.Errorf("ginsession: no session on this *gin.Context; add r.Use(ginsession.Middleware(mgr)) before the route: %w", core.ErrNoSession)

// Get returns the session the innermost Middleware bound to c. It never
// returns nil: without the middleware, the session's operations fail with
// an error wrapping core.ErrNoSession that says how to install it.
func Get(c *gin.Context) *core.Session {
	if c != nil && c.Request != nil {
		if s, ok := core.Bound(c.Request.Context()); ok {
			return s
		}
	}
	return core.Unavailable(errNoSession)
}

// GetFor returns the session that mgr's Middleware bound to c, for apps
// that run several managers (user and admin sessions, say). It never
// returns nil: without mgr's middleware, the session's operations fail
// with an error wrapping core.ErrNoSession.
func GetFor(c *gin.Context, mgr *core.Manager) *core.Session {
	if mgr == nil {
		return core.Unavailable(fmt.Errorf("ginsession: GetFor: nil *core.Manager: %w", core.ErrNoSession))
	}
	if c != nil && c.Request != nil {
		if s, ok := mgr.Bound(c.Request.Context()); ok {
			return s
		}
	}
	return core.Unavailable(fmt.Errorf("ginsession: no session of %v on this *gin.Context; add ginsession.Middleware(mgr) for this manager before the route: %w", mgr, core.ErrNoSession))
}
