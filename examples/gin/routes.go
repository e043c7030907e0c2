package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/gin-gonic/gin"

	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
)

// newHandler returns the app on a gin engine, serving mgr's sessions; the
// page shows pageURL as the address it is served on.
func newHandler(mgr *core.Manager, pageURL string) http.Handler {
	r := gin.New()
	r.UseRawPath = true             // route on the escaped path, so a kv key may hold "/" (as %2F)
	r.RedirectTrailingSlash = false // answer /api/kv/ like the other apps: 404
	r.HandleMethodNotAllowed = true
	// The recovery goes first: a panicking handler's session is then
	// abandoned, never committed.
	r.Use(gin.CustomRecoveryWithWriter(nil, recovered), ginsession.Middleware(mgr, ginsession.WithErrorHandler(sessionFailed)))
	r.NoRoute(func(c *gin.Context) { notFound(c.Writer, c.Request) })
	r.NoMethod(func(c *gin.Context) { methodNotAllowed(c.Writer, allowedMethods(r.Routes(), c.Request)) })
	// api adapts an API handler: see respond.
	api := func(h func(c *gin.Context) (any, error)) gin.HandlerFunc {
		return func(c *gin.Context) {
			v, err := h(c)
			respond(c.Writer, c.Request, ginsession.Get(c), pageURL, v, err)
		}
	}
	// Handlers check no error per value: a failed load or save is sticky,
	// and the middleware answers 500 in place of the handler's response
	// when it commits, just before gin writes the response headers.

	r.GET("/", func(c *gin.Context) {
		servePage(c.Writer, c.Request, ginsession.Get(c), pageURL, http.StatusOK, "") // pops the flash message: shown once
	})

	r.GET("/api/views", api(func(c *gin.Context) (any, error) {
		return gin.H{"views": viewsKey.Get(ginsession.Get(c))}, nil // absent: 0
	}))
	r.POST("/api/views", api(func(c *gin.Context) (any, error) {
		s := ginsession.Get(c)
		n := viewsKey.Get(s) + 1
		viewsKey.Set(s, n) // saved, and the cookie set, before gin writes the headers
		return gin.H{"views": n}, nil
	}))

	r.POST("/api/login", api(func(c *gin.Context) (any, error) {
		name, err := field("user", c.PostForm("user"))
		if err != nil {
			return nil, err
		}
		s := ginsession.Get(c)
		// A new session ID at login defeats session fixation; the data
		// moves with it. SetOwner binds the session to the user, so that
		// they can list and revoke their sessions (and, with
		// SESSION_MAX_PER_USER, their oldest is signed out).
		s.Regenerate()
		s.SetOwner(name)
		userKey.Set(s, name)
		return gin.H{"user": name}, nil
	}))
	r.GET("/api/me", api(func(c *gin.Context) (any, error) {
		name := userKey.Get(ginsession.Get(c))
		if name == "" {
			return nil, errorf(http.StatusUnauthorized, "not logged in")
		}
		return gin.H{"user": name}, nil
	}))
	r.POST("/api/logout", api(func(c *gin.Context) (any, error) {
		ginsession.Get(c).Destroy() // deletes the record and clears the cookie
		return gin.H{"ok": true}, nil
	}))

	// The user's sessions, named by handles, never by session IDs (see
	// devices.go). Without a logged-in user they answer 401.
	r.GET("/api/sessions", api(func(c *gin.Context) (any, error) {
		list, err := ginsession.Get(c).OwnerSessions(c.Request.Context())
		if err != nil {
			return nil, ownerError(err)
		}
		return sessionsJSON(list), nil
	}))
	r.DELETE("/api/sessions/:id", api(func(c *gin.Context) (any, error) {
		// Revoking the caller's own session logs it out, as logout does.
		if err := ginsession.Get(c).RevokeSession(c.Request.Context(), c.Param("id")); err != nil {
			return nil, ownerError(err)
		}
		return gin.H{"ok": true}, nil
	}))
	r.POST("/api/sessions/revoke-others", api(func(c *gin.Context) (any, error) {
		n, err := ginsession.Get(c).RevokeOthers(c.Request.Context())
		if err != nil {
			return nil, ownerError(err)
		}
		return gin.H{"revoked": n}, nil
	}))
	// The page's forms for them: HTML forms can only POST.
	r.POST("/sessions/revoke", func(c *gin.Context) {
		s := ginsession.Get(c)
		flash, err := revokeDevice(c.Request.Context(), s, c.PostForm("id"))
		respondPage(c.Writer, c.Request, s, pageURL, flash, err)
	})
	r.POST("/sessions/revoke-others", func(c *gin.Context) {
		s := ginsession.Get(c)
		n, err := s.RevokeOthers(c.Request.Context())
		respondPage(c.Writer, c.Request, s, pageURL, revokedOthers(n), ownerError(err))
	})

	r.POST("/api/flash", api(func(c *gin.Context) (any, error) {
		msg, err := field("msg", c.PostForm("msg"))
		if err != nil {
			return nil, err
		}
		flashKey.Set(ginsession.Get(c), msg)
		return gin.H{"ok": true}, nil
	}))
	r.GET("/api/flash", api(func(c *gin.Context) (any, error) {
		return gin.H{"flash": flashKey.Pop(ginsession.Get(c))}, nil // read and delete
	}))

	r.GET("/api/kv", api(func(c *gin.Context) (any, error) {
		return gin.H{"keys": ginsession.Get(c).Keys()}, nil
	}))
	r.GET("/api/kv/:key", api(func(c *gin.Context) (any, error) {
		key := c.Param("key") // unescaped by gin: "a%2Fb" is "a/b"
		if err := checkKey(key); err != nil {
			return nil, err
		}
		v, found := core.Key[string](key).Lookup(ginsession.Get(c))
		if !found {
			return nil, errorf(http.StatusNotFound, "no key %q in the session", key)
		}
		return gin.H{"key": key, "value": v}, nil
	}))
	r.PUT("/api/kv/:key", api(func(c *gin.Context) (any, error) {
		key := c.Param("key")
		if err := checkKey(key); err != nil {
			return nil, err
		}
		v, err := readValue(c.Request) // at most 64 KiB
		if err != nil {
			return nil, err
		}
		if err := setValue(ginsession.Get(c), key, v); err != nil { // a key express-session reserves: 400
			return nil, err
		}
		return gin.H{"key": key, "value": v}, nil
	}))
	return protect(r)
}

