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

	api.GET("/views", func(c echo.Context) error {
		n, err := core.Get[int](echosession.Get(c), "views") // absent: 0
		if err != nil {
			return err
		}
		return reply(c, echo.Map{"views": n})
	})
	api.POST("/views", func(c echo.Context) error {
		s := echosession.Get(c)
		n, err := core.Get[int](s, "views")
		if err != nil {
			return err
		}
		if err := s.Set("views", n+1); err != nil {
			return err
		}
		// The middleware saves the change and sets the cookie before Echo
		// writes the response headers.
		return reply(c, echo.Map{"views": n + 1})
	})

	api.POST("/login", func(c echo.Context) error {
		user, err := app.Field("user", c.Request().PostFormValue("user"))
		if err != nil {
			return err
		}
		s := echosession.Get(c)
		// A new session ID at login defeats session fixation; the data
		// moves with it.
		if err := s.Regenerate(); err != nil {
			return err
		}
		if err := s.Set("user", user); err != nil {
			return err
		}
		return reply(c, echo.Map{"user": user})
	})
	api.GET("/me", func(c echo.Context) error {
		user, err := core.Get[string](echosession.Get(c), "user")
		switch {
		case err != nil:
			return err
		case user == "":
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
		if err := echosession.Get(c).Set("flash", msg); err != nil {
			return err
		}
		return reply(c, echo.Map{"ok": true})
	})
	api.GET("/flash", func(c echo.Context) error {
		msg, err := core.Pop[string](echosession.Get(c), "flash") // read and delete
		if err != nil {
			return err
		}
		return reply(c, echo.Map{"flash": msg})
	})

	api.GET("/kv", func(c echo.Context) error {
		s := echosession.Get(c)
		// Keys reports no keys when the store fails; Load surfaces that.
		if err := s.Load(c.Request().Context()); err != nil {
			return err
		}
		return reply(c, echo.Map{"keys": append([]string{}, s.Keys()...)})
	})
	api.GET("/kv/:key", func(c echo.Context) error {
		key := app.PathParam(c.Request(), c.Param("key")) // "a%2Fb" is "a/b"
		if err := app.CheckKey(key); err != nil {
			return err
		}
		v, found, err := core.Lookup[string](echosession.Get(c), key)
		switch {
		case err != nil:
			return err
		case !found:
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
		if err := echosession.Get(c).Set(key, v); err != nil {
			return err
		}
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
// message, anything else (a session or store failure, including the
// *echo.HTTPError the session middleware returns) as a generic 500.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code < http.StatusInternalServerError {
		err = app.Errorf(he.Code, "%v", he.Message)
	}
	status, body := app.ErrorResponse(c.Request(), err)
	if err := c.JSON(status, body); err != nil {
		c.Logger().Error(err)
	}
}
