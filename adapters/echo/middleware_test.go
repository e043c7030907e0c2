package echosession_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echosession "github.com/sessionkit/sessionkit/adapters/echo"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

const (
	fileContent  = "served by c.File\n"
	compressible = "a body long enough to be worth compressing, compressing, compressing"
)

func TestBehaviour(t *testing.T) {
	gz := http.Header{"Accept-Encoding": {"gzip"}}
	adaptertest.Run(t, adaptertest.Adapter{
		NewApp:        newApp,
		NoSessionHint: "echosession.Middleware",
		Paths: []adaptertest.Path{
			{Path: "/r/json", Kind: adaptertest.Body, Status: http.StatusOK},
			{Path: "/r/string", Kind: adaptertest.Body, Status: http.StatusCreated},
			{Path: "/r/blob", Kind: adaptertest.Body, Status: http.StatusOK},
			{Path: "/r/file", Kind: adaptertest.Body, Status: http.StatusOK, Check: adaptertest.WantBody(fileContent)},
			{Path: "/r/nothing", Kind: adaptertest.Nothing, Status: http.StatusOK},
			{Path: "/r/nocontent", Kind: adaptertest.NoContent, Status: http.StatusNoContent},
			{Path: "/r/redirect", Kind: adaptertest.Redirect, Status: http.StatusFound},
			{Method: http.MethodPost, Path: "/r/redirect", Kind: adaptertest.Redirect, Status: http.StatusSeeOther},
			{Path: "/r/stream", Kind: adaptertest.Stream, Status: http.StatusOK, Check: adaptertest.WantBody("one two")},
			{Path: "/r/flush-first", Kind: adaptertest.Stream, Status: http.StatusOK, Check: adaptertest.WantBody("data: hi\n\n")},
			{Path: "/r/httperror", Kind: adaptertest.Other, Status: http.StatusTeapot, Check: adaptertest.WantBody(`{"message":"short and stout"}` + "\n")},
			{Path: "/r/error", Kind: adaptertest.Other, Status: http.StatusInternalServerError},
			{Path: "/gzip/body", Kind: adaptertest.Body, Status: http.StatusOK, Header: gz, Check: adaptertest.WantGzip(compressible)},
			{Path: "/r/gzip-inside", Kind: adaptertest.Body, Status: http.StatusOK, Header: gz, Check: adaptertest.WantGzip(compressible)},
			{Path: "/r/gzip-inside-nocontent", Kind: adaptertest.NoContent, Status: http.StatusNoContent, Header: gz},
		},
	})
}

// newEcho returns a quiet Echo whose error handler reports to env.
func newEcho(env *adaptertest.Env) *echo.Echo {
	e := echo.New()
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		env.ReportError(err)
		e.DefaultHTTPErrorHandler(err, c)
	}
	return e
}

