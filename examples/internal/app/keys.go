package app

import "github.com/sessionkit/sessionkit/core"

// The session keys the routes share, declared once so that every handler
// reads and writes them in one line, with the type checked by the
// compiler. The kv routes use keys chosen at run time instead
// (core.Key[string](name)) and may not use these (see CheckKey).
var (
	// Views is the view count: GET and POST /api/views, and the page.
	Views = core.Key[int]("views")
	// User is the logged-in user's name: /api/login, /api/me and the page.
	User = core.Key[string]("user")
	// Flash is the message shown once: /api/flash and the page.
	Flash = core.Key[string]("flash")
)
