package core_test

import (
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"

	"github.com/sessionkit/sessionkit/core"
)

func ExampleKey() {
	// Any type encoding/json handles works, with no registration. A key is
	// declared once, usually as a package variable, and used in one line
	// wherever the value is read or written.
	type Cart struct {
		Items []string
	}
	cartKey := core.Key[Cart]("cart")

	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("POST /cart/{item}", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		cart := cartKey.Get(s) // an absent key yields an empty Cart
		cart.Items = append(cart.Items, r.PathValue("item"))
		cartKey.Set(s, cart) // a failure to save answers 500 when the session commits
	})
	mux.HandleFunc("GET /cart", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		// A key's name may also be chosen at run time.
		theme, ok := core.Key[string]("theme").Lookup(s)
		if !ok {
			theme = "light"
		}
		fmt.Fprintln(w, cartKey.Get(s).Items, theme)
	})

	srv := httptest.NewServer(mgr.Handler(mux))
	defer srv.Close()
	client := srv.Client()
	client.Jar, _ = cookiejar.New(nil)
	for _, item := range []string{"apple", "pear"} {
		resp, err := client.Post(srv.URL+"/cart/"+item, "", nil)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := client.Get(srv.URL + "/cart")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(os.Stdout, resp.Body)
	// Output:
	// [apple pear] light
}

func ExampleKey_Pop() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	flash := core.Key[string]("flash")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /settings", func(w http.ResponseWriter, r *http.Request) {
		// ... save the settings, then leave a message for the next page.
		flash.Set(core.FromRequest(r), "Settings saved.")
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		// Pop reads the message and removes it: it shows once.
		fmt.Fprintf(w, "flash: %q\n", flash.Pop(core.FromRequest(r)))
	})

	srv := httptest.NewServer(mgr.Handler(mux))
	defer srv.Close()
	client := srv.Client()
	client.Jar, _ = cookiejar.New(nil)
	show := func(resp *http.Response, err error) {
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(os.Stdout, resp.Body)
	}
	show(client.Post(srv.URL+"/settings", "", nil)) // follows the redirect to /
	show(client.Get(srv.URL + "/"))
	// Output:
	// flash: "Settings saved."
	// flash: ""
}
