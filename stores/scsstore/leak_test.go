package scsstore_test

import (
	"testing"

	"github.com/alexedwards/scs/v2/memstore"

	"github.com/sessionkit/sessionkit/internal/leaktest"
	"github.com/sessionkit/sessionkit/stores/scsstore"
)

// TestNoLeaks runs the leak scenarios on an scs memstore under every
// adapter. The memstore cannot fail by itself, so the failing calls go to
// leaktest.Failing, whose error text is distinctive. The adapter is a
// whole-record store: a failed patch, touch or pop is a failed Save.
func TestNoLeaks(t *testing.T) {
	t.Parallel()
	live := scsstore.New(memstore.NewWithCleanupInterval(0))
	leaktest.Run(t, leaktest.Backend{Name: "scs memstore", Live: live, Broken: leaktest.Failing{}, FailureText: leaktest.FailureText})
}