// newApp builds the adaptertest route contract with Echo.
func newApp(t *testing.T, env *adaptertest.Env) http.Handler {
	file := filepath.Join(t.TempDir(), "file.txt")
	if err := os.WriteFile(file, []byte(fileContent), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEcho(env)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
	e.GET("/nosession", func(c echo.Context) error {
		s1, s2 := echosession.Get(c), echosession.GetFor(c, env.User)
		core.Key[string]("k").Set(s1, "v")
		core.Key[string]("k").Set(s2, "v")
		e1, e2 := s1.Err(), s2.Err()
		if !errors.Is(e1, core.ErrNoSession) || !errors.Is(e2, core.ErrNoSession) {
			return c.String(http.StatusInternalServerError, fmt.Sprintf("want ErrNoSession; got %v and %v", e1, e2))
		}
		return c.String(http.StatusOK, fmt.Sprintf("%v\n%v\n", e1, e2))
	})

	sessions := []echo.MiddlewareFunc{echosession.Middleware(env.Admin), echosession.Middleware(env.User)}
	mark := func(c echo.Context) { core.Key[string]("path").Set(echosession.Get(c), c.Request().URL.Path) }
	writeCompressible := func(c echo.Context) error { mark(c); return c.String(http.StatusOK, compressible) }
	e.Group("/gzip", append([]echo.MiddlewareFunc{middleware.Gzip()}, sessions...)...).GET("/body", writeCompressible)

	g := e.Group("", sessions...)
	g.GET("/r/gzip-inside", writeCompressible, middleware.Gzip())
	g.GET("/r/gzip-inside-nocontent", func(c echo.Context) error { mark(c); return c.NoContent(http.StatusNoContent) }, middleware.Gzip())
	get := func(s *core.Session, c echo.Context) error {
		return c.String(http.StatusOK, core.Key[string](c.Param("key")).Get(s))
	}
	set := func(s *core.Session, c echo.Context) error {
		core.Key[string](c.Param("key")).Set(s, c.Param("value"))
		return c.String(http.StatusOK, "ok")
	}
	login := func(c echo.Context) error {
		s := echosession.Get(c)
		s.Regenerate()
		core.Key[string]("user").Set(s, c.Param("user"))
		return c.String(http.StatusOK, "ok")
	}
	g.GET("/ping", func(c echo.Context) error { return c.String(http.StatusOK, "pong") })
	g.GET("/get/:key", func(c echo.Context) error { return get(echosession.Get(c), c) })
	g.GET("/user/get/:key", func(c echo.Context) error { return get(echosession.GetFor(c, env.User), c) })
	g.GET("/admin/get/:key", func(c echo.Context) error { return get(echosession.GetFor(c, env.Admin), c) })
	g.POST("/set/:key/:value", func(c echo.Context) error { return set(echosession.Get(c), c) })
	g.POST("/admin/set/:key/:value", func(c echo.Context) error { return set(echosession.GetFor(c, env.Admin), c) })
	g.GET("/keys", func(c echo.Context) error { return c.JSON(http.StatusOK, echosession.Get(c).Keys()) })
	g.POST("/login/:user", login)
	g.POST("/owner/login/:user", func(c echo.Context) error {
		adaptertest.OwnerLogin(c.Response(), echosession.Get(c), c.Param("user"))
		return nil
	})
	g.GET("/owner/me", func(c echo.Context) error { adaptertest.OwnerMe(c.Response(), echosession.Get(c)); return nil })
	g.GET("/owner/sessions", func(c echo.Context) error {
		adaptertest.OwnerList(c.Response(), c.Request(), echosession.Get(c))
		return nil
	})
	g.POST("/owner/revoke/:handle", func(c echo.Context) error {
		adaptertest.OwnerRevoke(c.Response(), c.Request(), echosession.Get(c), c.Param("handle"))
		return nil
	})
	g.POST("/owner/revoke-others", func(c echo.Context) error {
		adaptertest.OwnerRevokeOthers(c.Response(), c.Request(), echosession.Get(c))
		return nil
	})
	g.POST("/logout", func(c echo.Context) error {
		echosession.Get(c).Destroy()
		return c.String(http.StatusOK, "ok")
	})
	g.POST("/flash/:msg", func(c echo.Context) error {
		core.Key[string]("flash").Set(echosession.Get(c), c.Param("msg"))
		return c.Redirect(http.StatusSeeOther, "/flash")
	})
	g.GET("/flash", func(c echo.Context) error {
		return c.String(http.StatusOK, core.Key[string]("flash").Pop(echosession.Get(c)))
	})
	g.POST("/late/:key/:value", func(c echo.Context) error {
		c.Response().Write([]byte("early"))
		c.Response().Flush()
		core.Key[string](c.Param("key")).Set(echosession.Get(c), c.Param("value"))
		return nil
	})
	g.POST("/panic/:key/:value", func(c echo.Context) error {
		core.Key[string](c.Param("key")).Set(echosession.Get(c), c.Param("value"))
		panic("echosession test: deliberate panic")
	})

	// The User manager's middleware a second time, on a group.
	twice := g.Group("/twice", echosession.Middleware(env.User))
	twice.GET("/ping", func(c echo.Context) error { return c.String(http.StatusOK, "pong") })
	twice.GET("/get/:key", func(c echo.Context) error { return get(echosession.Get(c), c) })
	twice.POST("/set/:key/:value", func(c echo.Context) error { return set(echosession.Get(c), c) })
	twice.POST("/login/:user", login)

	g.GET("/r/json", func(c echo.Context) error { mark(c); return c.JSON(http.StatusOK, map[string]bool{"ok": true}) })
	g.GET("/r/string", func(c echo.Context) error { mark(c); return c.String(http.StatusCreated, "created") })
	g.GET("/r/blob", func(c echo.Context) error {
		mark(c)
		return c.Blob(http.StatusOK, echo.MIMEOctetStream, []byte{1, 2, 3})
	})
	g.GET("/r/file", func(c echo.Context) error { mark(c); return c.File(file) })
	g.GET("/r/nothing", func(c echo.Context) error { mark(c); return nil })
	g.GET("/r/nocontent", func(c echo.Context) error { mark(c); return c.NoContent(http.StatusNoContent) })
	g.GET("/r/redirect", func(c echo.Context) error { mark(c); return c.Redirect(http.StatusFound, "/elsewhere") })
	g.POST("/r/redirect", func(c echo.Context) error { mark(c); return c.Redirect(http.StatusSeeOther, "/elsewhere") })
	g.GET("/r/stream", func(c echo.Context) error {
		mark(c)
		c.Response().Write([]byte("one "))
		c.Response().Flush()
		_, err := c.Response().Write([]byte("two"))
		return err
	})
	g.GET("/r/flush-first", func(c echo.Context) error {
		// Response.Flush reaches the writer without running Before hooks.
		mark(c)
		c.Response().Header().Set(echo.HeaderContentType, "text/event-stream")
		c.Response().Flush()
		_, err := c.Response().Write([]byte("data: hi\n\n"))
		return err
	})
	g.GET("/r/httperror", func(c echo.Context) error {
		mark(c)
		return echo.NewHTTPError(http.StatusTeapot, "short and stout")
	})
	g.GET("/r/error", func(c echo.Context) error {
		mark(c)
		return errors.New("handler failed")
	})
	return e
}

// TestStoreErrorIsHTTPError checks the error the middleware returns to Echo
// for a failed commit: a generic 500 *echo.HTTPError carrying the cause.
func TestStoreErrorIsHTTPError(t *testing.T) {
	tests := []struct {
		name    string
		handler echo.HandlerFunc
		also    error // an error the handler returned, to be kept
	}{
		{"Written", func(c echo.Context) error {
			core.Key[string]("k").Set(echosession.Get(c), "v")
			return c.String(http.StatusOK, "handler output")
		}, nil},
		{"NothingWritten", func(c echo.Context) error {
			core.Key[string]("k").Set(echosession.Get(c), "v")
			return nil
		}, nil},
		{"HandlerError", func(c echo.Context) error {
			core.Key[string]("k").Set(echosession.Get(c), "v")
			return errHandler
		}, errHandler},
		// The handler returns errors that carry the failure already.
		{"HijackError", func(c echo.Context) error {
			core.Key[string]("k").Set(echosession.Get(c), "v")
			_, _, err := c.Response().Hijack()
			return err
		}, nil},
		{"SaveError", func(c echo.Context) error {
			s := echosession.Get(c)
			core.Key[string]("k").Set(s, "v")
			return s.Save(c.Request().Context())
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := adaptertest.NewEnv(t, adaptertest.Options{})
			e := echo.New()
			var mu sync.Mutex
			var errs []error // what Echo's HTTPErrorHandler saw
			e.HTTPErrorHandler = func(err error, c echo.Context) {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				e.DefaultHTTPErrorHandler(err, c)
			}
			e.POST("/set", tt.handler, echosession.Middleware(env.User))
			c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return e }, env)
			env.Store().SetFailing(true)
			resp, body := c.Do(http.MethodPost, "/set", nil)
			want := `{"message":"Internal Server Error"}` + "\n"
			if resp.StatusCode != http.StatusInternalServerError || body != want {
				t.Errorf("POST /set with a failing store = %d %q; want 500 %q", resp.StatusCode, body, want)
			}
			env.WaitError(t, core.ErrSave) // the request is over
			mu.Lock()
			defer mu.Unlock()
			if len(errs) != 1 {
				t.Fatalf("HTTPErrorHandler saw %v; want one error", errs)
			}
			var he *echo.HTTPError
			if !errors.As(errs[0], &he) || he.Code != http.StatusInternalServerError || he.Message != http.StatusText(http.StatusInternalServerError) {
				t.Fatalf("HTTPErrorHandler saw %#v; want a generic 500 *echo.HTTPError", errs[0])
			}
			if !errors.Is(he.Internal, core.ErrSave) || !errors.Is(he.Internal, adaptertest.ErrStoreDown) {
				t.Errorf("HTTPError.Internal = %v; want the store error wrapped in core.ErrSave", he.Internal)
			}
			if tt.also != nil && !errors.Is(he.Internal, tt.also) {
				t.Errorf("HTTPError.Internal = %v; want it to keep the handler's error %v", he.Internal, tt.also)
			}
			if n := strings.Count(he.Error(), adaptertest.StoreFailureText); n != 1 {
				t.Errorf("HTTPError = %q names the cause %d times; want once", he.Error(), n)
			}
			logged := 0
			for _, r := range env.Logged() {
				if r.Message == "sessionkit: session error" {
					logged++
				}
			}
			if logged != 1 {
				t.Errorf("logged %d session errors; want 1", logged)
			}
		})
	}
}

