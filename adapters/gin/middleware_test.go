package ginsession_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

const fileContent = "served by c.File\n"

func TestBehaviour(t *testing.T) {
	adaptertest.Run(t, adaptertest.Adapter{
		NewApp:        newApp,
		NoSessionHint: "ginsession.Middleware",
		Paths: []adaptertest.Path{
			{Path: "/r/json", Kind: adaptertest.Body, Status: http.StatusOK},
			{Path: "/r/string", Kind: adaptertest.Body, Status: http.StatusCreated},
			{Path: "/r/data", Kind: adaptertest.Body, Status: http.StatusOK},
			{Path: "/r/file", Kind: adaptertest.Body, Status: http.StatusOK, Check: adaptertest.WantBody(fileContent)},
			{Path: "/r/copy", Kind: adaptertest.Body, Status: http.StatusOK, Check: adaptertest.WantBody("copied with io.Copy")},
			{Path: "/r/nothing", Kind: adaptertest.Nothing, Status: http.StatusOK},
			{Path: "/r/status", Kind: adaptertest.NoContent, Status: http.StatusNoContent},
			{Path: "/r/render204", Kind: adaptertest.NoContent, Status: http.StatusNoContent},
			{Path: "/r/redirect", Kind: adaptertest.Redirect, Status: http.StatusFound},
			{Method: http.MethodPost, Path: "/r/redirect", Kind: adaptertest.Redirect, Status: http.StatusSeeOther},
			{Path: "/r/stream", Kind: adaptertest.Stream, Status: http.StatusOK, Check: adaptertest.WantBody("one two ")},
			{Path: "/r/sse", Kind: adaptertest.Stream, Status: http.StatusOK, Check: adaptertest.WantBody("event:message\ndata:hi\n\n")},
			{Path: "/r/controller-flush", Kind: adaptertest.Stream, Status: http.StatusOK, Check: adaptertest.WantBody("one two")},
			{Path: "/r/abort", Kind: adaptertest.Other, Status: http.StatusUnauthorized},
			{Path: "/r/abortjson", Kind: adaptertest.Other, Status: http.StatusForbidden, Check: adaptertest.WantBody(`{"error":"forbidden"}`)},
		},
	})
}

