package echosession_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/labstack/echo/v5"
	echosession "github.com/sessionkit/sessionkit/adapters/echov5"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestAutoHandleHEADCommitsBeforeHeaders: with AutoHandleHEAD, Echo runs
// the GET handler for a HEAD request and holds the status back until the
// handler returns. Installed with e.Use, the session middleware is outside
// that writer, which sends the headers after the handler, still inside the
// middleware: the cookie must be on them, and a failed commit must turn
// them into a bare 500. TestBehaviour covers the group install, inside it.
func TestAutoHandleHEADCommitsBeforeHeaders(t *testing.T) {
	installs := []struct {
		name  string
		twice bool // the User manager's middleware on the group too, inside the HEAD writer
	}{
		{"e.Use", false},
		{"e.Use and group", true},
	}
	routes := []struct {
		path          string
		status        int
		contentLength string // "" when the response has none
	}{
		{"/json", http.StatusOK, strconv.Itoa(len(jsonOK))},
		{"/string", http.StatusCreated, strconv.Itoa(len("created"))},
		{"/nothing", http.StatusOK, ""},
		{"/stream", http.StatusOK, strconv.Itoa(len("one two"))},
		{"/httperror", http.StatusTeapot, ""},
	}
	for _, in := range installs {
		for _, rt := range routes {
			t.Run(in.name+rt.path, func(t *testing.T) {
				t.Parallel()
				newApp := func(_ *testing.T, env *adaptertest.Env) http.Handler { return headApp(env, in.twice) }

				env := adaptertest.NewEnv(t, adaptertest.Options{})
				c := adaptertest.Serve(t, newApp, env)
				resp, body := c.Do(http.MethodHead, rt.path, nil)
				if resp.StatusCode != rt.status || body != "" {
					t.Fatalf("HEAD %s = %d %q; want %d and no body", rt.path, resp.StatusCode, body, rt.status)
				}
				if got := resp.Header.Get("Content-Length"); rt.contentLength != "" && got != rt.contentLength {
					t.Errorf("HEAD %s: Content-Length %q; want %q, the GET body's", rt.path, got, rt.contentLength)
				}
				if ck := adaptertest.SetCookie(resp, adaptertest.UserCookie); ck == nil || ck.Value == "" {
					t.Errorf("HEAD %s: Set-Cookie %s = %v; want the new session's cookie", rt.path, adaptertest.UserCookie, ck)
				}
				if got := c.Get("/get/path"); got != rt.path {
					t.Errorf("after HEAD %s, GET /get/path = %q; want %q", rt.path, got, rt.path)
				}

				env = adaptertest.NewEnv(t, adaptertest.Options{})
				c = adaptertest.Serve(t, newApp, env)
				env.Store().SetFailing(true)
				resp, body = c.Do(http.MethodHead, rt.path, nil)
				if resp.StatusCode != http.StatusInternalServerError || body != "" {
					t.Errorf("HEAD %s with a failing store = %d %q; want 500 and no body", rt.path, resp.StatusCode, body)
				}
				if cl := resp.Header.Get("Content-Length"); cl != "" && cl != "0" {
					t.Errorf("HEAD %s with a failing store: Content-Length %q; want none or 0, not the GET body's", rt.path, cl)
				}
				if ck := adaptertest.SetCookie(resp, adaptertest.UserCookie); ck != nil {
					t.Errorf("HEAD %s with a failing store: Set-Cookie %v for a session that was not saved", rt.path, ck)
				}
				env.WaitError(t, core.ErrSave)
			})
		}
	}
}

// headApp serves the routes of TestAutoHandleHEADCommitsBeforeHeaders on
// a router with AutoHandleHEAD and the User manager's middleware on e.Use,
// and, if twice, again on the group that holds the routes.
func headApp(env *adaptertest.Env, twice bool) http.Handler {
	e := newEcho(env)
	e.Use(echosession.Middleware(env.User))
	g := e.Group("")
	if twice {
		g.Use(echosession.Middleware(env.User))
	}
	mark := func(c *echo.Context) { core.Key[string]("path").Set(echosession.Get(c), c.Request().URL.Path) }
	g.GET("/get/:key", func(c *echo.Context) error {
		return c.String(http.StatusOK, core.Key[string](c.Param("key")).Get(echosession.Get(c)))
	})
	g.GET("/json", func(c *echo.Context) error { mark(c); return c.JSON(http.StatusOK, map[string]bool{"ok": true}) })
	g.GET("/string", func(c *echo.Context) error { mark(c); return c.String(http.StatusCreated, "created") })
	g.GET("/nothing", func(c *echo.Context) error { mark(c); return nil })
	g.GET("/stream", func(c *echo.Context) error {
		mark(c)
		c.Response().Write([]byte("one "))
		flush(c) // a no-op for HEAD: the status is held back
		_, err := c.Response().Write([]byte("two"))
		return err
	})
	g.GET("/httperror", func(c *echo.Context) error {
		mark(c)
		return echo.NewHTTPError(http.StatusTeapot, "short and stout")
	})
	return e
}