// sessionFailed answers a session failure the middleware reports, which
// the manager has logged, with the generic 500 in place of the handler's
// response. A change made after the headers went out (core.ErrHeadersSent)
// can no longer change the response.
func sessionFailed(c *gin.Context, err error) {
	if errors.Is(err, core.ErrHeadersSent) {
		return
	}
	c.Abort()
	writeFailure(c.Writer, c.Request)
}

// recovered answers a panicking handler with the generic 500, after
// logging the panic once with its stack, in JSON like every other error.
func recovered(c *gin.Context, v any) {
	slog.ErrorContext(c.Request.Context(), "handler panicked", "error", fmt.Sprint(v),
		"method", c.Request.Method, "path", c.Request.URL.Path, "stack", string(debug.Stack()))
	c.Abort()
	writeFailure(c.Writer, c.Request)
}

// allowedMethods returns the methods routes serve at r's path, for the
// Allow header of a 405, which gin sets itself only from v1.9.1.
func allowedMethods(routes gin.RoutesInfo, r *http.Request) []string {
	path := strings.Split(r.URL.EscapedPath(), "/") // as gin with UseRawPath routes it
	var allow []string
	for _, rt := range routes {
		if matchRoute(strings.Split(rt.Path, "/"), path) {
			allow = append(allow, rt.Method)
		}
	}
	return allow
}

// matchRoute reports whether the path's segments match the route's, where
// a :name segment matches any non-empty one.
func matchRoute(route, path []string) bool {
	if len(route) != len(path) {
		return false
	}
	for i, seg := range route {
		if seg != path[i] && (!strings.HasPrefix(seg, ":") || path[i] == "") {
			return false
		}
	}
	return true
}
