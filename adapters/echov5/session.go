package echosession

import (
	"context"
	"fmt"

	"github.com/labstack/echo/v5"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adapterkit"
)

var errNoSession = fmt.Errorf("echosession: no session on this *echo.Context; add e.Use(echosession.Middleware(mgr)) before the route: %w", core.ErrNoSession)

// Get returns the session the innermost middleware bound to c; never nil:
// without one (or for a skipped request), its operations fail with a
// core.ErrNoSession saying why.
func Get(c *echo.Context) *core.Session { return adapterkit.FromContext(ctx(c), nil, errNoSession) }

// GetFor returns the session that mgr's middleware bound to c, for apps
// that run several managers (user and admin sessions, say); never nil.
func GetFor(c *echo.Context, mgr *core.Manager) *core.Session {
	return adapterkit.SessionOf(ctx(c), mgr, "echosession", "*echo.Context")
}

func ctx(c *echo.Context) context.Context {
	if c == nil || c.Request() == nil {
		return nil
	}
	return c.Request().Context()
}
