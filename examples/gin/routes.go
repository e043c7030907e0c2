package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/examples/internal/app"
)

// newHandler registers the example's routes on a gin engine.
func newHandler(mgr *core.Manager) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.UseRawPath = true // route on the escaped path, so a kv key may hold "/" (as %2F)
	// Recovery goes first: a panicking handler's session is then
	// abandoned, never committed.
	r.Use(gin.Recovery(), ginsession.Middleware(mgr))
	r.RedirectTrailingSlash = false // answer /api/kv/ like the other apps: 404
	r.HandleMethodNotAllowed = true
	r.NoRoute(gin.WrapF(app.NotFound))
	r.NoMethod(gin.WrapF(app.MethodNotAllowed))

	r.GET("/", func(c *gin.Context) {
		app.ServePage(c.Writer, c.Request, ginsession.Get(c)) // pops the flash message: shown once
	})
	api := r.Group("/api")
	// Handlers check no error per value: a failed load or save is sticky,
	// and the middleware answers 500 in place of the handler's response
	// when it commits.

	api.GET("/views", handle(func(c *gin.Context) (any, error) {
		return gin.H{"views": app.Views.Get(ginsession.Get(c))}, nil // absent: 0
	}))
	api.POST("/views", handle(func(c *gin.Context) (any, error) {
		s := ginsession.Get(c)
		n := app.Views.Get(s) + 1
		// The middleware saves the change and sets the cookie before gin
		// writes the response headers.
		app.Views.Set(s, n)
		return gin.H{"views": n}, nil
	}))

	api.POST("/login", handle(func(c *gin.Context) (any, error) {
		user, err := app.Field("user", c.PostForm("user"))
		if err != nil {
			return nil, err
		}
		s := ginsession.Get(c)
		// A new session ID at login defeats session fixation; the data
		// moves with it.
		s.Regenerate()
		app.User.Set(s, user)
		return gin.H{"user": user}, nil
	}))
	api.GET("/me", handle(func(c *gin.Context) (any, error) {
		user := app.User.Get(ginsession.Get(c))
		if user == "" {
			return nil, app.Errorf(http.StatusUnauthorized, "not logged in")
		}
		return gin.H{"user": user}, nil
	}))
	api.POST("/logout", handle(func(c *gin.Context) (any, error) {
		ginsession.Get(c).Destroy() // deletes the record and clears the cookie
		return gin.H{"ok": true}, nil
	}))

	api.POST("/flash", handle(func(c *gin.Context) (any, error) {
		msg, err := app.Field("msg", c.PostForm("msg"))
		if err != nil {
			return nil, err
		}
		app.Flash.Set(ginsession.Get(c), msg)
		return gin.H{"ok": true}, nil
	}))
	api.GET("/flash", handle(func(c *gin.Context) (any, error) {
		return gin.H{"flash": app.Flash.Pop(ginsession.Get(c))}, nil // read and delete
	}))

	api.GET("/kv", handle(func(c *gin.Context) (any, error) {
		return gin.H{"keys": ginsession.Get(c).Keys()}, nil
	}))
	api.GET("/kv/:key", handle(func(c *gin.Context) (any, error) {
		key := c.Param("key")
		if err := app.CheckKey(key); err != nil {
			return nil, err
		}
		v, found := core.Key[string](key).Lookup(ginsession.Get(c))
		if !found {
			return nil, app.Errorf(http.StatusNotFound, "no key %q in the session", key)
		}
		return gin.H{"key": key, "value": v}, nil
	}))
	api.PUT("/kv/:key", handle(func(c *gin.Context) (any, error) {
		key := c.Param("key")
		if err := app.CheckKey(key); err != nil {
			return nil, err
		}
		v, err := app.ReadValue(c.Request) // at most 64 KiB
		if err != nil {
			return nil, err
		}
		core.Key[string](key).Set(ginsession.Get(c), v)
		return gin.H{"key": key, "value": v}, nil
	}))
	return r
}

// handle adapts an API handler to gin: its value is sent as JSON, its
// error (a client error: session failures are the middleware's to report)
// as app.ErrorResponse says, and a form post from the page is redirected
// back to the page.
func handle(h func(c *gin.Context) (any, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, err := h(c)
		switch {
		case err != nil:
			c.JSON(app.ErrorResponse(c.Request, err))
		case app.FromPage(c.Request):
			c.Redirect(http.StatusSeeOther, "/")
		default:
			c.JSON(http.StatusOK, v)
		}
	}
}
