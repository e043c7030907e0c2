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
		r.Get("/views", handle(func(r *http.Request) (any, error) {
			n, err := core.Get[int](chisession.Get(r), "views") // absent: 0
			return map[string]int{"views": n}, err
		}))
		r.Post("/views", handle(func(r *http.Request) (any, error) {
			s := chisession.Get(r)
			n, err := core.Get[int](s, "views")
			if err != nil {
				return nil, err
			}
			// The middleware saves the change and sets the cookie before
			// the response headers go out.
			return map[string]int{"views": n + 1}, s.Set("views", n+1)
		}))

		r.Post("/login", handle(func(r *http.Request) (any, error) {
			user, err := app.Field("user", r.PostFormValue("user"))
			if err != nil {
				return nil, err
			}
			s := chisession.Get(r)
			// A new session ID at login defeats session fixation; the data
			// moves with it.
			if err := s.Regenerate(); err != nil {
				return nil, err
			}
			return map[string]string{"user": user}, s.Set("user", user)
		}))
		r.Get("/me", handle(func(r *http.Request) (any, error) {
			user, err := core.Get[string](chisession.Get(r), "user")
			if err == nil && user == "" {
				err = app.Errorf(http.StatusUnauthorized, "not logged in")
			}
			return map[string]string{"user": user}, err
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
			return map[string]bool{"ok": true}, chisession.Get(r).Set("flash", msg)
		}))
		r.Get("/flash", handle(func(r *http.Request) (any, error) {
			msg, err := core.Pop[string](chisession.Get(r), "flash") // read and delete
			return map[string]string{"flash": msg}, err
		}))

		r.Get("/kv", handle(func(r *http.Request) (any, error) {
			s := chisession.Get(r)
			// Keys reports no keys when the store fails; Load surfaces that.
			if err := s.Load(r.Context()); err != nil {
				return nil, err
			}
			return map[string][]string{"keys": append([]string{}, s.Keys()...)}, nil
		}))
		r.Get("/kv/{key}", handle(func(r *http.Request) (any, error) {
			key := app.PathParam(r, chi.URLParam(r, "key")) // "a%2Fb" is "a/b"
			if err := app.CheckKey(key); err != nil {
				return nil, err
			}
			v, found, err := core.Lookup[string](chisession.Get(r), key)
			if err == nil && !found {
				err = app.Errorf(http.StatusNotFound, "no key %q in the session", key)
			}
			return map[string]string{"key": key, "value": v}, err
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
			return map[string]string{"key": key, "value": v}, chisession.Get(r).Set(key, v)
		}))
	})
	return r
}

// handle adapts an API handler to net/http: its value is sent as JSON, its
// error as app.ErrorResponse says, and a form post from the page is
// redirected back to the page.
func handle(h func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		app.Reply(w, r, v, err)
	}
}
