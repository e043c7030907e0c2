package main

import (
	"testing"

	"github.com/sessionkit/sessionkit/examples/internal/contract"
)

func TestContract(t *testing.T) {
	t.Parallel()
	contract.Run(t, newHandler)
}

// TestLogsEachFailureOnce replaces slog's default logger while it runs, so
// it is not parallel.
func TestLogsEachFailureOnce(t *testing.T) {
	contract.LogsEachFailureOnce(t, newHandler)
}
