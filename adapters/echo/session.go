package echosession

import (
	"fmt"

	"github.com/labstack/echo/v4"
	"github.com/sessionkit/sessionkit/core"
)

var errNoSession = fmt.Errorf("echosession: no session on this echo.Context; add e.Use(echosession.Middleware(mgr)) before the route: %w", core.ErrNoSession)

// Get returns the session the innermost middleware bound to c. It never
// returns nil: without the middleware (or for a skipped request), the
// session's operations fail with an error wrapping core.ErrNoSession that
// says how to install it.
func Get(c echo.Context) *core.Session {
	if c != nil && c.Request() != nil {
		if s, ok := core.Bound(c.Request().Context()); ok {
			return s
		}
	}
	return core.Unavailable(errNoSession)
}

// GetFor returns the session that mgr's middleware bound to c, for apps
// that run several managers (user and admin sessions, say). It never
// returns nil: without mgr's middleware, the session's operations fail
// with an error wrapping core.ErrNoSession.
func GetFor(c echo.Context, mgr *core.Manager) *core.Session {
	if mgr == nil {
		return core.Unavailable(fmt.Errorf("echosession: GetFor: nil *core.Manager: %w", core.ErrNoSession))
	}
	if c != nil && c.Request() != nil {
		if s, ok := mgr.Bound(c.Request().Context()); ok {
			return s
		}
	}
	return core.Unavailable(fmt.Errorf("echosession: no session of %v on this echo.Context; add echosession.Middleware(mgr) for this manager before the route: %w", mgr, core.ErrNoSession))
}