// newApp builds the adaptertest route contract with gin.
func newApp(t *testing.T, env *adaptertest.Env) http.Handler {
	file := filepath.Join(t.TempDir(), "file.txt")
	if err := os.WriteFile(file, []byte(fileContent), 0o600); err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	r.Use(gin.RecoveryWithWriter(io.Discard), func(c *gin.Context) {
		c.Next()
		for _, e := range c.Errors {
			env.ReportError(e.Err)
		}
	})
	r.GET("/nosession", func(c *gin.Context) {
		s1, s2 := ginsession.Get(c), ginsession.GetFor(c, env.User)
		core.Key[string]("k").Set(s1, "v")
		core.Key[string]("k").Set(s2, "v")
		e1, e2 := s1.Err(), s2.Err()
		if !errors.Is(e1, core.ErrNoSession) || !errors.Is(e2, core.ErrNoSession) {
			c.String(http.StatusInternalServerError, "want ErrNoSession; got %v and %v", e1, e2)
			return
		}
		c.String(http.StatusOK, "%v\n%v\n", e1, e2)
	})

	g := r.Group("/", ginsession.Middleware(env.Admin), ginsession.Middleware(env.User))
	get := func(s *core.Session, c *gin.Context) {
		c.String(http.StatusOK, core.Key[string](c.Param("key")).Get(s))
	}
	set := func(s *core.Session, c *gin.Context) {
		core.Key[string](c.Param("key")).Set(s, c.Param("value"))
		c.String(http.StatusOK, "ok")
	}
	login := func(c *gin.Context) {
		s := ginsession.Get(c)
		s.Regenerate()
		core.Key[string]("user").Set(s, c.Param("user"))
		c.String(http.StatusOK, "ok")
	}
	g.GET("/ping", func(c *gin.Context) { c.String(http.StatusOK, "pong") })
	g.GET("/get/:key", func(c *gin.Context) { get(ginsession.Get(c), c) })
	g.GET("/user/get/:key", func(c *gin.Context) { get(ginsession.GetFor(c, env.User), c) })
	g.GET("/admin/get/:key", func(c *gin.Context) { get(ginsession.GetFor(c, env.Admin), c) })
	g.POST("/set/:key/:value", func(c *gin.Context) { set(ginsession.Get(c), c) })
	g.POST("/admin/set/:key/:value", func(c *gin.Context) { set(ginsession.GetFor(c, env.Admin), c) })
	g.GET("/keys", func(c *gin.Context) { c.JSON(http.StatusOK, ginsession.Get(c).Keys()) })
	g.POST("/login/:user", login)
	g.POST("/owner/login/:user", func(c *gin.Context) { adaptertest.OwnerLogin(c.Writer, ginsession.Get(c), c.Param("user")) })
	g.GET("/owner/me", func(c *gin.Context) { adaptertest.OwnerMe(c.Writer, ginsession.Get(c)) })
	g.GET("/owner/sessions", func(c *gin.Context) { adaptertest.OwnerList(c.Writer, c.Request, ginsession.Get(c)) })
	g.POST("/owner/revoke/:handle", func(c *gin.Context) {
		adaptertest.OwnerRevoke(c.Writer, c.Request, ginsession.Get(c), c.Param("handle"))
	})
	g.POST("/owner/revoke-others", func(c *gin.Context) { adaptertest.OwnerRevokeOthers(c.Writer, c.Request, ginsession.Get(c)) })
	g.POST("/logout", func(c *gin.Context) {
		ginsession.Get(c).Destroy()
		c.String(http.StatusOK, "ok")
	})
	g.POST("/flash/:msg", func(c *gin.Context) {
		core.Key[string]("flash").Set(ginsession.Get(c), c.Param("msg"))
		c.Redirect(http.StatusSeeOther, "/flash")
	})
	g.GET("/flash", func(c *gin.Context) {
		c.String(http.StatusOK, core.Key[string]("flash").Pop(ginsession.Get(c)))
	})
	g.POST("/late/:key/:value", func(c *gin.Context) {
		c.String(http.StatusOK, "early")
		c.Writer.Flush()
		core.Key[string](c.Param("key")).Set(ginsession.Get(c), c.Param("value"))
	})
	g.POST("/panic/:key/:value", func(c *gin.Context) {
		core.Key[string](c.Param("key")).Set(ginsession.Get(c), c.Param("value"))
		panic("ginsession test: deliberate panic")
	})

	// The User manager's middleware a second time, on a group.
	twice := g.Group("/twice", ginsession.Middleware(env.User))
	twice.GET("/ping", func(c *gin.Context) { c.String(http.StatusOK, "pong") })
	twice.GET("/get/:key", func(c *gin.Context) { get(ginsession.Get(c), c) })
	twice.POST("/set/:key/:value", func(c *gin.Context) { set(ginsession.Get(c), c) })
	twice.POST("/login/:user", login)

	mark := func(c *gin.Context) { core.Key[string]("path").Set(ginsession.Get(c), c.Request.URL.Path) }
	g.GET("/r/json", func(c *gin.Context) { mark(c); c.JSON(http.StatusOK, gin.H{"ok": true}) })
	g.GET("/r/string", func(c *gin.Context) { mark(c); c.String(http.StatusCreated, "created") })
	g.GET("/r/data", func(c *gin.Context) { mark(c); c.Data(http.StatusOK, "application/octet-stream", []byte{1, 2, 3}) })
	g.GET("/r/file", func(c *gin.Context) { mark(c); c.File(file) })
	g.GET("/r/copy", func(c *gin.Context) {
		mark(c)
		// io.Copy goes through the writer's ReadFrom.
		io.Copy(c.Writer, strings.NewReader("copied with io.Copy"))
	})
	g.GET("/r/nothing", func(c *gin.Context) { mark(c) })
	g.GET("/r/status", func(c *gin.Context) { mark(c); c.Status(http.StatusNoContent) })
	g.GET("/r/render204", func(c *gin.Context) { mark(c); c.JSON(http.StatusNoContent, nil) })
	g.GET("/r/redirect", func(c *gin.Context) { mark(c); c.Redirect(http.StatusFound, "/elsewhere") })
	g.POST("/r/redirect", func(c *gin.Context) { mark(c); c.Redirect(http.StatusSeeOther, "/elsewhere") })
	g.GET("/r/stream", func(c *gin.Context) {
		mark(c)
		words := []string{"one", "two"}
		c.Stream(func(w io.Writer) bool {
			fmt.Fprint(w, words[0]+" ")
			words = words[1:]
			return len(words) > 0
		})
	})
	g.GET("/r/sse", func(c *gin.Context) {
		mark(c)
		c.SSEvent("message", "hi")
		c.Writer.Flush()
	})
	g.GET("/r/controller-flush", func(c *gin.Context) {
		mark(c)
		c.Writer.WriteString("one ")
		if err := http.NewResponseController(c.Writer).Flush(); err != nil {
			t.Errorf("ResponseController.Flush: %v", err)
		}
		c.Writer.WriteString("two")
	})
	g.GET("/r/abort", func(c *gin.Context) { mark(c); c.AbortWithStatus(http.StatusUnauthorized) })
	g.GET("/r/abortjson", func(c *gin.Context) {
		mark(c)
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "forbidden"})
	})
	return r
}

