package ginsession_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestPanicNotCommitted: a panicking handler's session is not committed
// with the recovery outside the session middleware, nor with the
// middleware installed twice and the recovery between the two installs.
func TestPanicNotCommitted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		outer func(env *adaptertest.Env) []gin.HandlerFunc
	}{
		{"installed once", func(*adaptertest.Env) []gin.HandlerFunc {
			return []gin.HandlerFunc{gin.RecoveryWithWriter(io.Discard)}
		}},
		{"installed twice, recovery between", func(env *adaptertest.Env) []gin.HandlerFunc {
			return []gin.HandlerFunc{ginsession.Middleware(env.User), gin.RecoveryWithWriter(io.Discard)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			adaptertest.PanicNotCommitted(t, func(_ *testing.T, env *adaptertest.Env) http.Handler {
				r := gin.New()
				r.Use(tc.outer(env)...)
				g := r.Group("/", ginsession.Middleware(env.User))
				g.GET("/get/:key", func(c *gin.Context) {
					c.String(http.StatusOK, core.Key[string](c.Param("key")).Get(ginsession.Get(c)))
				})
				g.POST("/set/:key/:value", func(c *gin.Context) {
					core.Key[string](c.Param("key")).Set(ginsession.Get(c), c.Param("value"))
					c.String(http.StatusOK, "ok")
				})
				g.POST("/panic/:key/:value", func(c *gin.Context) {
					core.Key[string](c.Param("key")).Set(ginsession.Get(c), c.Param("value"))
					panic("ginsession test: deliberate panic")
				})
				return r
			})
		})
	}
}
