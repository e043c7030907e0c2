package bench

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a subject's closeFn leaves a goroutine behind.
// scs's default memory store sweeper is the one exception: scs.New always
// starts it and its StopCleanup is racy (it reads the stop channel the
// goroutine itself creates), so it cannot be stopped without a data race.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/alexedwards/scs/v2/memstore.(*MemStore).startCleanup"))
}
