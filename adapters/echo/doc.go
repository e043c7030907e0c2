// Package echosession adapts sessionkit to Echo v4: a middleware that binds
// a session to each request and commits it just before Echo writes the
// response headers, so the cookie arrives on every kind of response,
// including the one Echo's HTTPErrorHandler renders for a returned error.
//
// A minimal program:
//
//	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}}) // secret: 32+ random bytes
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer mgr.Close()
//	e := echo.New()
//	e.Use(middleware.Recover(), echosession.Middleware(mgr))
//	e.POST("/count", func(c echo.Context) error {
//		s := echosession.Get(c)
//		n, err := core.Get[int](s, "views")
//		if err != nil {
//			return err
//		}
//		if err := s.Set("views", n+1); err != nil {
//			return err
//		}
//		return c.JSON(http.StatusOK, map[string]int{"views": n + 1})
//	})
//	e.Logger.Fatal(e.Start("localhost:8080"))
//
// Install middleware.Recover (or any recovery middleware) before the
// session middleware, so that a panicking handler's session is abandoned
// rather than committed.
package echosession
