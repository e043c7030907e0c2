// Package contract is test support for the sessionkit example apps: the
// end-to-end suite that examples/chi, examples/gin, examples/echo and
// examples/echov5 each run against their own code, so that the apps stay
// identical in behaviour, and the helpers their tests share (Main,
// FailingStore, RedisURL, DatabaseURL). It is imported only by tests; no
// app links it into its binary. It lives outside any internal directory
// so that an app copied into a module of its own keeps its tests.
//
// An app's main_test.go is:
//
//	func TestMain(m *testing.M) { contract.Main(m) }
//
//	// run and testHandler (loadConfig, newMetrics, newManager, newHandler, as run
//	// does) are the app's own.
//	var app = contract.App{Run: run, NewHandler: testHandler}
//
//	func TestContract(t *testing.T) {
//		t.Parallel()
//		contract.Run(t, app)
//	}
//
//	func TestLogsEachFailureOnce(t *testing.T) { // not parallel: it replaces slog's default logger
//		contract.LogsEachFailureOnce(t, app)
//	}
//
// and, in express_test.go, the tests against a real express-session app
// (see "Sharing sessions with Express" below):
//
//	func TestExpressCompat(t *testing.T) {
//		t.Parallel()
//		contract.RunExpress(t, app)
//	}
//
// Every subtest starts its own server (httptest, a memory store, a
// cookiejar client that does not follow redirects), so subtests run in
// parallel and can count the store's records exactly.
//
// # The HTTP contract
//
//	GET  /               HTML page: view count, user, flash message (shown once), the
//	                     address the app is served on, and forms to count, log in, log
//	                     out and leave a flash message; for a logged-in user, also the
//	                     user's active sessions (see "Active sessions" below)
//	GET  /api/views      {"views": N}; never modifies the session and sets no cookie
//	POST /api/views      increments and returns {"views": N}
//	POST /api/login      form field user; new session ID, data kept, the session bound
//	                     to the user (Session.SetOwner); {"user": "..."}, or 400
//	GET  /api/me         {"user": "..."}, or 401
//	POST /api/logout     destroys the session (record deleted, cookie cleared); {"ok": true}
//	POST /api/flash      form field msg; {"ok": true}, or 400
//	GET  /api/flash      {"flash": "msg"} once, then {"flash": ""}
//	PUT  /api/kv/{key}   raw body (UTF-8, at most 64 KiB, else 413) as the value;
//	                     {"key": "...", "value": "..."}; a session holds at most 32 keys,
//	                     those of the other routes included: one more is a 500 that
//	                     changes nothing stored
//	GET  /api/kv/{key}   {"key": "...", "value": "..."}, or 404
//	GET  /api/kv         {"keys": [...]}: every key in the session, sorted
//	GET  /api/sessions   the logged-in user's live sessions, newest login first:
//	                     {"sessions": [{"id": "<handle>", "current": true,
//	                     "created": "<RFC 3339>", "last_seen": "<RFC 3339>",
//	                     "user_agent": "..."}]}; exactly one is current, the caller's.
//	                     id is core.OwnedSession.Handle, never a session ID, cookie
//	                     or store key; times are UTC, to the second
//	DELETE /api/sessions/{id}
//	                     signs out the user's session with that handle, at once, on
//	                     every instance sharing the store: its next request has no
//	                     user. {"ok": true}, or 404 "no such session" for a handle
//	                     that is not one of the caller's own sessions (another
//	                     user's included), which revokes nothing. The caller's own
//	                     handle logs the caller out, as logout does: {"ok": true}
//	                     and the cookie cleared
//	POST /api/sessions/revoke-others
//	                     signs out every other session of the user; the caller stays
//	                     logged in. {"revoked": N}, the number ended
//	POST /sessions/revoke        the page's Revoke button: form field id, a handle
//	POST /sessions/revoke-others the page's "Sign out everywhere else"
//	GET  /metrics        with SESSION_METRICS only: the session metrics in Prometheus
//	                     text (text/plain; version=0.0.4), such as
//	                     sessionkit_cookies_rejected_total{sessionkit_reason="bad_signature"};
//	                     answered before the session middleware, so it sets no cookie,
//	                     and showing no cookie or secret. Other methods: 405. Without
//	                     SESSION_METRICS it is the 404 of any unknown path
//
// Form fields are 1 to 256 bytes once trimmed and come from the body only,
// never the query string. The kv routes refuse the keys the other routes
// own (views, user, flash) and keys that are empty, longer than 256 bytes,
// not UTF-8 or hold NUL, with 400; a key may hold "/" written as %2F.
// With SESSION_COMPAT=express, PUT /api/kv/{key} also refuses a key an
// express-session record cannot hold (core.ErrReservedKey: cookie, id,
// req, the Session object's methods, Object.prototype's names), with 400
// "key \"cookie\" is reserved by express-session", storing nothing.
//
// # Errors
//
// Every error is {"error": "message"} with its status:
//
//	400  bad input: the message says which field or key, e.g. "user must be 1 to 256 bytes"
//	401  "not logged in" (GET /api/me, and the session routes: a session without
//	     a logged-in user lists and revokes nothing)
//	403  "cross-origin request refused": a POST, PUT or DELETE from another origin
//	     (Sec-Fetch-Site other than same-origin or none, or a foreign Origin),
//	     refused by http.CrossOriginProtection before the session is touched
//	404  "not found" for a path no route serves; GET /api/kv/{key} of an absent key
//	     says which ("no key \"color\" in the session")
//	405  "method not allowed", with an Allow header listing the path's methods
//	413  "value larger than 65536 bytes"
//	500  "internal server error", and nothing more, on every framework: for a
//	     session or store failure, a panicking handler, or any other
//	     unexpected error. The cause is logged once, never sent.
//
// One 400 comes from net/http itself, before any handler runs: a request
// target that is not a valid URL, such as PUT /api/kv/a%ZZb (a bad %
// escape), is answered "400 Bad Request" in plain text and the connection
// closed. No app can answer it in JSON; the suite checks that net/http
// still does this, and that every escape that parses but makes a bad key
// (%FF, %C3, %00) is the app's JSON 400.
//
// # The page and its forms
//
// The page's plain HTML forms post to the API. A POST whose Accept header
// lists text/html, as a browser's form submission does, is answered with
// 303 See Other to / on success, and on failure with the page itself, not
// JSON: a client error re-renders the page with the message (status 400
// for a blank user name, say), and a 500 renders the page's error state
// with the generic message. GET / answers a session failure the same way.
// curl and fetch send other Accept headers and get JSON.
//
// # Active sessions
//
// The page shows a logged-in user an "Active sessions" section
// (id="sessions"): one entry per session, newest login first, each naming
// the device from its User-Agent in a few words ("Firefox on Linux"; the
// full User-Agent as its title), with its sign-in and last-activity
// times (<time datetime> in RFC 3339, with a human-readable text). The
// current session is marked "This device" and has no Revoke button; every
// other has one, a form posting its handle to POST /sessions/revoke.
// "Sign out everywhere else" (POST /sessions/revoke-others) is offered
// when there is another session, and "No other device is signed in."
// said otherwise.
//
// The two /sessions routes are the page's own: whatever the Accept header,
// success is a 303 See Other to / with a flash message ("Signed out
// Chrome on Windows.", "Signed out 2 other devices.", "No other device was
// signed in.", or, for the caller's own handle, which logs the caller out,
// "You signed out this device."), and a failure re-renders the page with
// the error (401 "not logged in", 404 "no such session", 400 for a blank
// id) or its error state for a 500. Like every write they are refused
// cross-origin with 403, which is their protection against cross-site
// request forgery, with the SameSite=Lax cookie: the page has no CSRF
// tokens.
//
// A store failure, the owner index's included, is the generic 500 on
// every session route and the page. A login under SESSION_MAX_PER_USER
// still succeeds when the owner index fails: the eviction that failed is
// logged, and the user holds a session too many until their next login.
//
// # Settings
//
// The apps read their settings from the environment when they start; a
// bad value stops them with an error naming the variable and the values
// it allows.
//
//	ADDR                  listen address (default localhost:8080); :0 picks a free port,
//	                      and the page and the "listening" log line show the real one
//	SESSION_STORE         memory (default), redis or postgres
//	REDIS_URL             default redis://127.0.0.1:6379/0
//	DATABASE_URL          default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
//	SESSION_SECRET        comma-separated secrets, 32 bytes or more each; the first signs.
//	                      Unset: a random one, with a warning (sessions end with the process)
//	SESSION_COMPAT        express or express-migrate (default: unset, native sessions
//	                      only): share an express-session app's sessions (core.ExpressShare),
//	                      or move them to the app's own (core.ExpressMigrate). Either needs
//	                      SESSION_STORE redis or postgres, the Express app's store, and
//	                      SESSION_SECRET, which then holds the Express app's secrets, of
//	                      any length
//	SESSION_COOKIE_NAME   with SESSION_COMPAT: the Express app's cookie (default connect.sid)
//	SESSION_NATIVE_SECRET with express-migrate: the native sessions' secrets, as
//	                      SESSION_SECRET without SESSION_COMPAT
//	SESSION_IDLE_TIMEOUT  Go duration, e.g. 30m (default: no idle timeout); 0 or unset with
//	                      SESSION_COMPAT=express
//	SESSION_LIFETIME      Go duration (default 24h); with SESSION_COMPAT=express, the
//	                      Express app's cookie.maxAge
//	SESSION_TRUST_PROXY   true or false (default false): trust X-Forwarded-Proto
//	SESSION_SECURE        auto (default): a Secure cookie over TLS, or behind a trusted
//	                      proxy whose X-Forwarded-Proto says https; always; never
//	SESSION_METRICS       true or false (default false): serve GET /metrics, the
//	                      session metrics of package github.com/sessionkit/sessionkit/otel
//	                      through the OpenTelemetry Prometheus exporter. Off, the manager
//	                      has no Observer and no OpenTelemetry code runs
//	SESSION_MAX_PER_USER  a whole number of zero or more (default 0: no cap): the most
//	                      live sessions one user may hold (core.OwnerConfig.MaxSessions).
//	                      A login past it signs out the user's oldest sessions until
//	                      the user is within it (EvictOldest)
//
// # Sharing sessions with Express
//
// RunExpress starts a real express-session app on Node.js (the internal
// package expresstest) next to the app's own Run, on Redis and on
// PostgreSQL, with one cookie jar for both, and checks that with
// SESSION_COMPAT=express a login, a write and a logout on either app hold
// on the other, and that with express-migrate the Go app's first request
// moves an Express session to its own cookie and store and retires the
// Express one. It needs Node.js and npm besides the services.
package contract