func TestDefaultErrorResponse(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	r := gin.New()
	r.Use(ginsession.Middleware(env.User))
	r.POST("/set", func(c *gin.Context) {
		core.Key[string]("k").Set(ginsession.Get(c), "v")
		c.String(http.StatusOK, "ok")
	})
	c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return r }, env)
	env.Store().SetFailing(true)
	resp, body := c.Do(http.MethodPost, "/set", nil)
	want := `{"error":"Internal Server Error"}`
	if resp.StatusCode != http.StatusInternalServerError || body != want {
		t.Errorf("POST /set with a failing store = %d %q; want 500 %q", resp.StatusCode, body, want)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q; want application/json", ct)
	}
}

// TestStoreFailureLoggedOnce runs the logging check on the README's
// quick-start setup: gin.New() without gin.Logger, where nothing but the
// manager's Logger would report the failure.
func TestStoreFailureLoggedOnce(t *testing.T) {
	adaptertest.LoggedOnce(t, func(_ *testing.T, env *adaptertest.Env) http.Handler {
		r := gin.New()
		r.Use(gin.Recovery(), ginsession.Middleware(env.User))
		r.POST("/set/:key/:value", func(c *gin.Context) {
			core.Key[string](c.Param("key")).Set(ginsession.Get(c), c.Param("value"))
		})
		r.POST("/logout", func(c *gin.Context) { ginsession.Get(c).Destroy() })
		return r
	})
}

// TestDefaultErrorHandlerRecordsTheError: the default error handler hands
// the failure to gin's own error path, c.Errors, once.
func TestDefaultErrorHandlerRecordsTheError(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	var got []error
	r := gin.New()
	r.Use(func(c *gin.Context) {
		c.Next()
		for _, e := range c.Errors {
			got = append(got, e.Err)
		}
	}, ginsession.Middleware(env.User))
	r.POST("/logout", func(c *gin.Context) { ginsession.Get(c).Destroy() })
	r.POST("/set", func(c *gin.Context) { core.Key[string]("k").Set(ginsession.Get(c), "v") })
	c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return r }, env)
	c.Post("/set")
	env.Store().FailOn(adaptertest.OpDelete)
	if resp, _ := c.Do(http.MethodPost, "/logout", nil); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("POST /logout with a failing Delete = %d; want 500", resp.StatusCode)
	}
	if len(got) != 1 || !errors.Is(got[0], core.ErrSave) || !errors.Is(got[0], adaptertest.ErrStoreDown) {
		t.Errorf("c.Errors = %v; want one error wrapping core.ErrSave and the store's error", got)
	}
}

