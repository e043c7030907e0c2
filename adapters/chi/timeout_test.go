package chisession_test

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestTimeout runs handlers past middleware.Timeout's deadline, with the
// timeout outside the session middleware and on the route inside it.
func TestTimeout(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	const limit = 50 * time.Millisecond
	slow := func(write bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s := chisession.Get(r)
			if core.Key[string]("seed").Get(s); s.Err() != nil {
				t.Errorf("Get before the deadline: %v", s.Err())
			}
			if write {
				core.Key[string]("slow").Set(s, r.URL.Path)
			}
			<-r.Context().Done()
		}
	}
	r := chi.NewRouter()
	r.Group(func(r chi.Router) {
		r.Use(middleware.Timeout(limit), chisession.Middleware(env.User))
		r.Get("/outside/read", slow(false))
		r.Get("/outside/write", slow(true))
	})
	r.Group(func(r chi.Router) {
		r.Use(chisession.Middleware(env.User))
		r.Post("/seed", func(w http.ResponseWriter, r *http.Request) {
			core.Key[string]("seed").Set(chisession.Get(r), "planted")
		})
		r.Get("/get/{key}", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, core.Key[string](chi.URLParam(r, "key")).Get(chisession.Get(r)))
		})
		r.With(middleware.Timeout(limit)).Get("/inside/write", slow(true))
	})
	srv := httptest.NewUnstartedServer(r)
	// Timeout's late WriteHeader after a session error response is logged
	// by net/http as superfluous; keep the test output clean.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	c := adaptertest.NewClient(t, srv)
	c.Post("/seed")

	t.Run("OutsideRead", func(t *testing.T) {
		resp, body := c.Do(http.MethodGet, "/outside/read", nil)
		if resp.StatusCode != http.StatusGatewayTimeout {
			t.Errorf("GET /outside/read = %d %q; want Timeout's 504", resp.StatusCode, body)
		}
	})
	t.Run("InsideWrite", func(t *testing.T) {
		resp, body := c.Do(http.MethodGet, "/inside/write", nil)
		if resp.StatusCode != http.StatusGatewayTimeout {
			t.Errorf("GET /inside/write = %d %q; want Timeout's 504", resp.StatusCode, body)
		}
		if got := c.Get("/get/slow"); got != "/inside/write" {
			t.Errorf("GET /get/slow = %q; want %q: the session middleware outside the timeout still commits", got, "/inside/write")
		}
	})
	t.Run("OutsideWrite", func(t *testing.T) {
		// The commit does not inherit the expired deadline: the change is
		// saved and Timeout answers.
		resp, body := c.Do(http.MethodGet, "/outside/write", nil)
		if resp.StatusCode != http.StatusGatewayTimeout {
			t.Errorf("GET /outside/write = %d %q; want Timeout's 504", resp.StatusCode, body)
		}
		if got := c.Get("/get/slow"); got != "/outside/write" {
			t.Errorf("GET /get/slow = %q; want %q: a timed-out handler's change must still be saved", got, "/outside/write")
		}
		if errs := env.Errors(); len(errs) > 0 {
			t.Errorf("reported errors %v; want none", errs)
		}
	})
}
