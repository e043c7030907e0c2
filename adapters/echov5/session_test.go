package echosession_test

import (
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v5"
	echosession "github.com/sessionkit/sessionkit/adapters/echov5"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestNoSessionEdgeCases covers accessor inputs no route can produce: they
// must yield ErrNoSession, never a panic.
func TestNoSessionEdgeCases(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	e := echo.New()
	bare := e.NewContext(nil, nil)
	withReq := e.NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
	adaptertest.CheckNoSession(t, []adaptertest.NoSessionCase{
		{Name: "GetNilContext", S: echosession.Get(nil), Hint: "echosession.Middleware"},
		{Name: "GetZeroContext", S: echosession.Get(&echo.Context{}), Hint: "echosession.Middleware"},
		{Name: "GetNoRequest", S: echosession.Get(bare), Hint: "echosession.Middleware"},
		{Name: "GetNoMiddleware", S: echosession.Get(withReq), Hint: "echosession.Middleware"},
		{Name: "GetForNilContext", S: echosession.GetFor(nil, env.User), Hint: adaptertest.UserCookie},
		{Name: "GetForNoMiddleware", S: echosession.GetFor(withReq, env.User), Hint: adaptertest.UserCookie},
		{Name: "GetForNilManager", S: echosession.GetFor(withReq, nil), Hint: "nil *core.Manager"},
	})
}
