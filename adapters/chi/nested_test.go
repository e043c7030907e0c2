package chisession_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"
	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestPanicNotCommitted: a panicking handler's session is not committed
// with the recovery outside the session middleware, nor with the
// middleware installed twice and the recovery between the two installs.
func TestPanicNotCommitted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		outer func(env *adaptertest.Env) []func(http.Handler) http.Handler
	}{
		{"installed once", func(*adaptertest.Env) []func(http.Handler) http.Handler {
			return []func(http.Handler) http.Handler{quietRecoverer}
		}},
		{"installed twice, recovery between", func(env *adaptertest.Env) []func(http.Handler) http.Handler {
			return []func(http.Handler) http.Handler{chisession.Middleware(env.User), quietRecoverer}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			adaptertest.PanicNotCommitted(t, func(_ *testing.T, env *adaptertest.Env) http.Handler {
				r := chi.NewRouter()
				r.Use(tc.outer(env)...)
				r.Group(func(r chi.Router) {
					r.Use(chisession.Middleware(env.User))
					r.Get("/get/{key}", func(w http.ResponseWriter, r *http.Request) {
						io.WriteString(w, core.Key[string](chi.URLParam(r, "key")).Get(chisession.Get(r)))
					})
					r.Post("/set/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
						core.Key[string](chi.URLParam(r, "key")).Set(chisession.Get(r), chi.URLParam(r, "value"))
						io.WriteString(w, "ok")
					})
					r.Post("/panic/{key}/{value}", func(w http.ResponseWriter, r *http.Request) {
						core.Key[string](chi.URLParam(r, "key")).Set(chisession.Get(r), chi.URLParam(r, "value"))
						panic("chisession test: deliberate panic")
					})
				})
				return r
			})
		})
	}
}
