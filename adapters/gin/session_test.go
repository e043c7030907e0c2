package ginsession_test

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestNoSessionEdgeCases covers accessor inputs no route can produce: they
// must yield ErrNoSession, never a panic.
func TestNoSessionEdgeCases(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	bare, _ := gin.CreateTestContext(httptest.NewRecorder())
	withReq, _ := gin.CreateTestContext(httptest.NewRecorder())
	withReq.Request = httptest.NewRequest("GET", "/", nil)
	adaptertest.CheckNoSession(t, []adaptertest.NoSessionCase{
		{Name: "GetNilContext", S: ginsession.Get(nil), Hint: "ginsession.Middleware"},
		{Name: "GetNoRequest", S: ginsession.Get(bare), Hint: "ginsession.Middleware"},
		{Name: "GetNoMiddleware", S: ginsession.Get(withReq), Hint: "ginsession.Middleware"},
		{Name: "GetForNoMiddleware", S: ginsession.GetFor(withReq, env.User), Hint: adaptertest.UserCookie},
		{Name: "GetForNilManager", S: ginsession.GetFor(withReq, nil), Hint: "nil *core.Manager"},
	})
}
