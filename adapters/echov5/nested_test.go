package echosession_test

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
	echosession "github.com/sessionkit/sessionkit/adapters/echov5"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestPanicNotCommitted: a panicking handler's session is not committed
// with the recovery outside the session middleware, nor with the
// middleware installed twice and the recovery between the two installs.
func TestPanicNotCommitted(t *testing.T) {
	recovery := middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true})
	for _, tc := range []struct {
		name  string
		outer func(env *adaptertest.Env) []echo.MiddlewareFunc
	}{
		{"installed once", func(*adaptertest.Env) []echo.MiddlewareFunc {
			return []echo.MiddlewareFunc{recovery}
		}},
		{"installed twice, recovery between", func(env *adaptertest.Env) []echo.MiddlewareFunc {
			return []echo.MiddlewareFunc{echosession.Middleware(env.User), recovery}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			adaptertest.PanicNotCommitted(t, func(_ *testing.T, env *adaptertest.Env) http.Handler {
				e := newEcho(env)
				e.Use(tc.outer(env)...)
				g := e.Group("", echosession.Middleware(env.User))
				g.GET("/get/:key", func(c *echo.Context) error {
					return c.String(http.StatusOK, core.Key[string](c.Param("key")).Get(echosession.Get(c)))
				})
				g.POST("/set/:key/:value", func(c *echo.Context) error {
					core.Key[string](c.Param("key")).Set(echosession.Get(c), c.Param("value"))
					return c.String(http.StatusOK, "ok")
				})
				g.POST("/panic/:key/:value", func(c *echo.Context) error {
					core.Key[string](c.Param("key")).Set(echosession.Get(c), c.Param("value"))
					panic("echosession test: deliberate panic")
				})
				return e
			})
		})
	}
}
