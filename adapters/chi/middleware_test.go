package chisession_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

const compressible = "a body long enough to be worth compressing, compressing, compressing"

func TestBehaviour(t *testing.T) {
	gz := http.Header{"Accept-Encoding": {"gzip"}}
	adaptertest.Run(t, adaptertest.Adapter{
		NewApp:        newApp,
		NoSessionHint: "chisession.Middleware",
		Paths: []adaptertest.Path{
			{Path: "/r/body", Kind: adaptertest.Body, Status: http.StatusOK},
			{Path: "/r/nothing", Kind: adaptertest.Nothing, Status: http.StatusOK},
			{Path: "/r/nocontent", Kind: adaptertest.NoContent, Status: http.StatusNoContent},
			{Path: "/r/redirect", Kind: adaptertest.Redirect, Status: http.StatusFound},
			{Method: http.MethodPost, Path: "/r/redirect", Kind: adaptertest.Redirect, Status: http.StatusSeeOther},
			{Path: "/r/stream", Kind: adaptertest.Stream, Status: http.StatusOK, Check: adaptertest.WantBody("one two")},
			{Path: "/r/compress-outside", Kind: adaptertest.Body, Status: http.StatusOK, Header: gz, Check: adaptertest.WantGzip(compressible)},
			{Path: "/r/compress-stream", Kind: adaptertest.Stream, Status: http.StatusOK, Header: gz, Check: adaptertest.WantGzip("one two")},
		},
	})
}

// quietRecoverer is chi's Recoverer with its stack trace sent nowhere.
func quietRecoverer(next http.Handler) http.Handler {
	rec := middleware.Recoverer(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.ServeHTTP(w, middleware.WithLogEntry(r, quietEntry{}))
	})
}

type quietEntry struct{}

func (quietEntry) Write(int, int, http.Header, time.Duration, any) {}
func (quietEntry) Panic(any, []byte)                               {}

