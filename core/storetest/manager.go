package storetest

import (
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// testManager is filled in once the engine lands.
func testManager(t *testing.T, s core.Store) {}
