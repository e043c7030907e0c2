// Package ginsession adapts sessionkit to gin: a middleware that binds a
// session to each request and commits it just before gin writes the
// response headers, so the cookie arrives on every kind of response.
//
// A minimal program:
//
//	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}}) // secret: 32+ random bytes
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer mgr.Close()
//	r := gin.New()
//	r.Use(gin.Recovery(), ginsession.Middleware(mgr))
//	r.POST("/count", func(c *gin.Context) {
//		s := ginsession.Get(c)
//		n, err := core.Get[int](s, "views")
//		if err == nil {
//			err = s.Set("views", n+1)
//		}
//		if err != nil {
//			c.AbortWithError(http.StatusInternalServerError, err)
//			return
//		}
//		c.JSON(http.StatusOK, gin.H{"views": n + 1})
//	})
//	r.Run("localhost:8080")
//
// Install gin.Recovery (or any recovery middleware) before Middleware, so
// that a panicking handler's session is abandoned rather than committed.
package ginsession
