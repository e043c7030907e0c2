package echosession

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/sessionkit/sessionkit/core"
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
// commits it just before the response headers are written: on the first
// WriteHeader, Write, Flush or Hijack, or, when the handler wrote nothing,
// as the middleware returns, so that the response Echo's HTTPErrorHandler
// renders for a returned error carries the cookie too. Handlers read the
// session with Get, or GetFor when the app runs several managers.
//
// Store errors become an *echo.HTTPError with status 500, the generic
// message "Internal Server Error" and the cause set as Internal, so Echo's
// HTTPErrorHandler and logger see them while the store's text never reaches
// the client (unless Echo runs in Debug mode, whose error handler shows
// every error). When the commit fails as the handler starts writing, the
// handler's output is discarded, and once it returns the middleware returns
// that error, so Echo's HTTPErrorHandler writes the 500 on an untouched
// response. A change made after the headers were sent that cannot be
// persisted is returned the same way, wrapping core.ErrHeadersSent: Echo's
// default error handler leaves the committed response alone, and request
// loggers such as middleware.Logger record the error.
//
// Echo's Response.Before hooks are not used for the commit: Response.Flush
// and Response.Hijack reach the underlying writer without running them, so
// the middleware wraps Response.Writer instead, for the duration of the
// handler.
//
// If the handler panics, the session is not committed. Install
// middleware.Recover before this middleware so that the panic passes
// through it. Changes made by the HTTPErrorHandler itself are not saved:
// the session has been committed by the time it runs.
//
// MiddlewareWithConfig panics if cfg.Manager is nil, at construction, as
// Echo's own middleware do for invalid configuration.
func MiddlewareWithConfig(cfg Config) echo.MiddlewareFunc {
	if cfg.Manager == nil {
		panic("echosession: Config.Manager is nil; pass the *core.Manager returned by core.New")
	}
	if cfg.Skipper == nil {
		cfg.Skipper = middleware.DefaultSkipper
	}
	mgr := cfg.Manager
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if cfg.Skipper(c) {
				return next(c)
			}
			res := c.Response()
			orig := res.Writer
			s, r := mgr.Begin(orig, c.Request())
			c.SetRequest(r)
			var failed error
			hw := s.Wrap(orig, func(_ http.ResponseWriter, err error) { failed = err })
			res.Writer = hw
			done := false
			defer func() {
				if !done {
					s.Abandon()
				}
				res.Writer = orig
			}()
			err := next(c)
			done = true
			hw.Finish()
			res.Writer = orig
			if failed == nil {
				return err
			}
			if !errors.Is(failed, core.ErrHeadersSent) {
				// Nothing reached the client: let Echo write the error
				// response afresh, without the handler's body headers.
				res.Committed, res.Status, res.Size = false, http.StatusOK, 0
				core.DropBodyHeaders(res.Header())
			}
			cause := failed
			if err != nil {
				cause = errors.Join(failed, err)
			}
			return echo.NewHTTPError(http.StatusInternalServerError).SetInternal(cause)
		}
	}
}
