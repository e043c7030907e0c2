package core

import (
	"net/http"

	"github.com/sessionkit/sessionkit/core/internal/bridge"
)

// Handler is the net/http middleware: it binds a session to each request
// and commits it just before the response headers are written, so a failed
// save can still become an error response and a redirect never races the
// save. A handler that writes nothing still gets its cookie. If the handler
// panics, the session is not committed. Installing the same manager's
// middleware twice (globally and on a route group, say) is harmless: the
// inner one reuses the outer one's session.
//
// A failure is logged once through Config.Logger and answered by
// Config.ErrorHandler (a generic 500 by default).
//
// Handlers read the session with FromRequest, FromContext or
// Manager.FromContext. Install recovery middleware outside (before) this
// one, so a recovered panic is seen here as a panic.
func (m *Manager) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := m.begin(w, r, bridge.Options{})
		bridge.Run(x, func() { next.ServeHTTP(x.Writer(), x.req) })
	})
}
