package core_test

import (
	"testing"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/patchfuzz"
)

// FuzzMemoryStorePatch runs programs of Save, Patch, Touch, Pop, Delete and
// Load against a MemoryStore. Property: after every operation both records
// hold exactly what the store contract's model holds, values byte for byte.
func FuzzMemoryStorePatch(f *testing.F) {
	for _, seed := range patchfuzz.Seeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, program []byte) {
		s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
		defer s.Close()
		patchfuzz.Run(t, s, program)
	})
}