// newApp builds the adaptertest route contract with chi.
func newApp(t *testing.T, env *adaptertest.Env) http.Handler {
	r := chi.NewRouter()
	r.Use(quietRecoverer)
	r.Get("/nosession", func(w http.ResponseWriter, r *http.Request) {
		s1, s2 := chisession.Get(r), chisession.GetFor(r, env.User)
		core.Key[string]("k").Set(s1, "v")
		core.Key[string]("k").Set(s2, "v")
		e1, e2 := s1.Err(), s2.Err()
		if !errors.Is(e1, core.ErrNoSession) || !errors.Is(e2, core.ErrNoSession) {
			http.Error(w, fmt.Sprintf("want ErrNoSession; got %v and %v", e1, e2), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%v\n%v\n", e1, e2)
	})
	sessions := []func(http.Handler) http.Handler{chisession.Middleware(env.Admin), chisession.Middleware(env.User)}
	mark := func(r *http.Request) { core.Key[string]("path").Set(chisession.Get(r), r.URL.Path) }
	writeCompressible := func(w http.ResponseWriter, r *http.Request) {
		mark(r)
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, compressible)
	}

	r.Group(func(r chi.Router) {
		r.Use(middleware.Compress(5))
		r.Use(sessions...)
		r.Get("/r/compress-outside", writeCompressible)
		r.Get("/r/compress-stream", func(w http.ResponseWriter, r *http.Request) {
			mark(r)
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "one ")
			http.NewResponseController(w).Flush()
			io.WriteString(w, "two")
		})
	})

	r.Group(func(r chi.Router) {
		r.Use(sessions...)
		r.With(middleware.Compress(5)).Get("/r/compress-inside", writeCompressible)
		get := func(s *core.Session, w http.ResponseWriter, key string) {
			io.WriteString(w, core.Key[string](key).Get(s))
		}
		set := func(s *core.Session, w http.ResponseWriter, r *http.Request) {
			core.Key[string](chi.URLParam(r, "key")).Set(s, chi.URLParam(r, "value"))
			io.WriteString(w, "ok")
		}
		login := func(w http.ResponseWriter, r *http.Request) {
			s := chisession.Get(r)
			s.Regenerate()
			core.Key[string]("user").Set(s, chi.URLParam(r, "user"))
			io.WriteString(w, "ok")
		}
		r.Get("/ping", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "pong") })
		r.Get("/get/{key}", func(w http.ResponseWriter, r *http.Request) {
			get(chisession.Get(r), w, chi.URLParam(r, "key"))
		})
		r.Get("/user/get/{key}", func(w http.ResponseWriter, r *http.Request) {
			get(chisession.GetFor(r, env.User), w, chi.URLParam(r, "key"))
		})
		r.Get("/admin/get/{key}", func(w http.ResponseWriter, r *http.Request) {
			get(chisession.GetFor(r, env.Admin), w, chi.URLParam(r, "key"))
		})
		r.Post("/set/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
			set(chisession.Get(r), w, r)
		})
		r.Post("/admin/set/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
			set(chisession.GetFor(r, env.Admin), w, r)
		})
		r.Get("/keys", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(chisession.FromContext(r.Context()).Keys())
		})
		r.Post("/login/{user}", login)
		r.Post("/owner/login/{user}", func(w http.ResponseWriter, r *http.Request) {
			adaptertest.OwnerLogin(w, chisession.Get(r), chi.URLParam(r, "user"))
		})
		r.Get("/owner/me", func(w http.ResponseWriter, r *http.Request) { adaptertest.OwnerMe(w, chisession.Get(r)) })
		r.Get("/owner/sessions", func(w http.ResponseWriter, r *http.Request) { adaptertest.OwnerList(w, r, chisession.Get(r)) })
		r.Post("/owner/revoke/{handle}", func(w http.ResponseWriter, r *http.Request) {
			adaptertest.OwnerRevoke(w, r, chisession.Get(r), chi.URLParam(r, "handle"))
		})
		r.Post("/owner/revoke-others", func(w http.ResponseWriter, r *http.Request) {
			adaptertest.OwnerRevokeOthers(w, r, chisession.Get(r))
		})
		r.Post("/logout", func(w http.ResponseWriter, r *http.Request) {
			chisession.Get(r).Destroy()
			io.WriteString(w, "ok")
		})
		r.Post("/flash/{msg}", func(w http.ResponseWriter, r *http.Request) {
			core.Key[string]("flash").Set(chisession.Get(r), chi.URLParam(r, "msg"))
			http.Redirect(w, r, "/flash", http.StatusSeeOther)
		})
		r.Get("/flash", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, core.Key[string]("flash").Pop(chisession.Get(r)))
		})
		r.Post("/late/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "early")
			http.NewResponseController(w).Flush()
			core.Key[string](chi.URLParam(r, "key")).Set(chisession.Get(r), chi.URLParam(r, "value"))
		})
		r.Post("/panic/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
			core.Key[string](chi.URLParam(r, "key")).Set(chisession.Get(r), chi.URLParam(r, "value"))
			panic("chisession test: deliberate panic")
		})

		// The User manager's middleware a second time, on a subrouter.
		r.Route("/twice", func(r chi.Router) {
			r.Use(chisession.Middleware(env.User))
			r.Get("/ping", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "pong") })
			r.Get("/get/{key}", func(w http.ResponseWriter, r *http.Request) {
				get(chisession.Get(r), w, chi.URLParam(r, "key"))
			})
			r.Post("/set/{key}/{value}", func(w http.ResponseWriter, r *http.Request) { set(chisession.Get(r), w, r) })
			r.With(chisession.Middleware(env.User)).Post("/login/{user}", login) // and a third time, with With
		})

		r.Get("/r/body", func(w http.ResponseWriter, r *http.Request) { mark(r); io.WriteString(w, "body") })
		r.Get("/r/nothing", func(w http.ResponseWriter, r *http.Request) { mark(r) })
		r.Get("/r/nocontent", func(w http.ResponseWriter, r *http.Request) {
			mark(r)
			w.WriteHeader(http.StatusNoContent)
		})
		r.Get("/r/redirect", func(w http.ResponseWriter, r *http.Request) {
			mark(r)
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		})
		r.Post("/r/redirect", func(w http.ResponseWriter, r *http.Request) {
			mark(r)
			http.Redirect(w, r, "/elsewhere", http.StatusSeeOther)
		})
		r.Get("/r/stream", func(w http.ResponseWriter, r *http.Request) {
			mark(r)
			io.WriteString(w, "one ")
			http.NewResponseController(w).Flush()
			io.WriteString(w, "two")
		})
	})
	return r
}

