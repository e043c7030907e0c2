package ginsession_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/adaptertest"
)

// TestNoSessionEdgeCases covers accessor inputs no route can produce: they
// must yield ErrNoSession, never a panic.
func TestNoSessionEdgeCases(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	bare, _ := gin.CreateTestContext(httptest.NewRecorder())
	withReq, _ := gin.CreateTestContext(httptest.NewRecorder())
	withReq.Request = httptest.NewRequest("GET", "/", nil)
	tests := []struct {
		name string
		s    *core.Session
		hint string
	}{
		{"GetNilContext", ginsession.Get(nil), "ginsession.Middleware"},
		{"GetNoRequest", ginsession.Get(bare), "ginsession.Middleware"},
		{"GetNoMiddleware", ginsession.Get(withReq), "ginsession.Middleware"},
		{"GetForNoMiddleware", ginsession.GetFor(withReq, env.User), adaptertest.UserCookie},
		{"GetForNilManager", ginsession.GetFor(withReq, nil), "nil *core.Manager"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.s == nil {
				t.Fatal("accessor returned nil")
			}
			err := tt.s.Set("k", "v")
			if !errors.Is(err, core.ErrNoSession) || !strings.Contains(err.Error(), tt.hint) {
				t.Errorf("Set = %v; want core.ErrNoSession mentioning %q", err, tt.hint)
			}
		})
	}
}
