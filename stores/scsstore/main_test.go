package scsstore

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves an scs cleanup goroutine or a
// database connection goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
