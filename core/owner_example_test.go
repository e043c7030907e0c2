package core_test

import (
	"crypto/rand"
	"fmt"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"

	"github.com/sessionkit/sessionkit/core"
)

// Two devices log in as alice; the laptop lists both and signs the phone
// out, whose next request finds itself logged out.
func ExampleSession_SetOwner() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		// ... check the password, then:
		s := core.FromRequest(r)
		s.Regenerate()
		s.SetOwner("alice") // a stable user ID
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("%s: owner %q\n", r.UserAgent(), core.FromRequest(r).Owner())
	})
	mux.HandleFunc("POST /sign-out-others", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		list, err := s.OwnerSessions(r.Context())
		if err != nil {
			http.Error(w, "not logged in", http.StatusUnauthorized)
			return
		}
		for _, o := range list {
			fmt.Printf("listed: %s, current %v\n", o.UserAgent, o.Current)
		}
		n, err := s.RevokeOthers(r.Context())
		if err != nil {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		fmt.Println("revoked:", n)
	})

	srv := httptest.NewServer(mgr.Handler(mux))
	defer srv.Close()
	device := func(agent string) func(method, path string) {
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar}
		return func(method, path string) {
			req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(""))
			req.Header.Set("User-Agent", agent)
			resp, err := client.Do(req)
			if err != nil {
				log.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	phone, laptop := device("phone"), device("laptop")
	phone("POST", "/login")
	laptop("POST", "/login")
	laptop("POST", "/sign-out-others")
	phone("GET", "/me")
	laptop("GET", "/me")
	// Output:
	// listed: laptop, current true
	// listed: phone, current false
	// revoked: 1
	// phone: owner ""
	// laptop: owner "alice"
}