func TestWithErrorHandler(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	var got []error
	r := gin.New()
	r.Use(ginsession.Middleware(env.User, ginsession.WithErrorHandler(func(c *gin.Context, err error) {
		got = append(got, err)
		c.String(http.StatusServiceUnavailable, "try later")
	})))
	r.POST("/set", func(c *gin.Context) {
		core.Key[string]("k").Set(ginsession.Get(c), "v")
		c.String(http.StatusOK, "handler output")
	})
	c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return r }, env)
	env.Store().SetFailing(true)
	resp, body := c.Do(http.MethodPost, "/set", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || body != "try later" {
		t.Errorf("POST /set with a failing store = %d %q; want 503 %q", resp.StatusCode, body, "try later")
	}
	if len(got) != 1 || !errors.Is(got[0], core.ErrSave) {
		t.Errorf("error handler calls = %v; want one error wrapping core.ErrSave", got)
	}
}

// TestHandleContextKeepsTheSession forwards a login to another route with
// engine.HandleContext, gin's internal redirect: the forwarded response
// must carry the new cookie and the login must stick.
func TestHandleContextKeepsTheSession(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	r := gin.New()
	r.Use(ginsession.Middleware(env.User))
	r.POST("/anon", func(c *gin.Context) { core.Key[string]("k").Set(ginsession.Get(c), "anon") })
	r.POST("/login", func(c *gin.Context) {
		s := ginsession.Get(c)
		s.Regenerate()
		core.Key[string]("user").Set(s, "alice")
		c.Request.URL.Path, c.Request.Method = "/me", http.MethodGet
		r.HandleContext(c)
		core.Key[string]("after").Set(s, "forward") // persisted late, on the established cookie
	})
	r.GET("/me", func(c *gin.Context) { c.String(http.StatusOK, core.Key[string]("user").Get(ginsession.Get(c))) })
	r.GET("/get/:key", func(c *gin.Context) {
		c.String(http.StatusOK, core.Key[string](c.Param("key")).Get(ginsession.Get(c)))
	})
	c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return r }, env)
	c.Post("/anon")
	old := c.Cookie(adaptertest.UserCookie)
	resp, body := c.Do(http.MethodPost, "/login", nil)
	if body != "alice" {
		t.Errorf("forwarded response body = %q; want alice", body)
	}
	if ck := adaptertest.SetCookie(resp, adaptertest.UserCookie); ck == nil || ck.Value == "" || ck.Value == old.Value {
		t.Fatalf("forwarded response Set-Cookie = %v; want the regenerated session's cookie", ck)
	}
	for key, want := range map[string]string{"user": "alice", "k": "anon", "after": "forward"} {
		if got := c.Get("/get/" + key); got != want {
			t.Errorf("after the forwarded login, %s = %q; want %q", key, got, want)
		}
	}
	if errs := env.Errors(); len(errs) > 0 {
		t.Errorf("errors reported: %v", errs)
	}
}

// TestHandleContextReportsAFailedCommitOnce: the nested run's commit fails
// and answers 500; the outer run must not report the same failure again.
func TestHandleContextReportsAFailedCommitOnce(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	var errs []error
	r := gin.New()
	r.Use(ginsession.Middleware(env.User, ginsession.WithErrorHandler(func(c *gin.Context, err error) {
		errs = append(errs, err)
		c.AbortWithStatus(http.StatusInternalServerError)
	})))
	r.GET("/me", func(c *gin.Context) { c.String(http.StatusOK, "me") })
	r.POST("/forward", func(c *gin.Context) {
		core.Key[func()]("k").Set(ginsession.Get(c), func() {})
		c.Request.URL.Path, c.Request.Method = "/me", http.MethodGet
		r.HandleContext(c)
	})
	c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return r }, env)
	if resp, _ := c.Do(http.MethodPost, "/forward", nil); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status = %d; want 500", resp.StatusCode)
	}
	if len(errs) != 1 || !errors.Is(errs[0], core.ErrEncode) {
		t.Errorf("errors reported = %v; want exactly one, wrapping ErrEncode", errs)
	}
}

