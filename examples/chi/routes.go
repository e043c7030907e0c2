package main

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/examples/internal/app"
)

// newHandler registers the example's routes on a chi router.
func newHandler(mgr *core.Manager) http.Handler {
	r := chi.NewRouter()
	// Recoverer goes first: a panicking handler's session is then
	// abandoned, never committed.
	r.Use(middleware.Recoverer, chisession.Middleware(mgr))
	r.NotFound(app.NotFound)
	r.MethodNotAllowed(app.MethodNotAllowed)

	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		app.ServePage(w, r, chisession.Get(r)) // pops the flash message: shown once
	})
	r.Route("/api", func(r chi.Router) {
		// Handlers check no error per value: a failed load or save is
		// sticky, and the middleware answers 500 in place of the handler's
		// response when it commits.
		r.Get("/views", handle(func(r *http.Request) (any, error) {
			return map[string]int{"views": app.Views.Get(chisession.Get(r))}, nil // absent: 0
		}))
		r.Post("/views", handle(func(r *http.Request) (any, error) {
			s := chisession.Get(r)
			n := app.Views.Get(s) + 1
			// The middleware saves the change and sets the cookie before
			// the response headers go out.
			app.Views.Set(s, n)
			return map[string]int{"views": n}, nil
		}))

		r.Post("/login", handle(func(r *http.Request) (any, error) {
			user, err := app.Field("user", r.PostFormValue("user"))
			if err != nil {
				return nil, err
			}
			s := chisession.Get(r)
			// A new session ID at login defeats session fixation; the data
			// moves with it.
			s.Regenerate()
			app.User.Set(s, user)
			return map[string]string{"user": user}, nil
		}))
		r.Get("/me", handle(func(r *http.Request) (any, error) {
			user := app.User.Get(chisession.Get(r))
			if user == "" {
				return nil, app.Errorf(http.StatusUnauthorized, "not logged in")
			}
			return map[string]string{"user": user}, nil
		}))
		r.Post("/logout", handle(func(r *http.Request) (any, error) {
			chisession.Get(r).Destroy() // deletes the record and clears the cookie
			return map[string]bool{"ok": true}, nil
		}))

		r.Post("/flash", handle(func(r *http.Request) (any, error) {
			msg, err := app.Field("msg", r.PostFormValue("msg"))
			if err != nil {
				return nil, err
			}
			app.Flash.Set(chisession.Get(r), msg)
			return map[string]bool{"ok": true}, nil
		}))
		r.Get("/flash", handle(func(r *http.Request) (any, error) {
			return map[string]string{"flash": app.Flash.Pop(chisession.Get(r))}, nil // read and delete
		}))

		r.Get("/kv", handle(func(r *http.Request) (any, error) {
			return map[string][]string{"keys": chisession.Get(r).Keys()}, nil
		}))
		r.Get("/kv/{key}", handle(func(r *http.Request) (any, error) {
			key := app.PathParam(r, chi.URLParam(r, "key")) // "a%2Fb" is "a/b"
			if err := app.CheckKey(key); err != nil {
				return nil, err
			}
			v, found := core.Key[string](key).Lookup(chisession.Get(r))
			if !found {
				return nil, app.Errorf(http.StatusNotFound, "no key %q in the session", key)
			}
			return map[string]string{"key": key, "value": v}, nil
		}))
		r.Put("/kv/{key}", handle(func(r *http.Request) (any, error) {
			key := app.PathParam(r, chi.URLParam(r, "key")) // "a%2Fb" is "a/b"
			if err := app.CheckKey(key); err != nil {
				return nil, err
			}
			v, err := app.ReadValue(r) // at most 64 KiB
			if err != nil {
				return nil, err
			}
			core.Key[string](key).Set(chisession.Get(r), v)
			return map[string]string{"key": key, "value": v}, nil
		}))
	})
	return r
}

// handle adapts an API handler to net/http: its value is sent as JSON, its
// error (a client error: session failures are the middleware's to report)
// as app.ErrorResponse says, and a form post from the page is redirected
// back to the page.
func handle(h func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		app.Reply(w, r, v, err)
	}
}