var errHandler = errors.New("handler failed")

// TestStoreFailureLoggedOnce runs the logging check on the README's
// quick-start setup: echo.New() without a logger middleware, where nothing
// but the manager's Logger would report the failure.
func TestStoreFailureLoggedOnce(t *testing.T) {
	adaptertest.LoggedOnce(t, func(_ *testing.T, env *adaptertest.Env) http.Handler {
		e := echo.New()
		e.Use(middleware.Recover(), echosession.Middleware(env.User))
		e.POST("/set/:key/:value", func(c echo.Context) error {
			core.Key[string](c.Param("key")).Set(echosession.Get(c), c.Param("value"))
			return nil
		})
		e.POST("/logout", func(c echo.Context) error {
			echosession.Get(c).Destroy()
			return c.NoContent(http.StatusOK)
		})
		return e
	})
}

func TestSkipper(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	e := newEcho(env)
	e.Use(echosession.MiddlewareWithConfig(echosession.Config{
		Manager: env.User,
		Skipper: func(c echo.Context) bool { return c.Path() == "/skipped" },
	}))
	handler := func(c echo.Context) error {
		s := echosession.Get(c)
		if core.Key[string]("k").Set(s, "v"); s.Err() != nil {
			return c.String(http.StatusOK, s.Err().Error())
		}
		return c.String(http.StatusOK, "set")
	}
	e.POST("/skipped", handler)
	e.POST("/served", handler)
	c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return e }, env)

	resp, body := c.Do(http.MethodPost, "/skipped", nil)
	if !strings.Contains(body, "echosession.Middleware") || adaptertest.SetCookie(resp, adaptertest.UserCookie) != nil {
		t.Errorf("POST /skipped = %q, Set-Cookie %v; want the no-session error and no cookie", body, adaptertest.SetCookie(resp, adaptertest.UserCookie))
	}
	resp, body = c.Do(http.MethodPost, "/served", nil)
	if body != "set" || adaptertest.SetCookie(resp, adaptertest.UserCookie) == nil {
		t.Errorf("POST /served = %q, Set-Cookie %v; want %q and a session cookie", body, adaptertest.SetCookie(resp, adaptertest.UserCookie), "set")
	}
}

func TestMiddlewareWithConfigNilManagerPanics(t *testing.T) {
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "Config.Manager is nil") {
			t.Errorf("MiddlewareWithConfig(Config{}) panicked with %v; want a message naming Config.Manager", v)
		}
	}()
	echosession.MiddlewareWithConfig(echosession.Config{})
}
