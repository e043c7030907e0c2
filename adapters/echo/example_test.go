package echosession_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echosession "github.com/sessionkit/sessionkit/adapters/echo"
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

	e := echo.New()
	e.Use(middleware.Recover(), echosession.Middleware(mgr))
	views := core.Key[int]("views") // usually a package variable
	e.POST("/count", func(c echo.Context) error {
		s := echosession.Get(c)
		n := views.Get(s) + 1
		views.Set(s, n)
		return c.JSON(http.StatusOK, map[string]int{"views": n})
	})

	srv := httptest.NewServer(e)
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
		fmt.Print(string(body))
	}
	// Output:
	// {"views":1}
	// {"views":2}
	// {"views":3}
}

// Sessions only where they are needed: the skipper keeps health checks and
// static files out of the store.
func ExampleMiddlewareWithConfig() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	e := echo.New()
	e.Use(echosession.MiddlewareWithConfig(echosession.Config{
		Manager: mgr,
		Skipper: func(c echo.Context) bool { return c.Path() == "/healthz" },
	}))
	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })

	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 200 ok
}
