package scsstore

import (
	"testing"

	"github.com/sessionkit/sessionkit/internal/goroutines"
)

// TestMain fails the run if a test leaves an scs cleanup goroutine or a
// database connection goroutine behind.
func TestMain(m *testing.M) {
	goroutines.VerifyTestMain(m)
}
