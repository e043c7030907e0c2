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

	api.GET("/views", handle(func(c *gin.Context) (any, error) {
		n, err := core.Get[int](ginsession.Get(c), "views") // absent: 0
		return gin.H{"views": n}, err
	}))
	api.POST("/views", handle(func(c *gin.Context) (any, error) {
		s := ginsession.Get(c)
		n, err := core.Get[int](s, "views")
		if err != nil {
			return nil, err
		}
		// The middleware saves the change and sets the cookie before gin
		// writes the response headers.
		return gin.H{"views": n + 1}, s.Set("views", n+1)
	}))

	api.POST("/login", handle(func(c *gin.Context) (any, error) {
		user, err := app.Field("user", c.PostForm("user"))
		if err != nil {
			return nil, err
		}
		s := ginsession.Get(c)
		// A new session ID at login defeats session fixation; the data
		// moves with it.
		if err := s.Regenerate(); err != nil {
			return nil, err
		}
		return gin.H{"user": user}, s.Set("user", user)
	}))
	api.GET("/me", handle(func(c *gin.Context) (any, error) {
		user, err := core.Get[string](ginsession.Get(c), "user")
		if err == nil && user == "" {
			err = app.Errorf(http.StatusUnauthorized, "not logged in")
		}
		return gin.H{"user": user}, err
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
		return gin.H{"ok": true}, ginsession.Get(c).Set("flash", msg)
	}))
	api.GET("/flash", handle(func(c *gin.Context) (any, error) {
		msg, err := core.Pop[string](ginsession.Get(c), "flash") // read and delete
		return gin.H{"flash": msg}, err
	}))

	api.GET("/kv", handle(func(c *gin.Context) (any, error) {
		s := ginsession.Get(c)
		// Keys reports no keys when the store fails; Load surfaces that.
		if err := s.Load(c.Request.Context()); err != nil {
			return nil, err
		}
		return gin.H{"keys": append([]string{}, s.Keys()...)}, nil
	}))
	api.GET("/kv/:key", handle(func(c *gin.Context) (any, error) {
		key := c.Param("key")
		if err := app.CheckKey(key); err != nil {
			return nil, err
		}
		v, found, err := core.Lookup[string](ginsession.Get(c), key)
		if err == nil && !found {
			err = app.Errorf(http.StatusNotFound, "no key %q in the session", key)
		}
		return gin.H{"key": key, "value": v}, err
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
		return gin.H{"key": key, "value": v}, ginsession.Get(c).Set(key, v)
	}))
	return r
}

// handle adapts an API handler to gin: its value is sent as JSON, its
// error as app.ErrorResponse says, and a form post from the page is
// redirected back to the page.
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
