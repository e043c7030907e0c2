package main

import (
	"testing"

	"github.com/sessionkit/sessionkit/examples/internal/contract"
)

func TestContract(t *testing.T) {
	t.Parallel()
	contract.Run(t, newHandler)
}
