package chisession_test

import (
	"context"
	"net/http/httptest"
	"testing"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestNoSessionEdgeCases covers accessor inputs no route can produce: they
// must yield ErrNoSession, never a panic.
func TestNoSessionEdgeCases(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	req := httptest.NewRequest("GET", "/", nil)
	adaptertest.CheckNoSession(t, []adaptertest.NoSessionCase{
		{Name: "GetNilRequest", S: chisession.Get(nil), Hint: "chisession.Middleware"},
		{Name: "GetNoMiddleware", S: chisession.Get(req), Hint: "chisession.Middleware"},
		{Name: "FromContextNoMiddleware", S: chisession.FromContext(context.Background()), Hint: "chisession.Middleware"},
		{Name: "GetForNoMiddleware", S: chisession.GetFor(req, env.User), Hint: adaptertest.UserCookie},
		{Name: "GetForNilManager", S: chisession.GetFor(req, nil), Hint: "nil *core.Manager"},
	})
}
