// Package adaptertest is the behaviour suite every framework adapter runs:
// one suite, driven black-box over HTTP against an app the adapter's test
// builds with its own framework.
//
//	func TestBehaviour(t *testing.T) {
//		adaptertest.Run(t, adaptertest.Adapter{
//			NewApp:        newApp, // registers the routes below
//			NoSessionHint: "ginsession.Middleware",
//			Paths:         paths, // the framework's ways of responding
//		})
//	}
//
// # Route contract
//
// NewApp receives an Env holding two managers and returns the app. The app
// installs, outermost first: the framework's panic recovery, the Admin
// manager's middleware, then the User manager's middleware, on every route
// but /nosession. "The session" below is the adapter's Get (the innermost
// session, which is User's); "the admin session" is GetFor with Admin.
//
//	GET  /ping                  200 "pong"; never uses a session
//	GET  /get/{key}             200, body = core.Get[string](session, key);
//	                            on error, 200 "handler-saw: " + the error text
//	GET  /user/get/{key}        as /get, through GetFor(User)
//	POST /set/{key}/{value}     session.Set(key, value); 200 "ok"
//	GET  /keys                  200, JSON array of session.Keys()
//	POST /login/{user}          Regenerate, Set("user", user); 200 "ok"
//	POST /logout                Destroy; 200 "ok"
//	POST /flash/{msg}           Set("flash", msg); 303 to /flash
//	GET  /flash                 200, body = core.Pop[string](session, "flash")
//	POST /late/{key}/{value}    write "early" and flush, then Set(key, value)
//	POST /panic/{key}/{value}   Set(key, value), then panic
//	GET  /admin/get/{key}       as /get on the admin session
//	POST /admin/set/{key}/{value} as /set on the admin session
//	GET  /nosession             registered without session middleware: call
//	                            Set on Get and on GetFor(User); if both errors
//	                            match core.ErrNoSession, 200 with the two error
//	                            texts on two lines, else 500
//
// Handlers write their normal response even when a session call failed:
// turning a failed commit into the error response is the adapter's job, and
// the suite checks that it does (a body starting "handler-saw:" must never
// reach the client).
//
// Each of Adapter.Paths is one more route: its handler sets the key "path"
// to the request's URL path, then responds the way its Kind describes.
//
// Errors are reported the framework's way. Where that way is the adapter's
// own error handler or the framework's error handler rather than the
// manager's ErrorHandler, the app passes each error it sees to
// Env.ReportError; the managers' own error reports are captured through
// their Logger.
package adaptertest
