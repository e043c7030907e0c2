package ginsession_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"

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
	views := core.Key[int]("views") // usually a package variable
	r.POST("/count", func(c *gin.Context) {
		s := ginsession.Get(c)
		n := views.Get(s) + 1
		views.Set(s, n)
		c.JSON(http.StatusOK, gin.H{"views": n})
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

// The five everyday tasks: read an int, set a struct, log in with a new
// session ID, log out, and set and read a flash message.
func Example_everydayTasks() {
	type Settings struct{ Theme string }
	var (
		views = core.Key[int]("views")
		prefs = core.Key[Settings]("prefs")
		user  = core.Key[string]("user")
		flash = core.Key[string]("flash")
	)

	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	r := gin.New()
	r.Use(gin.Recovery(), ginsession.Middleware(mgr))
	r.GET("/views", func(c *gin.Context) { c.JSON(http.StatusOK, views.Get(ginsession.Get(c))) })
	r.POST("/prefs", func(c *gin.Context) { prefs.Set(ginsession.Get(c), Settings{Theme: c.PostForm("theme")}) })
	r.POST("/login", func(c *gin.Context) { s := ginsession.Get(c); s.Regenerate(); user.Set(s, c.PostForm("user")) })
	r.POST("/logout", func(c *gin.Context) { ginsession.Get(c).Destroy() })
	r.POST("/save", func(c *gin.Context) { flash.Set(ginsession.Get(c), "saved"); c.Redirect(http.StatusSeeOther, "/") })
	r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, flash.Pop(ginsession.Get(c))) })
	r.GET("/me", func(c *gin.Context) {
		s := ginsession.Get(c)
		c.String(http.StatusOK, "%s, theme %q", user.Get(s), prefs.Get(s).Theme)
	})

	srv := httptest.NewServer(r)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	cookie := func() string {
		u, _ := url.Parse(srv.URL)
		if cs := jar.Cookies(u); len(cs) > 0 {
			return cs[0].Value
		}
		return ""
	}
	do := func(method, path string, form url.Values) {
		resp, err := client.Do(newRequest(method, srv.URL+path, form))
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%s %s: %d %q\n", method, path, resp.StatusCode, body)
	}

	do(http.MethodGet, "/views", nil)
	do(http.MethodPost, "/prefs", url.Values{"theme": {"dark"}})
	before := cookie()
	do(http.MethodPost, "/login", url.Values{"user": {"alice"}})
	fmt.Println("new session ID at login:", cookie() != before)
	do(http.MethodGet, "/me", nil)
	do(http.MethodPost, "/save", nil) // follows the redirect to /, which shows the flash
	do(http.MethodGet, "/", nil)      // shown once
	do(http.MethodPost, "/logout", nil)
	fmt.Println("cookie after logout:", cookie() == "")
	// Output:
	// GET /views: 200 "0"
	// POST /prefs: 200 ""
	// POST /login: 200 ""
	// new session ID at login: true
	// GET /me: 200 "alice, theme \"dark\""
	// POST /save: 200 "saved"
	// GET /: 200 ""
	// POST /logout: 200 ""
	// cookie after logout: true
}

func newRequest(method, target string, form url.Values) *http.Request {
	r, err := http.NewRequest(method, target, strings.NewReader(form.Encode()))
	if err != nil {
		log.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}
