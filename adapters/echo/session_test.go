package echosession_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	echosession "github.com/sessionkit/sessionkit/adapters/echo"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/adaptertest"
)

// TestNoSessionEdgeCases covers accessor inputs no route can produce: they
// must yield ErrNoSession, never a panic.
func TestNoSessionEdgeCases(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	e := echo.New()
	bare := e.NewContext(nil, nil)
	withReq := e.NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
	tests := []struct {
		name string
		s    *core.Session
		hint string
	}{
		{"GetNilContext", echosession.Get(nil), "echosession.Middleware"},
		{"GetNoRequest", echosession.Get(bare), "echosession.Middleware"},
		{"GetNoMiddleware", echosession.Get(withReq), "echosession.Middleware"},
		{"GetForNoMiddleware", echosession.GetFor(withReq, env.User), adaptertest.UserCookie},
		{"GetForNilManager", echosession.GetFor(withReq, nil), "nil *core.Manager"},
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
