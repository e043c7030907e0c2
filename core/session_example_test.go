package core_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"time"

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

	user := core.Key[string]("user")
	cart := core.Key[[]string]("cart")

	mux := http.NewServeMux()
	mux.HandleFunc("POST /cart", func(w http.ResponseWriter, r *http.Request) {
		cart.Set(core.FromRequest(r), []string{"apple"})
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		// ... check the password, then move the session to a new ID before
		// granting privileges: an ID planted before login is now worthless.
		s := core.FromRequest(r)
		s.Regenerate()
		user.Set(s, r.FormValue("user"))
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		fmt.Printf("user %q, cart %v\n", user.Get(s), cart.Get(s))
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

// A handler that checks Err answers for the error itself, here with a
// degraded page; one that does not lets the commit report it, and the
// client gets the error handler's 500.
func ExampleSession_Err() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{
		Secrets: [][]byte{secret},
		Logger:  slog.New(slog.DiscardHandler), // every failure the commit reports is logged here
	})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	views := core.Key[int]("views")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /old", func(w http.ResponseWriter, r *http.Request) {
		// An older release stored the views as text.
		core.Key[string]("views").Set(core.FromRequest(r), "many")
	})
	mux.HandleFunc("GET /strict", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, views.Get(core.FromRequest(r))) // the mismatch fails the commit
	})
	mux.HandleFunc("GET /degraded", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		n := views.Get(s)
		if err := s.Err(); err != nil {
			fmt.Fprintln(w, "views unavailable; type mismatch:", errors.Is(err, core.ErrTypeMismatch))
			return
		}
		fmt.Fprintln(w, n)
	})

	srv := httptest.NewServer(mgr.Handler(mux))
	defer srv.Close()
	client := srv.Client()
	client.Jar, _ = cookiejar.New(nil)
	resp, err := client.Post(srv.URL+"/old", "", nil)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	for _, path := range []string{"/strict", "/degraded"} {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	// Output:
	// GET /strict: 500 Internal Server Error
	// GET /degraded: 200 views unavailable; type mismatch: true
}

// A "remember me" login: the session lives 30 days instead of the default
// day, within Config.MaxLifetime, and its cookie persists that long.
func ExampleSession_SetLifetime() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{
		Secrets:     [][]byte{secret},
		Lifetime:    24 * time.Hour,
		MaxLifetime: 30 * 24 * time.Hour,
		Cookie:      core.CookieConfig{SessionOnly: true}, // a browser-session cookie unless remembered
	})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	user := core.Key[string]("user")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		s.Regenerate()
		user.Set(s, r.FormValue("user"))
		if r.FormValue("remember") == "on" {
			s.SetLifetime(30 * 24 * time.Hour)
			s.RememberMe(true)
		}
		fmt.Println("session ends in", time.Until(s.Deadlines().End()).Round(time.Hour))
	})

	srv := httptest.NewServer(mgr.Handler(mux))
	defer srv.Close()
	for _, remember := range []string{"off", "on"} {
		resp, err := srv.Client().PostForm(srv.URL+"/login", url.Values{"user": {"alice"}, "remember": {remember}})
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		ck := resp.Cookies()[0]
		fmt.Println("cookie Max-Age:", (time.Duration(ck.MaxAge) * time.Second).Round(time.Hour))
	}
	// Output:
	// session ends in 24h0m0s
	// cookie Max-Age: 0s
	// session ends in 720h0m0s
	// cookie Max-Age: 720h0m0s
}
