package core_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func ExampleNew() {
	// In production, load 32 or more random bytes from your secret store.
	secret := make([]byte, 32)
	rand.Read(secret)

	mgr, err := core.New(core.Config{
		Secrets:     [][]byte{secret},
		IdleTimeout: 30 * time.Minute,
		Lifetime:    12 * time.Hour,
		Cookie:      core.CookieConfig{Name: "__Host-session", Secure: core.SecureAlways},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()
	fmt.Println(mgr)

	// Bad configuration fails here, never at request time.
	_, err = core.New(core.Config{Secrets: [][]byte{[]byte("too short")}})
	fmt.Println(errors.Is(err, core.ErrInvalidConfig))
	// Output:
	// sessionkit.Manager{cookie: "__Host-session", store: *core.MemoryStore}
	// true
}

func ExampleManager_Handler() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	// Keys are declared once, usually as package variables.
	views := core.Key[int]("views")

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		n := views.Get(s) + 1 // an absent key is 0
		views.Set(s, n)       // saved, and the cookie set, before the headers go out
		fmt.Fprintf(w, "views: %d\n", n)
	})

	srv := httptest.NewServer(mgr.Handler(mux))
	defer srv.Close()
	client := srv.Client()
	client.Jar, _ = cookiejar.New(nil)
	for range 3 {
		resp, err := client.Get(srv.URL)
		if err != nil {
			log.Fatal(err)
		}
		io.Copy(os.Stdout, resp.Body)
		resp.Body.Close()
	}
	// Output:
	// views: 1
	// views: 2
	// views: 3
}
