package contract

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// storeDetail is the text of the failing store's errors, and leakMarker
// the part of it no response may contain.
const (
	storeDetail = leakMarker + ": dial tcp 10.9.8.7:5432: password authentication failed for user app"
	leakMarker  = "store-detail"
)

// failingStore is a memory store that fails every call while failing is
// set, as a store whose server went away does.
type failingStore struct {
	mem     *core.MemoryStore
	failing atomic.Bool
}

var errStore = errors.New(storeDetail)

func (s *failingStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if s.failing.Load() {
		return core.Record{}, false, errStore
	}
	return s.mem.Load(ctx, key)
}

func (s *failingStore) Save(ctx context.Context, key string, rec core.Record) error {
	if s.failing.Load() {
		return errStore
	}
	return s.mem.Save(ctx, key, rec)
}

func (s *failingStore) Delete(ctx context.Context, key string) error {
	if s.failing.Load() {
		return errStore
	}
	return s.mem.Delete(ctx, key)
}

func (s *failingStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if s.failing.Load() {
		return false, errStore
	}
	return s.mem.Patch(ctx, key, p)
}

func (s *failingStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if s.failing.Load() {
		return false, errStore
	}
	return s.mem.Touch(ctx, key, expiry)
}

// testStoreFailure: while the store fails, every route answers 500 with a
// generic message (JSON for the API), sets no cookie and leaks nothing of
// the store's error; the session survives the outage.
func testStoreFailure(t *testing.T, newHandler func(*core.Manager) http.Handler) {
	st := &failingStore{mem: core.NewMemoryStore(core.MemoryStoreOptions{})}
	t.Cleanup(func() { st.mem.Close() })
	srv := start(t, newHandler, st)
	c := srv.client(t)
	step{req: post("/api/views"), status: 200, json: `{"views": 1}`, cookie: setsCookie}.run(t, c)

	st.failing.Store(true)
	fresh := srv.client(t) // no session: the failure comes at commit, when the new session is saved
	for _, tt := range []struct {
		c   *client
		req request
	}{
		{c, get("/api/views")},
		{c, post("/api/views")},
		{c, get("/api/me")},
		{c, post("/api/login", "user", "alice")},
		{c, post("/api/flash", "msg", "hi")},
		{c, get("/api/flash")},
		{c, put("/api/kv/color", "blue")},
		{c, get("/api/kv/color")},
		{c, get("/api/kv")},
		{c, post("/api/logout")},
		{c, submit("/api/views")},
		{fresh, post("/api/views")},
		{fresh, put("/api/kv/color", "blue")},
		{fresh, submit("/api/login", "user", "alice")},
	} {
		step{req: tt.req, status: 500, isErr: true, cookie: noCookie}.run(t, tt.c)
	}
	step{req: get("/"), status: 500, cookie: noCookie}.run(t, c)

	st.failing.Store(false)
	step{req: get("/api/views"), status: 200, json: `{"views": 1}`}.run(t, c)
}
