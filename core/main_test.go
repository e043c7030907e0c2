package core_test

import (
	"testing"

	"github.com/sessionkit/sessionkit/internal/goroutines"
)

// TestMain fails the package if any test leaves a goroutine behind: every
// server, store sweeper and manager the tests start must be stopped.
func TestMain(m *testing.M) {
	goroutines.VerifyTestMain(m)
}
