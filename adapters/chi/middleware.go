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
// middleware.WrapResponseWriter work on either side of it.
//
// A commit failure before the headers becomes the manager's
// Config.ErrorHandler response (by default a generic 500) and the handler's
// later output is discarded. If the handler panics, the session is not
// committed.
//
// It is mgr.Handler under chi's naming. Middleware panics if mgr is nil, at
// construction, as chi's own middleware do for impossible configuration.
func Middleware(mgr *core.Manager) func(http.Handler) http.Handler {
	if mgr == nil {
		panic("chisession: Middleware: nil *core.Manager; pass the manager returned by core.New")
	}
	return mgr.Handler
}
