package chisession_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	chisession "github.com/sessionkit/sessionkit/adapters/chi"
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

	r := chi.NewRouter()
	r.Use(middleware.Recoverer, chisession.Middleware(mgr))
	views := core.Key[int]("views") // usually a package variable
	r.Post("/count", func(w http.ResponseWriter, r *http.Request) {
		s := chisession.Get(r)
		n := views.Get(s) + 1
		views.Set(s, n)
		fmt.Fprintln(w, n)
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
		fmt.Print(string(body))
	}
	// Output:
	// 1
	// 2
	// 3
}

// Two managers side by side: user and admin sessions with their own
// cookies, each read with GetFor.
func ExampleGetFor() {
	newManager := func(cookie string) *core.Manager {
		secret := make([]byte, 32)
		rand.Read(secret)
		m, err := core.New(core.Config{Secrets: [][]byte{secret}, Cookie: core.CookieConfig{Name: cookie}})
		if err != nil {
			log.Fatal(err)
		}
		return m
	}
	users, admins := newManager("session"), newManager("admin_session")
	defer users.Close()
	defer admins.Close()

	r := chi.NewRouter()
	r.Use(chisession.Middleware(users), chisession.Middleware(admins))
	r.Post("/admin/login", func(w http.ResponseWriter, r *http.Request) {
		s := chisession.GetFor(r, admins)
		s.Regenerate()
		core.Key[bool]("admin").Set(s, true)
	})

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/admin/login", nil))
	for _, c := range rec.Result().Cookies() {
		fmt.Println(c.Name)
	}
	// Output: admin_session
}
