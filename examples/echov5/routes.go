package main

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	echosession "github.com/sessionkit/sessionkit/adapters/echov5"
	"github.com/sessionkit/sessionkit/core"
)

// newHandler returns the app on an Echo instance, serving mgr's sessions;
// the page shows pageURL as the address it is served on. Echo's own errors
// (no route, wrong method, a session failure, a panic) reach
// errorHandler.
func newHandler(mgr *core.Manager, pageURL string) http.Handler {
	e := echo.New()
	e.HTTPErrorHandler = errorHandler
	// Recover goes first: a panicking handler's session is then abandoned,
	// never committed. It returns the panic, with its stack, as an error,
	// which errorHandler logs, once.
	e.Use(middleware.Recover(), echosession.Middleware(mgr))
	// api adapts an API handler: see respond.
	api := func(h func(c *echo.Context) (any, error)) echo.HandlerFunc {
		return func(c *echo.Context) error {
			v, err := h(c)
			respond(c.Response(), c.Request(), echosession.Get(c), pageURL, v, err)
			return nil
		}
	}
	// Handlers check no error per value: a failed load or save is sticky,
	// and the middleware reports it when it commits, just before Echo writes
	// the response headers, so errorHandler answers 500 in place of the
	// handler's response.

	e.GET("/", func(c *echo.Context) error {
		servePage(c.Response(), c.Request(), echosession.Get(c), pageURL, http.StatusOK, "") // pops the flash message: shown once
		return nil
	})

	e.GET("/api/views", api(func(c *echo.Context) (any, error) {
		return map[string]any{"views": viewsKey.Get(echosession.Get(c))}, nil // absent: 0
	}))
	e.POST("/api/views", api(func(c *echo.Context) (any, error) {
		s := echosession.Get(c)
		n := viewsKey.Get(s) + 1
		viewsKey.Set(s, n) // saved, and the cookie set, before Echo writes the headers
		return map[string]any{"views": n}, nil
	}))

	e.POST("/api/login", api(func(c *echo.Context) (any, error) {
		name, err := field("user", c.Request().PostFormValue("user"))
		if err != nil {
			return nil, err
		}
		s := echosession.Get(c)
		// A new session ID at login defeats session fixation; the data
		// moves with it. SetOwner binds the session to the user, so that
		// they can list and revoke their sessions (and, with
		// SESSION_MAX_PER_USER, their oldest is signed out).
		s.Regenerate()
		s.SetOwner(name)
		userKey.Set(s, name)
		return map[string]any{"user": name}, nil
	}))
	e.GET("/api/me", api(func(c *echo.Context) (any, error) {
		name := userKey.Get(echosession.Get(c))
		if name == "" {
			return nil, errorf(http.StatusUnauthorized, "not logged in")
		}
		return map[string]any{"user": name}, nil
	}))
	e.POST("/api/logout", api(func(c *echo.Context) (any, error) {
		echosession.Get(c).Destroy() // deletes the record and clears the cookie
		return map[string]any{"ok": true}, nil
	}))

	// The user's sessions, named by handles, never by session IDs (see
	// devices.go). Without a logged-in user they answer 401.
	e.GET("/api/sessions", api(func(c *echo.Context) (any, error) {
		list, err := echosession.Get(c).OwnerSessions(c.Request().Context())
		if err != nil {
			return nil, ownerError(err)
		}
		return sessionsJSON(list), nil
	}))
	e.DELETE("/api/sessions/:id", api(func(c *echo.Context) (any, error) {
		// Revoking the caller's own session logs it out, as logout does.
		if err := echosession.Get(c).RevokeSession(c.Request().Context(), pathParam(c, "id")); err != nil {
			return nil, ownerError(err)
		}
		return map[string]any{"ok": true}, nil
	}))
	e.POST("/api/sessions/revoke-others", api(func(c *echo.Context) (any, error) {
		n, err := echosession.Get(c).RevokeOthers(c.Request().Context())
		if err != nil {
			return nil, ownerError(err)
		}
		return map[string]any{"revoked": n}, nil
	}))
	// The page's forms for them: HTML forms can only POST.
	e.POST("/sessions/revoke", func(c *echo.Context) error {
		s := echosession.Get(c)
		flash, err := revokeDevice(c.Request().Context(), s, c.Request().PostFormValue("id"))
		respondPage(c.Response(), c.Request(), s, pageURL, flash, err)
		return nil
	})
	e.POST("/sessions/revoke-others", func(c *echo.Context) error {
		s := echosession.Get(c)
		n, err := s.RevokeOthers(c.Request().Context())
		respondPage(c.Response(), c.Request(), s, pageURL, revokedOthers(n), ownerError(err))
		return nil
	})

	e.POST("/api/flash", api(func(c *echo.Context) (any, error) {
		msg, err := field("msg", c.Request().PostFormValue("msg"))
		if err != nil {
			return nil, err
		}
		flashKey.Set(echosession.Get(c), msg)
		return map[string]any{"ok": true}, nil
	}))
	e.GET("/api/flash", api(func(c *echo.Context) (any, error) {
		return map[string]any{"flash": flashKey.Pop(echosession.Get(c))}, nil // read and delete
	}))

	e.GET("/api/kv", api(func(c *echo.Context) (any, error) {
		return map[string]any{"keys": echosession.Get(c).Keys()}, nil
	}))
	e.GET("/api/kv/:key", api(func(c *echo.Context) (any, error) {
		key := pathParam(c, "key")
		if err := checkKey(key); err != nil {
			return nil, err
		}
		v, found := core.Key[string](key).Lookup(echosession.Get(c))
		if !found {
			return nil, errorf(http.StatusNotFound, "no key %q in the session", key)
		}
		return map[string]any{"key": key, "value": v}, nil
	}))
	e.PUT("/api/kv/:key", api(func(c *echo.Context) (any, error) {
		key := pathParam(c, "key")
		if err := checkKey(key); err != nil {
			return nil, err
		}
		v, err := readValue(c.Request()) // at most 64 KiB
		if err != nil {
			return nil, err
		}
		if err := setValue(echosession.Get(c), key, v); err != nil { // a key express-session reserves: 400
			return nil, err
		}
		return map[string]any{"key": key, "value": v}, nil
	}))
	return protect(e)
}

// errorHandler answers the errors Echo handles, in JSON like every other
// (or with the page's error state, for a form post from the page): the
// router's 404 and 405 (whose Allow header the router has set) with their
// status, and anything else with the generic 500. A 500 is the session
// middleware's report of a session or store failure, which the manager
// has already logged; any other error, a panic say, is logged here, once.
func errorHandler(c *echo.Context, err error) {
	if resp, _ := echo.UnwrapResponse(c.Response()); resp != nil && resp.Committed {
		return
	}
	switch code := echo.StatusCode(err); {
	case code >= http.StatusInternalServerError:
		writeFailure(c.Response(), c.Request())
	case code != 0:
		writeError(c.Response(), code, statusMessage(code))
	default:
		r := c.Request()
		slog.ErrorContext(r.Context(), "request failed", "error", err, "method", r.Method, "path", r.URL.Path)
		writeFailure(c.Response(), r)
	}
}

// pathParam returns the path parameter name, decoded: Echo routes on the
// escaped path when the request has one (a key such as "a/b" arrives as
// a%2Fb) and then hands over the raw value.
func pathParam(c *echo.Context, name string) string {
	raw := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return raw
	}
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return raw
}
