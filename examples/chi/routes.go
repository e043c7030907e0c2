package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"

	"github.com/go-chi/chi/v5"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
)

// newHandler returns the app on a chi router, serving mgr's sessions; the
// page shows pageURL as the address it is served on.
func newHandler(mgr *core.Manager, pageURL string) http.Handler {
	r := chi.NewRouter()
	// recoverJSON goes first: a panicking handler's session is then
	// abandoned, never committed.
	r.Use(recoverJSON, chisession.Middleware(mgr))
	r.NotFound(notFound)
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		methodNotAllowed(w, allowedMethods(r, req))
	})
	// api adapts an API handler: see respond.
	api := func(h func(r *http.Request) (any, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			v, err := h(r)
			respond(w, r, chisession.Get(r), pageURL, v, err)
		}
	}
	// Handlers check no error per value: a failed load or save is sticky,
	// and the middleware answers 500 in place of the handler's response
	// when it commits, just before the response headers go out.

	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		servePage(w, r, chisession.Get(r), pageURL, http.StatusOK, "") // pops the flash message: shown once
	})

	r.Get("/api/views", api(func(r *http.Request) (any, error) {
		return map[string]int{"views": viewsKey.Get(chisession.Get(r))}, nil // absent: 0
	}))
	r.Post("/api/views", api(func(r *http.Request) (any, error) {
		s := chisession.Get(r)
		n := viewsKey.Get(s) + 1
		viewsKey.Set(s, n) // saved, and the cookie set, before the headers go out
		return map[string]int{"views": n}, nil
	}))

	r.Post("/api/login", api(func(r *http.Request) (any, error) {
		name, err := field("user", r.PostFormValue("user"))
		if err != nil {
			return nil, err
		}
		s := chisession.Get(r)
		// A new session ID at login defeats session fixation; the data
		// moves with it. SetOwner binds the session to the user, so that
		// they can list and revoke their sessions (and, with
		// SESSION_MAX_PER_USER, their oldest is signed out).
		s.Regenerate()
		s.SetOwner(name)
		userKey.Set(s, name)
		return map[string]string{"user": name}, nil
	}))
	r.Get("/api/me", api(func(r *http.Request) (any, error) {
		name := userKey.Get(chisession.Get(r))
		if name == "" {
			return nil, errorf(http.StatusUnauthorized, "not logged in")
		}
		return map[string]string{"user": name}, nil
	}))
	r.Post("/api/logout", api(func(r *http.Request) (any, error) {
		chisession.Get(r).Destroy() // deletes the record and clears the cookie
		return map[string]bool{"ok": true}, nil
	}))

	// The user's sessions, named by handles, never by session IDs (see
	// devices.go). Without a logged-in user they answer 401.
	r.Get("/api/sessions", api(func(r *http.Request) (any, error) {
		list, err := chisession.Get(r).OwnerSessions(r.Context())
		if err != nil {
			return nil, ownerError(err)
		}
		return sessionsJSON(list), nil
	}))
	r.Delete("/api/sessions/{id}", api(func(r *http.Request) (any, error) {
		// Revoking the caller's own session logs it out, as logout does.
		if err := chisession.Get(r).RevokeSession(r.Context(), pathParam(r, "id")); err != nil {
			return nil, ownerError(err)
		}
		return map[string]bool{"ok": true}, nil
	}))
	r.Post("/api/sessions/revoke-others", api(func(r *http.Request) (any, error) {
		n, err := chisession.Get(r).RevokeOthers(r.Context())
		if err != nil {
			return nil, ownerError(err)
		}
		return map[string]int{"revoked": n}, nil
	}))
	// The page's forms for them: HTML forms can only POST.
	r.Post("/sessions/revoke", func(w http.ResponseWriter, r *http.Request) {
		s := chisession.Get(r)
		flash, err := revokeDevice(r.Context(), s, r.PostFormValue("id"))
		respondPage(w, r, s, pageURL, flash, err)
	})
	r.Post("/sessions/revoke-others", func(w http.ResponseWriter, r *http.Request) {
		s := chisession.Get(r)
		n, err := s.RevokeOthers(r.Context())
		respondPage(w, r, s, pageURL, revokedOthers(n), ownerError(err))
	})

	r.Post("/api/flash", api(func(r *http.Request) (any, error) {
		msg, err := field("msg", r.PostFormValue("msg"))
		if err != nil {
			return nil, err
		}
		flashKey.Set(chisession.Get(r), msg)
		return map[string]bool{"ok": true}, nil
	}))
	r.Get("/api/flash", api(func(r *http.Request) (any, error) {
		return map[string]string{"flash": flashKey.Pop(chisession.Get(r))}, nil // read and delete
	}))

	r.Get("/api/kv", api(func(r *http.Request) (any, error) {
		return map[string][]string{"keys": chisession.Get(r).Keys()}, nil
	}))
	r.Get("/api/kv/{key}", api(func(r *http.Request) (any, error) {
		key := pathParam(r, "key")
		if err := checkKey(key); err != nil {
			return nil, err
		}
		v, found := core.Key[string](key).Lookup(chisession.Get(r))
		if !found {
			return nil, errorf(http.StatusNotFound, "no key %q in the session", key)
		}
		return map[string]string{"key": key, "value": v}, nil
	}))
	r.Put("/api/kv/{key}", api(func(r *http.Request) (any, error) {
		key := pathParam(r, "key")
		if err := checkKey(key); err != nil {
			return nil, err
		}
		v, err := readValue(r) // at most 64 KiB
		if err != nil {
			return nil, err
		}
		if err := setValue(chisession.Get(r), key, v); err != nil { // a key express-session reserves: 400
			return nil, err
		}
		return map[string]string{"key": key, "value": v}, nil
	}))
	return protect(r)
}

// pathParam returns the path parameter name, decoded: chi routes on the
// escaped path when the request has one (a key such as "a/b" arrives as
// a%2Fb) and then hands over the raw value.
func pathParam(r *http.Request, name string) string {
	raw := chi.URLParam(r, name)
	if r.URL.RawPath == "" {
		return raw
	}
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return raw
}

// allowedMethods returns the methods routes serves at r's path, for the
// Allow header of a 405.
func allowedMethods(routes chi.Routes, r *http.Request) []string {
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if routes.Match(chi.NewRouteContext(), m, path) {
			allow = append(allow, m)
		}
	}
	return allow
}

// recoverJSON answers a panicking handler with the generic 500, after
// logging the panic once with its stack, as chi's middleware.Recoverer
// would, but in JSON like every other error. http.ErrAbortHandler passes
// through: net/http then aborts the response, as the handler asked.
func recoverJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			slog.ErrorContext(r.Context(), "handler panicked", "error", fmt.Sprint(v),
				"method", r.Method, "path", r.URL.Path, "stack", string(debug.Stack()))
			writeFailure(w, r)
		}()
		next.ServeHTTP(w, r)
	})
}
