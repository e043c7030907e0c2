package chisession_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/adaptertest"
)

// TestNoSessionEdgeCases covers accessor inputs no route can produce: they
// must yield ErrNoSession, never a panic.
func TestNoSessionEdgeCases(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	req := httptest.NewRequest("GET", "/", nil)
	tests := []struct {
		name string
		s    *core.Session
		hint string
	}{
		{"GetNilRequest", chisession.Get(nil), "chisession.Middleware"},
		{"GetNoMiddleware", chisession.Get(req), "chisession.Middleware"},
		{"FromContextNoMiddleware", chisession.FromContext(context.Background()), "chisession.Middleware"},
		{"GetForNoMiddleware", chisession.GetFor(req, env.User), adaptertest.UserCookie},
		{"GetForNilManager", chisession.GetFor(req, nil), "nil *core.Manager"},
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
