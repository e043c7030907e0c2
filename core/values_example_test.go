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

func ExampleGet() {
	// Any JSON-encodable type works, with no registration.
	type Cart struct {
		Items []string
	}

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
		cart, err := core.Get[Cart](s, "cart") // an absent key yields an empty Cart
		if err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		cart.Items = append(cart.Items, r.PathValue("item"))
		if err := s.Set("cart", cart); err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("GET /cart", func(w http.ResponseWriter, r *http.Request) {
		cart, err := core.Get[Cart](core.FromRequest(r), "cart")
		if err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, cart.Items)
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
	// [apple pear]
}

func ExamplePop() {
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("POST /settings", func(w http.ResponseWriter, r *http.Request) {
		// ... save the settings, then leave a message for the next page.
		if err := core.FromRequest(r).Set("flash", "Settings saved."); err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		// Pop reads the message and removes it: it shows once.
		msg, err := core.Pop[string](core.FromRequest(r), "flash")
		if err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "flash: %q\n", msg)
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
