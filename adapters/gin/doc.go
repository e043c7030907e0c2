// Package ginsession adapts sessionkit to gin: a middleware that binds a
// session to each request and commits it just before gin writes the
// response headers, so the cookie arrives on every kind of response.
//
//	var views = core.Key[int]("views")
//
//	r := gin.New()
//	r.Use(gin.Recovery(), ginsession.Middleware(mgr)) // mgr from core.New
//	r.POST("/count", func(c *gin.Context) {
//		s := ginsession.Get(c)
//		n := views.Get(s) + 1
//		views.Set(s, n) // a store error becomes a 500 at the commit
//		c.JSON(http.StatusOK, gin.H{"views": n})
//	})
package ginsession
