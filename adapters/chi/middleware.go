package chisession

import (
	"net/http"

	"github.com/sessionkit/sessionkit/core"
)

// Middleware binds a session from mgr to each request and commits it just
// before the response headers are written: on the first WriteHeader with a
// final status, Write, Flush, ReadFrom or Hijack, or after the handler
// returns if it wrote nothing. The wrapped writer keeps http.Flusher,
// http.Hijacker, io.ReaderFrom and http.Pusher, and unwraps for
// http.ResponseController, so chi's middleware.Compress and
// middleware.WrapResponseWriter work on either side of it, as does
// middleware.Timeout: the commit does not inherit the request's
// cancellation (StoreTimeout bounds it), so a handler that ran out of time
// still has its changes saved.
//
// A commit failure before the headers is logged once through the manager's
// Config.Logger and answered by its Config.ErrorHandler (by default a
// generic 500); the handler's later output is discarded. Installed twice
// for one manager (r.Use, then again in r.Group or r.With), the inner one
// passes through. If the handler panics, the session is not committed:
// install middleware.Recoverer before this middleware.
//
// It is mgr.Handler under chi's naming. Middleware panics if mgr is nil, at
// construction, as chi's own middleware do for impossible configuration.
func Middleware(mgr *core.Manager) func(http.Handler) http.Handler {
	if mgr == nil {
		panic("chisession: Middleware: nil *core.Manager; pass the manager returned by core.New")
	}
	return mgr.Handler
}
