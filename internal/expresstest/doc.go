// Package expresstest runs a real Node.js express-session app for Go
// tests, so that a test can drive Express and sessionkit side by side on
// one Redis or PostgreSQL store and compare what each writes: the signed
// cookie, connect-redis's `sess:<id>` values and connect-pg-simple's rows.
//
// The app lives in the node directory: app.js, and a package.json and
// package-lock.json that pin express, express-session 1.19.0,
// connect-redis 9 with node-redis 5, connect-pg-simple and pg. A test
// starts it with [Start]:
//
//	func TestLoginSharedWithExpress(t *testing.T) {
//		app := expresstest.Start(t, expresstest.Config{Store: expresstest.Redis, MaxAge: 2 * time.Hour})
//		resp, err := http.PostForm(app.URL+"/login", url.Values{"user": {"106"}})
//		...
//	}
//
// Start installs the app's node_modules with `npm ci` when they are
// missing or older than package-lock.json, once per process and under a
// file lock (node/.install.lock) shared by every test binary. Without Node.js (or without npm
// when an install is needed) the test is skipped with instructions, or
// fails under CI=true, as internal/testenv does for services. Redis and
// PostgreSQL are found through internal/testenv (REDIS_URL, DATABASE_URL)
// unless the Config names them.
//
// # Running the app by hand
//
//	cd internal/expresstest/node && npm ci
//	STORE=redis SECRETS='keyboard cat' MAX_AGE_MS=7200000 PORT=3000 node app.js
//	curl -c jar -d user=106 http://127.0.0.1:3000/login
//	curl -b jar http://127.0.0.1:3000/me
//
// # Environment of app.js
//
//   - STORE: redis (connect-redis, the default) or postgres (connect-pg-simple).
//   - REDIS_URL: default redis://127.0.0.1:6379/0.
//   - DATABASE_URL: default postgres://postgres@127.0.0.1:5432/test.
//   - SECRETS: comma-separated, required; the first signs, every one verifies.
//   - COOKIE_NAME: default connect.sid.
//   - MAX_AGE_MS: the cookie's maxAge in milliseconds; unset means a
//     browser-session cookie, with no Expires and a store TTL of one day.
//   - PREFIX: connect-redis's key prefix, default sess:; set and empty means
//     no prefix.
//   - TABLE: connect-pg-simple's table, default session, created if missing.
//   - SCHEMA: connect-pg-simple's schema, default none (the search_path).
//     The schema must exist. connect-pg-simple names the primary key and
//     the expire index of every table it creates session_pkey and
//     IDX_session_expire, so two tables it creates cannot share a schema:
//     give each its own.
//   - PORT: default 0, any free port.
//   - ROLLING=1: express-session's rolling option; otherwise false.
//   - EXIT_WITH_STDIN=1: exit when standard input closes, so an app started
//     by a test binary that dies does not outlive it. [Start] sets it.
//
// The app runs with resave and saveUninitialized false, the default
// cookie options (HttpOnly, Path=/, no Secure, so the stored cookie object
// has no secure field) and, on PostgreSQL, no background pruning. Once
// its store answers it prints one line, "listening http://127.0.0.1:<port>",
// on standard output. SIGTERM or SIGINT stops it.
//
// # Routes
//
//   - POST /login, form field user: regenerates the session, sets
//     req.session.user and saves; {"user":...}. 400 without a user.
//   - GET /me: {"user":...}, or 401.
//   - PUT /kv/:key: the body, whatever its Content-Type, is a JSON value;
//     req.session[key] = JSON.parse(body); 204. 400 for a body that is not
//     JSON or a key the session object owns (cookie, id, its methods).
//   - GET /kv/:key: the value as JSON, or 404.
//   - GET /keys: the session's own keys but cookie, sorted, as a JSON array.
//   - POST /logout: destroys the session (the record; the cookie stays, as
//     express-session leaves it); {"ok":true}.
//   - POST /touch: req.session.touch() and save; {"ok":true}.
//
// Errors are {"error":...} with status 500.
package expresstest
