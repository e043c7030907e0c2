package sessionotel_test

import (
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"

	"github.com/sessionkit/sessionkit/internal/goroutines"
)

// handled receives what the tests' Observers report to otel.Handle.
var handled = &errorLog{}

// TestMain fails the package if a test leaves a goroutine behind.
func TestMain(m *testing.M) {
	otel.SetErrorHandler(handled)
	goroutines.VerifyTestMain(m)
}

type errorLog struct {
	mu   sync.Mutex
	errs []string
}

func (l *errorLog) Handle(err error) {
	l.mu.Lock()
	l.errs = append(l.errs, err.Error())
	l.mu.Unlock()
}

// has reports whether an error containing s was handled.
func (l *errorLog) has(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.errs {
		if strings.Contains(e, s) {
			return true
		}
	}
	return false
}
