package ginsession_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/gin-gonic/gin"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
)

// A visit counter: the session cookie set on the first response brings the
// count back on the next ones.
func Example() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	r := gin.New()
	r.Use(gin.Recovery(), ginsession.Middleware(mgr))
	r.POST("/count", func(c *gin.Context) {
		s := ginsession.Get(c)
		n, err := core.Get[int](s, "views")
		if err != nil {
			c.AbortWithError(http.StatusInternalServerError, err)
			return
		}
		s.Set("views", n+1)
		c.JSON(http.StatusOK, gin.H{"views": n + 1})
	})

	srv := httptest.NewServer(r)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	for range 3 {
		resp, err := client.Post(srv.URL+"/count", "", nil)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(string(body))
	}
	// Output:
	// {"views":1}
	// {"views":2}
	// {"views":3}
}
