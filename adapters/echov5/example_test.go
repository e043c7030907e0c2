package echosession_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"
	echosession "github.com/sessionkit/sessionkit/adapters/echov5"
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
	e.POST("/count", func(c *echo.Context) error {
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
		Skipper: func(c *echo.Context) bool { return c.Path() == "/healthz" },
	}))
	e.GET("/healthz", func(c *echo.Context) error { return c.String(http.StatusOK, "ok") })

	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	fmt.Println(rec.Code, rec.Body.String(), rec.Header().Values("Set-Cookie"))
	// Output: 200 ok []
}

// A user session and an admin session side by side, each with its own
// manager and cookie: GetFor picks one.
func ExampleGetFor() {
	newManager := func(cookie string) *core.Manager {
		secret := make([]byte, 32)
		rand.Read(secret)
		mgr, err := core.New(core.Config{Secrets: [][]byte{secret}, Cookie: core.CookieConfig{Name: cookie}})
		if err != nil {
			log.Fatal(err)
		}
		return mgr
	}
	users, admins := newManager("session"), newManager("admin_session")
	defer users.Close()
	defer admins.Close()

	e := echo.New()
	e.Use(echosession.Middleware(users))
	role := core.Key[string]("role")
	admin := e.Group("/admin", echosession.Middleware(admins))
	admin.POST("/login", func(c *echo.Context) error {
		role.Set(echosession.GetFor(c, admins), "admin") // not the user session Get returns
		return c.NoContent(http.StatusNoContent)
	})

	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/admin/login", nil))
	for _, ck := range rec.Result().Cookies() {
		fmt.Println(ck.Name)
	}
	// Output: admin_session
}
