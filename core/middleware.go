package core

import "net/http"

// Handler is the net/http middleware: it binds a session to each request
// and commits it just before the response headers are written, so a failed
// save can still become an error response and a redirect never races the
// save. A handler that writes nothing still gets its cookie. If the handler
// panics, the session is not committed.
//
// Handlers read the session with FromRequest, FromContext or
// Manager.FromContext. Install recovery middleware outside (before) this
// one, so a recovered panic is seen here as a panic.
func (m *Manager) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, r := m.Begin(w, r)
		hw := s.Wrap(w, nil) // nil: report through m.cfg.ErrorHandler
		done := false
		defer func() {
			if !done {
				s.Abandon()
			}
		}()
		next.ServeHTTP(hw, r)
		done = true
		hw.Finish()
	})
}
