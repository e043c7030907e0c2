package scratch

import (
	"io"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/adaptertest"
)

func TestGinHandleContextLogin(t *testing.T) {
	gin.SetMode(gin.TestMode)
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	var errs []error
	c := adaptertest.Serve(t, func(t *testing.T, env *adaptertest.Env) http.Handler {
		r := gin.New()
		r.Use(gin.RecoveryWithWriter(io.Discard), func(c *gin.Context) {
			c.Next()
			for _, e := range c.Errors {
				errs = append(errs, e.Err)
			}
		}, ginsession.Middleware(env.User))
		r.POST("/set", func(c *gin.Context) { ginsession.Get(c).Set("user", "anon"); c.String(200, "ok") })
		r.GET("/me", func(c *gin.Context) {
			v, _ := core.Get[string](ginsession.Get(c), "user")
			c.String(200, v)
		})
		r.POST("/login", func(c *gin.Context) {
			s := ginsession.Get(c)
			s.Regenerate()
			s.Set("user", "alice")
			c.Request.URL.Path = "/me" // gin's documented internal redirect
			c.Request.Method = "GET"
			r.HandleContext(c)
		})
		return r
	}, env)
	c.Post("/set")
	t.Logf("before login /me = %q", c.Get("/me"))
	resp := c.Post("/login")
	t.Logf("POST /login -> %d, Set-Cookie user_session present: %v", resp.StatusCode, adaptertest.SetCookie(resp, adaptertest.UserCookie) != nil)
	t.Logf("after login /me = %q ; errors reported: %v", c.Get("/me"), errs)
}
