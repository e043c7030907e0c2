package bench

import (
	"testing"

	"github.com/sessionkit/sessionkit/internal/goroutines"
)

// TestMain fails the run if a subject's closeFn leaves a goroutine behind.
func TestMain(m *testing.M) {
	goroutines.VerifyTestMain(m)
}
