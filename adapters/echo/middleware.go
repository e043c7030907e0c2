package echosession

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
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
// cookie too. It wraps Response.Writer, since Response.Flush and Hijack skip
// Before hooks. Handlers read the session with Get, or GetFor.
//
// A session failure is logged once through the manager's Config.Logger and
// returned as a generic 500 *echo.HTTPError whose Internal is the cause
// (joined with the handler's own error, if another): the store's text never
// reaches the client outside Debug mode. If the commit fails as the handler
// writes, its output is discarded and Echo writes the 500 afresh. A change
// after the headers that cannot be persisted wraps core.ErrHeadersSent.
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
		return func(c echo.Context) error {
			if cfg.Skipper(c) {
				return next(c)
			}
			res := c.Response()
			orig := res.Writer
			var failed, err error
			onError := func(_ http.ResponseWriter, _ *http.Request, e error) { failed = e }
			x := adapterkit.Begin(cfg.Manager, orig, c.Request(), adapterkit.Options{OnError: onError})
			c.SetRequest(x.Request())
			res.Writer = x.Writer()
			defer func() { res.Writer = orig }()
			x.Run(func() { err = next(c) })
			if failed == nil {
				return err
			}
			if !errors.Is(failed, core.ErrHeadersSent) {
				// Nothing reached the client: Echo writes the 500 afresh.
				res.Committed, res.Status, res.Size = false, http.StatusOK, 0
				for _, h := range []string{echo.HeaderContentType, echo.HeaderContentLength, echo.HeaderContentEncoding} {
					res.Header().Del(h)
				}
			}
			return echo.NewHTTPError(http.StatusInternalServerError).SetInternal(cause(failed, err))
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
