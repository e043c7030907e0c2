package main

import (
	"testing"

	"github.com/sessionkit/sessionkit/examples/contract"
)

// TestExpressCompat runs the app with SESSION_COMPAT=express and
// express-migrate next to a real express-session app on Node.js, over
// Redis and over PostgreSQL (see contract.RunExpress). Without Node.js,
// Redis or PostgreSQL its subtests skip, or fail under CI=true.
func TestExpressCompat(t *testing.T) {
	t.Parallel()
	contract.RunExpress(t, app)
}