// TestHandleContextOutsideTheGroup forwards from a route in the session's
// group to one outside it: the response goes out without the session
// middleware committing. What needs no new cookie must still be saved (a
// logout above all), and what does must be reported, once.
func TestHandleContextOutsideTheGroup(t *testing.T) {
	tests := []struct {
		name    string
		change  func(s *core.Session)
		wantK   string // k afterwards, replaying the old cookie
		wantErr bool
	}{
		{"untouched", func(s *core.Session) {}, "v", false},
		{"set on an established session", func(s *core.Session) { core.Key[string]("k").Set(s, "changed") }, "changed", false},
		{"logout", func(s *core.Session) { s.Destroy() }, "", true},
		{"unencodable value", func(s *core.Session) { core.Key[func()]("k").Set(s, func() {}) }, "v", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := adaptertest.NewEnv(t, adaptertest.Options{})
			var errs []error
			r := gin.New()
			r.GET("/bye", func(c *gin.Context) { c.String(http.StatusOK, "bye") })
			g := r.Group("/app", ginsession.Middleware(env.User, ginsession.WithErrorHandler(func(c *gin.Context, err error) {
				errs = append(errs, err)
			})))
			g.POST("/seed", func(c *gin.Context) { core.Key[string]("k").Set(ginsession.Get(c), "v") })
			g.GET("/get", func(c *gin.Context) { c.String(http.StatusOK, core.Key[string]("k").Get(ginsession.Get(c))) })
			g.POST("/forward", func(c *gin.Context) {
				s := ginsession.Get(c)
				core.Key[string]("k").Get(s)
				tc.change(s)
				c.Request.URL.Path, c.Request.Method = "/bye", http.MethodGet
				r.HandleContext(c)
			})
			c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return r }, env)
			c.Post("/app/seed")
			ck := c.Cookie(adaptertest.UserCookie)
			if _, body := c.Do(http.MethodPost, "/app/forward", nil); body != "bye" {
				t.Fatalf("forwarded body = %q; want bye", body)
			}
			if _, got := c.Replay(ck, http.MethodGet, "/app/get"); got != tc.wantK {
				t.Errorf("k afterwards = %q; want %q", got, tc.wantK)
			}
			if tc.wantErr != (len(errs) > 0) || len(errs) > 1 {
				t.Errorf("errors reported = %v; want %v error(s)", errs, map[bool]int{true: 1}[tc.wantErr])
			}
			for _, err := range errs {
				if !errors.Is(err, core.ErrHeadersSent) {
					t.Errorf("reported %v; want it to wrap ErrHeadersSent", err)
				}
			}
		})
	}
}

// TestWriterRestored checks that middleware outside the session middleware
// get gin's own writer back once the chain has run.
func TestWriterRestored(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	var before, after gin.ResponseWriter
	r := gin.New()
	r.Use(func(c *gin.Context) {
		before = c.Writer
		c.Next()
		after = c.Writer
	}, ginsession.Middleware(env.User))
	r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return r }, env)
	c.Get("/")
	if before == nil || after != before {
		t.Errorf("c.Writer after the chain = %T %p; want gin's writer %T %p", after, after, before, before)
	}
}

func TestMiddlewareNilManagerPanics(t *testing.T) {
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "nil *core.Manager") {
			t.Errorf("Middleware(nil) panicked with %v; want a message naming the nil *core.Manager", v)
		}
	}()
	ginsession.Middleware(nil)
}
