package adaptertest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestNetHTTP runs the suite against core's own net/http middleware, the
// reference every framework adapter is held to.
func TestNetHTTP(t *testing.T) {
	adaptertest.Run(t, adaptertest.Adapter{
		NewApp:        newApp,
		NoSessionHint: "is the session middleware installed",
		Paths: []adaptertest.Path{
			{Path: "/r/body", Kind: adaptertest.Body, Status: http.StatusOK},
			{Path: "/r/nothing", Kind: adaptertest.Nothing, Status: http.StatusOK},
			{Path: "/r/nocontent", Kind: adaptertest.NoContent, Status: http.StatusNoContent},
			{Method: http.MethodPost, Path: "/r/redirect", Kind: adaptertest.Redirect, Status: http.StatusFound},
			{Path: "/r/stream", Kind: adaptertest.Stream, Status: http.StatusOK},
		},
	})
}

// TestNetHTTPLoggedOnce checks a store failure under the plainest setup:
// the middleware alone, with no recovery or logging around it.
func TestNetHTTPLoggedOnce(t *testing.T) {
	adaptertest.LoggedOnce(t, func(_ *testing.T, env *adaptertest.Env) http.Handler {
		mux := http.NewServeMux()
		mux.HandleFunc("POST /set/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
			core.Key[string](r.PathValue("key")).Set(core.FromRequest(r), r.PathValue("value"))
			fmt.Fprint(w, "ok")
		})
		mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
			core.FromRequest(r).Destroy()
			fmt.Fprint(w, "ok")
		})
		return env.User.Handler(mux)
	})
}

func newApp(t *testing.T, env *adaptertest.Env) http.Handler {
	sess := http.NewServeMux()
	get := func(s *core.Session, w http.ResponseWriter, key string) {
		fmt.Fprint(w, core.Key[string](key).Get(s))
	}
	set := func(s *core.Session, w http.ResponseWriter, r *http.Request) {
		core.Key[string](r.PathValue("key")).Set(s, r.PathValue("value"))
		fmt.Fprint(w, "ok")
	}
	login := func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		s.Regenerate()
		core.Key[string]("user").Set(s, r.PathValue("user"))
		fmt.Fprint(w, "ok")
	}
	sess.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "pong") })
	sess.HandleFunc("GET /get/{key}", func(w http.ResponseWriter, r *http.Request) {
		get(core.FromRequest(r), w, r.PathValue("key"))
	})
	sess.HandleFunc("GET /user/get/{key}", func(w http.ResponseWriter, r *http.Request) {
		get(env.User.FromContext(r.Context()), w, r.PathValue("key"))
	})
	sess.HandleFunc("GET /admin/get/{key}", func(w http.ResponseWriter, r *http.Request) {
		get(env.Admin.FromContext(r.Context()), w, r.PathValue("key"))
	})
	sess.HandleFunc("POST /set/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
		set(core.FromRequest(r), w, r)
	})
	sess.HandleFunc("POST /admin/set/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
		set(env.Admin.FromContext(r.Context()), w, r)
	})
	sess.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(core.FromRequest(r).Keys())
	})
	sess.HandleFunc("POST /login/{user}", login)
	sess.HandleFunc("POST /owner/login/{user}", func(w http.ResponseWriter, r *http.Request) {
		adaptertest.OwnerLogin(w, core.FromRequest(r), r.PathValue("user"))
	})
	sess.HandleFunc("GET /owner/me", func(w http.ResponseWriter, r *http.Request) { adaptertest.OwnerMe(w, core.FromRequest(r)) })
	sess.HandleFunc("GET /owner/sessions", func(w http.ResponseWriter, r *http.Request) {
		adaptertest.OwnerList(w, r, core.FromRequest(r))
	})
	sess.HandleFunc("POST /owner/revoke/{handle}", func(w http.ResponseWriter, r *http.Request) {
		adaptertest.OwnerRevoke(w, r, core.FromRequest(r), r.PathValue("handle"))
	})
	sess.HandleFunc("POST /owner/revoke-others", func(w http.ResponseWriter, r *http.Request) {
		adaptertest.OwnerRevokeOthers(w, r, core.FromRequest(r))
	})
	sess.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		core.FromRequest(r).Destroy()
		fmt.Fprint(w, "ok")
	})
	sess.HandleFunc("POST /flash/{msg}", func(w http.ResponseWriter, r *http.Request) {
		core.Key[string]("flash").Set(core.FromRequest(r), r.PathValue("msg"))
		http.Redirect(w, r, "/flash", http.StatusSeeOther)
	})
	sess.HandleFunc("GET /flash", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, core.Key[string]("flash").Pop(core.FromRequest(r)))
	})
	sess.HandleFunc("POST /late/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "early")
		http.NewResponseController(w).Flush()
		core.Key[string](r.PathValue("key")).Set(core.FromRequest(r), r.PathValue("value"))
	})
	sess.HandleFunc("POST /panic/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
		core.Key[string](r.PathValue("key")).Set(core.FromRequest(r), r.PathValue("value"))
		panic("adaptertest: deliberate panic")
	})
	mark := func(r *http.Request) { core.Key[string]("path").Set(core.FromRequest(r), r.URL.Path) }
	sess.HandleFunc("GET /r/body", func(w http.ResponseWriter, r *http.Request) {
		mark(r)
		fmt.Fprint(w, "body")
	})
	sess.HandleFunc("GET /r/nothing", func(w http.ResponseWriter, r *http.Request) { mark(r) })
	sess.HandleFunc("GET /r/nocontent", func(w http.ResponseWriter, r *http.Request) {
		mark(r)
		w.WriteHeader(http.StatusNoContent)
	})
	sess.HandleFunc("POST /r/redirect", func(w http.ResponseWriter, r *http.Request) {
		mark(r)
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	sess.HandleFunc("GET /r/stream", func(w http.ResponseWriter, r *http.Request) {
		mark(r)
		fmt.Fprint(w, "one ")
		http.NewResponseController(w).Flush()
		fmt.Fprint(w, "two")
	})

	// The same manager's middleware a second time, on a group.
	twice := http.NewServeMux()
	twice.HandleFunc("GET /twice/ping", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "pong") })
	twice.HandleFunc("GET /twice/get/{key}", func(w http.ResponseWriter, r *http.Request) {
		get(core.FromRequest(r), w, r.PathValue("key"))
	})
	twice.HandleFunc("POST /twice/set/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
		set(core.FromRequest(r), w, r)
	})
	twice.HandleFunc("POST /twice/login/{user}", login)
	sess.Handle("/twice/", env.User.Handler(twice))

	root := http.NewServeMux()
	root.Handle("/", env.Admin.Handler(env.User.Handler(sess)))
	root.HandleFunc("GET /nosession", func(w http.ResponseWriter, r *http.Request) {
		s1, s2 := core.FromRequest(r), env.User.FromContext(r.Context())
		core.Key[string]("k").Set(s1, "v")
		core.Key[string]("k").Set(s2, "v")
		e1, e2 := s1.Err(), s2.Err()
		if !errors.Is(e1, core.ErrNoSession) || !errors.Is(e2, core.ErrNoSession) {
			http.Error(w, fmt.Sprintf("want ErrNoSession; got %v and %v", e1, e2), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%v\n%v\n", e1, e2)
	})
	return recoverer(root)
}

// recoverer turns a panic into a 500, as every framework's recovery does.
func recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				w.WriteHeader(http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
