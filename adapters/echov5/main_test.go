package echosession_test

import (
	"testing"

	"github.com/sessionkit/sessionkit/internal/goroutines"
)

func TestMain(m *testing.M) {
	goroutines.VerifyTestMain(m)
}
