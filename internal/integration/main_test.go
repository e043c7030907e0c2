package integration_test

import (
	"testing"

	"github.com/sessionkit/sessionkit/internal/testenv"
)

// TestMain fails the package if any goroutine (a store's job, a client's
// pool, a test server, a manager) outlives the tests, and reports each
// missing service once, where go test without -v shows it.
func TestMain(m *testing.M) {
	testenv.Main(m)
}
