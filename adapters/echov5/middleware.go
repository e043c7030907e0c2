package echosession

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adapterkit"
)

// Config configures MiddlewareWithConfig.
type Config struct {
	// Manager creates, loads and commits the sessions. Required.
	Manager *core.Manager

	// Skipper selects requests that get no session; Get then reports
	// core.ErrNoSession for them. The default never skips.
	Skipper middleware.Skipper
}

// Middleware is MiddlewareWithConfig(Config{Manager: mgr}).
func Middleware(mgr *core.Manager) echo.MiddlewareFunc {
	return MiddlewareWithConfig(Config{Manager: mgr})
}

// MiddlewareWithConfig binds a session from cfg.Manager to each request and
// commits it just before the headers are written: on the first WriteHeader,
// Write, Flush or Hijack, or as the middleware returns if nothing was
// written, so the response Echo's HTTPErrorHandler renders carries the
// cookie too, as does a HEAD response whose status AutoHandleHEAD holds
// back until the handler returns. Like Echo's own middleware it wraps
// c.Response() with c.SetResponse, for the handlers and middleware inside
// it; echo.UnwrapResponse still reaches the *echo.Response through the
// wrapper. Handlers read the session with Get, or GetFor.
//
// A session failure is logged once through the manager's Config.Logger and
// returned as a generic 500 *echo.HTTPError that wraps the cause (joined
// with the handler's own error, if another): the store's text never
// reaches the client unless the app's HTTPErrorHandler exposes wrapped
// errors, as echo.DefaultHTTPErrorHandler(true) does. If the commit fails
// as the handler writes, its output is discarded and Echo writes the 500
// afresh. A change after the headers that cannot be persisted wraps
// core.ErrHeadersSent.
//
// Installed twice for one manager (e.Use and a group's), the inner one
// passes through. A panicking handler's session is not committed: install
// middleware.Recover first. It panics if cfg.Manager is nil.
func MiddlewareWithConfig(cfg Config) echo.MiddlewareFunc {
	if cfg.Manager == nil {
		panic("echosession: Config.Manager is nil; pass the *core.Manager returned by core.New")
	}
	if cfg.Skipper == nil {
		cfg.Skipper = middleware.DefaultSkipper
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			if cfg.Skipper(c) {
				return next(c)
			}
			orig := c.Response()
			var failed, err error
			onError := func(_ http.ResponseWriter, _ *http.Request, e error) { failed = e }
			x := adapterkit.Begin(cfg.Manager, orig, c.Request(), adapterkit.Options{OnError: onError})
			c.SetRequest(x.Request())
			// Wrapping the *echo.Response's own writer instead would let
			// an outer Gzip's buffered output through after a failed commit.
			c.SetResponse(x.Writer())
			defer c.SetResponse(orig) // the HTTPErrorHandler writes after this returns
			x.Run(func() { err = next(c) })
			if failed == nil {
				return err
			}
			return echo.ErrInternalServerError.Wrap(cause(failed, err))
		}
	}
}

// cause is the failure, joined with the handler's error unless that already
// carries it: the error of a Hijack that failed to commit, say, or a Save
// that met the same store failure.
func cause(failed, err error) error {
	switch {
	case err == nil || errors.Is(failed, err) || err.Error() == failed.Error():
		return failed
	case errors.Is(err, failed):
		return err
	}
	return errors.Join(failed, err)
}
