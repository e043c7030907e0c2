// Package echosession adapts sessionkit to Echo v5 (github.com/labstack/echo/v5,
// v5.3.0 or later): a middleware that binds a session to each request and
// commits it just before the response headers are written, so the cookie
// arrives on every kind of response, including the one Echo's
// HTTPErrorHandler renders for a returned error and the HEAD responses of
// a router with AutoHandleHEAD. For Echo v4, use
// github.com/sessionkit/sessionkit/adapters/echo, whose package has the
// same name.
//
//	import echosession "github.com/sessionkit/sessionkit/adapters/echov5"
//
//	var views = core.Key[int]("views")
//
//	e := echo.New()
//	e.Use(middleware.Recover(), echosession.Middleware(mgr)) // mgr from core.New
//	e.POST("/count", func(c *echo.Context) error {
//		s := echosession.Get(c)
//		n := views.Get(s) + 1
//		views.Set(s, n) // a store error becomes a 500 *echo.HTTPError at the commit
//		return c.JSON(http.StatusOK, map[string]int{"views": n})
//	})
package echosession