// TestCompressInside covers middleware.Compress installed after the session
// middleware, on the route. Its commit-failure case is left out of the
// suite's Paths because of a known core issue: the failed commit is answered
// on a header map where Compress already set Content-Encoding: gzip, and
// core's error response does not remove it, so the plain-text 500 arrives
// labelled as gzip.
func TestCompressInside(t *testing.T) {
	gz := http.Header{"Accept-Encoding": {"gzip"}}
	t.Run("CookieAndCompressedBody", func(t *testing.T) {
		t.Parallel()
		env := adaptertest.NewEnv(t, adaptertest.Options{})
		c := adaptertest.Serve(t, newApp, env)
		resp, body := c.Do(http.MethodGet, "/r/compress-inside", gz)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /r/compress-inside = %d %q; want 200", resp.StatusCode, body)
		}
		adaptertest.WantGzip(compressible)(t, resp, body)
		if ck := adaptertest.SetCookie(resp, adaptertest.UserCookie); ck == nil || ck.Value == "" {
			t.Errorf("GET /r/compress-inside: Set-Cookie %v; want the new session's cookie", ck)
		}
		if got := c.Get("/get/path"); got != "/r/compress-inside" {
			t.Errorf("GET /get/path = %q; want %q", got, "/r/compress-inside")
		}
	})
	t.Run("CommitFailure", func(t *testing.T) {
		t.Parallel()
		env := adaptertest.NewEnv(t, adaptertest.Options{})
		c := adaptertest.Serve(t, newApp, env)
		env.Store().SetFailing(true)
		resp, body := c.Do(http.MethodGet, "/r/compress-inside", gz)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("GET /r/compress-inside with a failing store = %d; want 500", resp.StatusCode)
		}
		// The error response replaces the compressed body, so the encoding
		// Compress announced must go with it.
		if ce := resp.Header.Get("Content-Encoding"); ce != "" {
			t.Errorf("error response Content-Encoding = %q; want none", ce)
		}
		if want := http.StatusText(http.StatusInternalServerError) + "\n"; body != want {
			t.Errorf("error response body = %q; want %q", body, want)
		}
	})
}

// TestStoreFailureLoggedOnce runs the logging check on the README's
// quick-start setup, where the manager's Logger alone reports the failure.
func TestStoreFailureLoggedOnce(t *testing.T) {
	adaptertest.LoggedOnce(t, func(_ *testing.T, env *adaptertest.Env) http.Handler {
		r := chi.NewRouter()
		r.Use(quietRecoverer, chisession.Middleware(env.User))
		r.Post("/set/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
			core.Key[string](chi.URLParam(r, "key")).Set(chisession.Get(r), chi.URLParam(r, "value"))
		})
		r.Post("/logout", func(w http.ResponseWriter, r *http.Request) { chisession.Get(r).Destroy() })
		return r
	})
}

func TestMiddlewareNilManagerPanics(t *testing.T) {
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "nil *core.Manager") {
			t.Errorf("Middleware(nil) panicked with %v; want a message naming the nil *core.Manager", v)
		}
	}()
	chisession.Middleware(nil)
}
