// Command nethttp is the smallest sessionkit app: a view counter on plain
// net/http, with core's own middleware and no framework.
//
//	go run ./examples/nethttp
//	curl -c jar -b jar -X POST localhost:8080/api/views   # {"views":1}
//
// It reads the same environment as the other examples (see
// examples/internal/app); examples/chi, examples/gin and examples/echo
// serve the full example contract.
package main

import (
	"net/http"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/examples/internal/app"
)

func main() {
	app.Main(newHandler)
}

// newHandler serves GET and POST /api/views behind mgr.Handler, the
// net/http session middleware.
func newHandler(mgr *core.Manager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/views", func(w http.ResponseWriter, r *http.Request) {
		n := app.Views.Get(core.FromRequest(r)) // absent: 0, and no cookie is set
		app.Reply(w, r, map[string]int{"views": n}, nil)
	})
	mux.HandleFunc("POST /api/views", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		n := app.Views.Get(s) + 1
		app.Views.Set(s, n) // saved, with its cookie, before the headers go out; a failure answers 500
		app.Reply(w, r, map[string]int{"views": n}, nil)
	})
	return mgr.Handler(mux)
}
