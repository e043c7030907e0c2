package main

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	echosession "github.com/sessionkit/sessionkit/adapters/echo"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/examples/internal/app"
)

// newHandler registers the example's routes on an Echo instance. Handlers
// return their errors; errorHandler turns them into JSON.
func newHandler(mgr *core.Manager) http.Handler {
	e := echo.New()
	e.HTTPErrorHandler = errorHandler
	// Recover goes first: a panicking handler's session is then abandoned,
	// never committed.
	e.Use(middleware.Recover(), echosession.Middleware(mgr))

	e.GET("/", func(c echo.Context) error {
		app.ServePage(c.Response(), c.Request(), echosession.Get(c)) // pops the flash message: shown once
		return nil
	})
	api := e.Group("/api")
	// Handlers check no error per value: a failed load or save is sticky,
	// and the middleware reports it when it commits, so errorHandler
	// answers 500 in place of the handler's response.

	api.GET("/views", func(c echo.Context) error {
		return reply(c, echo.Map{"views": app.Views.Get(echosession.Get(c))}) // absent: 0
	})
	api.POST("/views", func(c echo.Context) error {
		s := echosession.Get(c)
		n := app.Views.Get(s) + 1
		// The middleware saves the change and sets the cookie before Echo
		// writes the response headers.
		app.Views.Set(s, n)
		return reply(c, echo.Map{"views": n})
	})

	api.POST("/login", func(c echo.Context) error {
		user, err := app.Field("user", c.Request().PostFormValue("user"))
		if err != nil {
			return err
		}
		s := echosession.Get(c)
		// A new session ID at login defeats session fixation; the data
		// moves with it.
		s.Regenerate()
		app.User.Set(s, user)
		return reply(c, echo.Map{"user": user})
	})
	api.GET("/me", func(c echo.Context) error {
		user := app.User.Get(echosession.Get(c))
		if user == "" {
			return echo.NewHTTPError(http.StatusUnauthorized, "not logged in")
		}
		return reply(c, echo.Map{"user": user})
	})
	api.POST("/logout", func(c echo.Context) error {
		echosession.Get(c).Destroy() // deletes the record and clears the cookie
		return reply(c, echo.Map{"ok": true})
	})

	api.POST("/flash", func(c echo.Context) error {
		msg, err := app.Field("msg", c.Request().PostFormValue("msg"))
		if err != nil {
			return err
		}
		app.Flash.Set(echosession.Get(c), msg)
		return reply(c, echo.Map{"ok": true})
	})
	api.GET("/flash", func(c echo.Context) error {
		return reply(c, echo.Map{"flash": app.Flash.Pop(echosession.Get(c))}) // read and delete
	})

	api.GET("/kv", func(c echo.Context) error {
		return reply(c, echo.Map{"keys": echosession.Get(c).Keys()})
	})
	api.GET("/kv/:key", func(c echo.Context) error {
		key := app.PathParam(c.Request(), c.Param("key")) // "a%2Fb" is "a/b"
		if err := app.CheckKey(key); err != nil {
			return err
		}
		v, found := core.Key[string](key).Lookup(echosession.Get(c))
		if !found {
			return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("no key %q in the session", key))
		}
		return reply(c, echo.Map{"key": key, "value": v})
	})
	api.PUT("/kv/:key", func(c echo.Context) error {
		key := app.PathParam(c.Request(), c.Param("key")) // "a%2Fb" is "a/b"
		if err := app.CheckKey(key); err != nil {
			return err
		}
		v, err := app.ReadValue(c.Request()) // at most 64 KiB
		if err != nil {
			return err
		}
		core.Key[string](key).Set(echosession.Get(c), v)
		return reply(c, echo.Map{"key": key, "value": v})
	})
	return e
}

// reply sends v as JSON, or redirects a form post from the page back to
// the page.
func reply(c echo.Context, v echo.Map) error {
	if app.FromPage(c.Request()) {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return c.JSON(http.StatusOK, v)
}

// errorHandler renders every error as JSON: client errors with their
// message, anything else as a generic 500. A 500 *echo.HTTPError is the
// session middleware's report of a session or store failure, which the
// manager has already logged through its Config.Logger: it is answered
// without being logged again. Any other error is logged once, by
// app.ErrorResponse.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he) && he.Code >= http.StatusInternalServerError:
		app.WriteInternalError(c.Response())
		return
	case errors.As(err, &he):
		err = app.Errorf(he.Code, "%v", he.Message)
	}
	status, body := app.ErrorResponse(c.Request(), err)
	if err := c.JSON(status, body); err != nil {
		c.Logger().Error(err)
	}
}
