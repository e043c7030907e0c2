package core_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// ownedRequest returns a request carrying a valid cookie for a stored
// session with one int key, bound to an owner when owner is not "".
func ownedRequest(t testing.TB, m *core.Manager, owner string) *http.Request {
	t.Helper()
	seed := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		benchKey.Set(s, 1)
		if owner != "" {
			s.SetOwner(owner)
		}
	}))
	rec := httptest.NewRecorder()
	seed.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	cs := rec.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("seeding request set %d cookies; want 1", len(cs))
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(cs[0])
	return r
}

// BenchmarkReadOwned reads one key of a session with and without an
// owner, on a store that counts its calls: an owner costs no store
// operation on a request that does not list or revoke.
func BenchmarkReadOwned(b *testing.B) {
	_, readKey, _ := benchHandlers()
	for _, owner := range []string{"", "alice"} {
		name := "unowned"
		if owner != "" {
			name = "owned"
		}
		b.Run(name, func(b *testing.B) {
			st, m := withStore(b, newMeteredStore(b), core.Config{})
			r := ownedRequest(b, m, owner)
			st.Reset()
			runBench(b, m.Handler(readKey), r)
			b.ReportMetric(float64(st.Total())/float64(b.N), "storeops/op")
		})
	}
}

// TestOwnedRequestsCostNoExtraStoreOps serves the same requests, reads
// and writes with idle touches due, to an owned and an unowned session
// and compares the store calls each made.
func TestOwnedRequestsCostNoExtraStoreOps(t *testing.T) {
	calls := map[string]map[string]int{}
	for _, owner := range []string{"", "alice"} {
		_, readKey, writeKey := benchHandlers() // each run writes the same values
		st, m := withStore(t, newMeteredStore(t), core.Config{IdleTimeout: time.Hour, TouchInterval: time.Nanosecond})
		r := ownedRequest(t, m, owner)
		st.Reset()
		for i := range 10 {
			h := readKey
			if i%3 == 0 {
				h = writeKey
			}
			rec := httptest.NewRecorder()
			m.Handler(h).ServeHTTP(rec, r)
			if rec.Code != http.StatusNoContent {
				t.Fatalf("request %d on owner %q: status %d", i, owner, rec.Code)
			}
		}
		calls[owner] = map[string]int{}
		for _, op := range []string{"Load", "Save", "Delete", "Patch", "Touch"} {
			calls[owner][op] = st.Calls(op)
		}
	}
	for op, n := range calls[""] {
		if calls["alice"][op] != n {
			t.Errorf("%s calls: %d for an owned session, %d for an unowned one; want the same", op, calls["alice"][op], n)
		}
	}
	if calls[""]["Touch"] == 0 || calls[""]["Patch"] == 0 || calls[""]["Load"] == 0 {
		t.Errorf("calls %v: the requests did not load, patch and touch", calls[""])
	}
}
