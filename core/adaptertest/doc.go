// Package adaptertest is the behaviour suite for framework adapters built
// on package adapterkit, as package storetest is for stores: one call
// proves that an adapter keeps every promise sessionkit makes, driven
// black-box over HTTP against an app the adapter's test builds with its
// own framework. The gin, Echo and chi adapters and core's own net/http
// middleware all run it; so can an adapter for Fiber, Huma or Echo v5.
//
//	func TestBehaviour(t *testing.T) {
//		adaptertest.Run(t, adaptertest.Adapter{
//			NewApp:        newApp, // registers the routes below
//			NoSessionHint: "fibersession.Middleware",
//			Paths:         paths, // the framework's ways of responding
//		})
//	}
//
// The suite covers every response path (the cookie arrives, the change is
// saved, a failed commit becomes the framework's 500 without the store's
// text), changes after the headers, panics, Regenerate, Destroy, flash
// messages, idle and absolute expiry on virtual time, forged cookies, a
// stale cookie sent before the live one, the X-Forwarded-Proto hop that is
// trusted, header transport kept from browsers, the cache headers of
// responses built from the session, size limits, the cost of an untouched
// request, concurrent writes, load and save failures, a store failure
// logged exactly once, two managers side by side, the same middleware
// installed twice, and use without the middleware.
//
// # Route contract
//
// NewApp receives an Env holding two managers and returns the app. The app
// installs, outermost first: the framework's panic recovery, the Admin
// manager's middleware, then the User manager's middleware, on every route
// but /nosession. "The session" below is the adapter's Get (the innermost
// session, which is User's); "the admin session" is GetFor with Admin.
// Values are read and written with core.Key[string].
//
//	GET  /ping                  200 "pong"; never uses a session
//	GET  /get/{key}             200, body = Key(key).Get(session), "" when
//	                            absent; a failed load stays sticky, so the
//	                            adapter's error path answers instead
//	GET  /user/get/{key}        as /get, through GetFor(User)
//	POST /set/{key}/{value}     Key(key).Set(session, value); 200 "ok"
//	GET  /keys                  200, JSON array of session.Keys()
//	POST /login/{user}          Regenerate, Set("user", user); 200 "ok"
//	POST /logout                Destroy; 200 "ok"
//	POST /flash/{msg}           Set("flash", msg); 303 to /flash
//	GET  /flash                 200, body = Key("flash").Pop(session)
//	POST /late/{key}/{value}    write "early" and flush, then Set(key, value)
//	POST /panic/{key}/{value}   Set(key, value), then panic
//	GET  /admin/get/{key}       as /get on the admin session
//	POST /admin/set/{key}/{value} as /set on the admin session
//	GET  /nosession             registered without session middleware: Set
//	                            on Get and on GetFor(User); if both sessions'
//	                            Err match core.ErrNoSession, 200 with the two
//	                            error texts on two lines, else 500
//	POST /owner/login/{user}    OwnerLogin: Regenerate, SetOwner(user)
//	GET  /owner/me              OwnerMe: the owner, or 401
//	GET  /owner/sessions        OwnerList: the owner's sessions as JSON, or 401
//	POST /owner/revoke/{handle} OwnerRevoke: 200, 404 for a foreign handle
//	POST /owner/revoke-others   OwnerRevokeOthers: the number revoked
//
// The owner routes call the functions of the same names in this package
// with the session, so every adapter serves them alike; the suite runs
// them against a manager with Options.Owners.
//
// and, on a route group that installs the User manager's middleware a
// second time (the group's own Use, With or equivalent, inside the routes
// above), as their counterparts:
//
//	GET  /twice/ping
//	GET  /twice/get/{key}
//	POST /twice/set/{key}/{value}
//	POST /twice/login/{user}
//
// Handlers write their normal response even when a session call failed:
// turning a failed commit into the error response is the adapter's job, and
// the suite checks that it does (the store's error text, or a body starting
// "handler-saw:", must never reach the client).
//
// Each of Adapter.Paths is one more route: its handler sets the key "path"
// to the request's URL path, then responds the way its Kind describes.
//
// Errors are reported the framework's way. Where that way is the adapter's
// own error handler or the framework's error handler rather than the
// manager's ErrorHandler, the app passes each error it sees to
// Env.ReportError; the managers' own error reports are captured through
// their Logger, whose records Env.Logged returns.
//
// # Virtual time
//
// The expiry scenarios run inside a testing/synctest bubble: the Env and
// the app are built inside it, and requests are served in-process through
// NewHandlerClient, since a network listener would block fake time. The
// other scenarios use real test servers, which streaming and hijacking
// need.
package adaptertest
