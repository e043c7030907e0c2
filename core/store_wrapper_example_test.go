package core_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/sessionkit/sessionkit/core"
)

// countingStore is store middleware: it counts the patches the manager
// sends and passes everything else through. Embedding core.StoreWrapper
// keeps every capability of the wrapped store, so patches stay atomic.
type countingStore struct {
	core.StoreWrapper
	patches *atomic.Int64
}

func (s countingStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	s.patches.Add(1)
	return s.StoreWrapper.Patch(ctx, key, p)
}

func ExampleStoreWrapper() {
	mem := core.NewMemoryStore(core.MemoryStoreOptions{})
	defer mem.Close()
	store := countingStore{StoreWrapper: core.WrapStore(mem), patches: new(atomic.Int64)}
	fmt.Println("capabilities:", core.CapabilitiesOf(store))

	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}, Store: store})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()
	views := core.Key[int]("views")
	h := mgr.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		views.Set(s, views.Get(s)+1)
	}))

	// The first request saves the new session; the next ones patch it.
	var cookies []*http.Cookie
	for range 3 {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		for _, c := range cookies {
			r.AddCookie(c)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if c := w.Result().Cookies(); len(c) > 0 {
			cookies = c
		}
	}
	fmt.Println("patches:", store.patches.Load())
	// Output:
	// capabilities: Patch|Touch|Iterate|Cleanup|Pop|IndexOwners
	// patches: 2
}
