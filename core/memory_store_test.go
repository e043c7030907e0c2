package core_test

import (
	"testing"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	s := core.NewMemoryStore(core.MemoryStoreOptions{})
	t.Cleanup(func() { s.Close() })
	storetest.Run(t, s)
}
