// Package app is what the example programs share, so that each of
// examples/gin, examples/echo and examples/chi holds only its framework's
// routing and the session calls: configuration from the environment, store
// selection, the session keys, the HTML page and the small HTTP helpers
// behind the JSON API.
//
// A minimal program (examples/chi/main.go is this, plus its package doc):
//
//	func main() {
//		app.Main(newHandler) // newHandler(*core.Manager) http.Handler registers the routes
//	}
//
// # Environment
//
//	ADDR                  listen address (default localhost:8080)
//	SESSION_STORE         memory (default), redis or postgres
//	REDIS_URL             default redis://127.0.0.1:6379/0
//	DATABASE_URL          default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
//	SESSION_SECRET        comma-separated secrets, 32+ bytes each; the first signs
//	SESSION_IDLE_TIMEOUT  Go duration, e.g. 30m (default: no idle timeout)
//	SESSION_LIFETIME      Go duration (default 24h)
//
// # The HTTP contract every example serves
//
//	GET  /               HTML page: view count, user, flash message (shown once) and forms
//	GET  /api/views      {"views": N}; never modifies the session
//	POST /api/views      increments and returns {"views": N}
//	POST /api/login      form field user; new session ID, data kept; {"user": "..."}
//	GET  /api/me         {"user": "..."} or 401
//	POST /api/logout     destroys the session; {"ok": true}
//	POST /api/flash      form field msg; {"ok": true}
//	GET  /api/flash      {"flash": "msg"} once, then {"flash": ""}
//	PUT  /api/kv/{key}   raw body (UTF-8, at most 64 KiB) as the value; {"key": "...", "value": "..."};
//	                     a session holds at most 32 keys (MaxSessionKeys): one more is a 500
//	GET  /api/kv/{key}   {"key": "...", "value": "..."} or 404
//	GET  /api/kv         {"keys": [...]}: every key in the session, sorted
//
// Errors are {"error": "..."} with a 4xx status, or 500 with a generic
// message for session and store failures, whose text is logged once and
// never sent. The kv routes refuse the keys the other routes own (views,
// user, flash): a string stored under "views" would break GET /api/views.
// The page's plain HTML forms post to the API; a POST whose Accept header
// lists text/html (what browsers send for a form submission) is answered
// with 303 See Other to / instead of JSON, so the browser lands back on the
// page. See FromPage.
//
// # Sessions in the handlers
//
// The keys the routes share are declared once (Views, User, Flash), and
// handlers check no error per value: a failed load or save is sticky and
// the session middleware reports it when it commits, just before the
// response headers go out: it logs the failure once through
// core.Config.Logger, and a JSON 500 takes the place of the handler's
// response (written by the manager's error handler on net/http and chi, by
// the adapter on gin, and by the app's HTTPErrorHandler on Echo). Only the
// HTML page checks Session.Err, to answer for a failure in its own way.
package app
