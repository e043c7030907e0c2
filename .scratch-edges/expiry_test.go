package scratch

import (
	"net/http"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/adaptertest"
)

func chiApp(t *testing.T, env *adaptertest.Env) http.Handler {
	r := chi.NewRouter()
	r.Use(chisession.Middleware(env.User))
	r.Post("/set/{k}/{v}", func(w http.ResponseWriter, r *http.Request) {
		chisession.Get(r).Set(chi.URLParam(r, "k"), chi.URLParam(r, "v"))
		w.Write([]byte("ok"))
	})
	r.Get("/get/{k}", func(w http.ResponseWriter, r *http.Request) {
		v, _ := core.Get[string](chisession.Get(r), chi.URLParam(r, "k"))
		w.Write([]byte(v))
	})
	return r
}

// Mirrors adaptertest.testIdleExpiry: does the final request even carry a cookie?
func TestIdleExpiryTestSendsNoCookie(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{IdleTimeout: time.Second, Lifetime: time.Minute})
	c := adaptertest.Serve(t, chiApp, env)
	resp := c.Post("/set/k/v")
	ck := adaptertest.SetCookie(resp, adaptertest.UserCookie)
	t.Logf("Set-Cookie Max-Age=%d", ck.MaxAge)
	time.Sleep(1600 * time.Millisecond)
	t.Logf("jar still holds the session cookie after 1.6s: %v", c.Cookie(adaptertest.UserCookie) != nil)
	_, body := c.Replay(ck, http.MethodGet, "/get/k")
	t.Logf("replaying the cookie explicitly: GET /get/k = %q", body)
}
