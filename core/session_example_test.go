package core_test

import (
	"crypto/rand"
	"fmt"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"

	"github.com/sessionkit/sessionkit/core"
)

func ExampleSession_Regenerate() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("POST /cart", func(w http.ResponseWriter, r *http.Request) {
		core.FromRequest(r).Set("cart", []string{"apple"})
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		// ... check the password, then move the session to a new ID before
		// granting privileges: an ID planted before login is now worthless.
		s := core.FromRequest(r)
		if err := s.Regenerate(); err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		s.Set("user", r.FormValue("user"))
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		user, _ := core.Get[string](s, "user")
		cart, _ := core.Get[[]string](s, "cart")
		fmt.Printf("user %q, cart %v\n", user, cart)
	})

	srv := httptest.NewServer(mgr.Handler(mux))
	defer srv.Close()
	client := srv.Client()
	client.Jar, _ = cookiejar.New(nil)
	do := func(method, path string, form url.Values) {
		var resp *http.Response
		var err error
		if method == http.MethodPost {
			resp, err = client.PostForm(srv.URL+path, form)
		} else {
			resp, err = client.Get(srv.URL + path)
		}
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
	}
	cookie := func() string {
		u, _ := url.Parse(srv.URL)
		return client.Jar.Cookies(u)[0].Value
	}

	do(http.MethodPost, "/cart", nil)
	before := cookie()
	do(http.MethodPost, "/login", url.Values{"user": {"alice"}})
	fmt.Println("new session ID after login:", cookie() != before)
	do(http.MethodGet, "/me", nil)
	// Output:
	// new session ID after login: true
	// user "alice", cart [apple]
}
