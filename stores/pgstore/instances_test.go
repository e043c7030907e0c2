package pgstore_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// twoInstances starts two app instances, each with its own pool, store and
// manager, sharing one table and the secret: a load-balanced deployment.
func twoInstances(t *testing.T) (a, b *app, st *pgstore.Store) {
	t.Helper()
	poolA, _ := newPool(t)
	poolB, _ := newPool(t)
	table := newTable(t, poolA)
	stA := newStore(t, poolA, pgstore.Options{Table: table, CleanupInterval: -1})
	stB := newStore(t, poolB, pgstore.Options{Table: table, CleanupInterval: -1})
	return newApp(t, stA, 5*time.Second), newApp(t, stB, 5*time.Second), stA
}

func TestSessionMovesBetweenInstances(t *testing.T) {
	t.Parallel()
	a, b, st := twoInstances(t)
	c := newClient(t)

	mustCall(t, c, a, "POST", "/set/user?v=alice")
	cookie := sessionCookie(c, b)
	if cookie == nil {
		t.Fatal("A's response left no session cookie for B in the jar")
	}
	id := mustCall(t, c, a, "GET", "/id")
	if got := mustCall(t, c, b, "GET", "/get/user"); got != "alice" {
		t.Errorf("B: GET /get/user = %q; want alice, written on A", got)
	}
	mustCall(t, c, b, "POST", "/set/user?v=bob")
	if got := mustCall(t, c, a, "GET", "/get/user"); got != "bob" {
		t.Errorf("A: GET /get/user = %q; want bob, written on B", got)
	}

	r, err := call(c, b, "POST", "/destroy")
	if err != nil || r.status != http.StatusOK {
		t.Fatalf("B: POST /destroy = %v, %v; want 200", r.status, err)
	}
	cleared := false
	for _, ck := range r.resp.Cookies() {
		if ck.Name == core.DefaultCookieName && ck.MaxAge < 0 {
			cleared = true
		}
	}
	if !cleared {
		t.Errorf("B: POST /destroy set cookies %v; want the session cookie cleared", r.resp.Cookies())
	}
	if ck := sessionCookie(c, a); ck != nil {
		t.Errorf("jar still holds session cookie %v after Destroy", ck)
	}
	if _, found, err := st.Load(ctxT(t), a.mgr.StoreKey(id)); err != nil || found {
		t.Errorf("Load(StoreKey(id)) after Destroy on B = %v, %v; want not found, nil", found, err)
	}

	// A client replaying the old cookie on A finds nothing.
	replay := newClient(t)
	u, err := url.Parse(a.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: cookie.Name, Value: cookie.Value}})
	if got := getKeys(t, replay, a); len(got) != 0 {
		t.Errorf("A: GET /keys with the destroyed session's cookie = %q; want no keys", got)
	}
	if got := mustCall(t, replay, a, "GET", "/id"); got == id {
		t.Error("A served the destroyed session's ID again")
	}
}

// TestConcurrentWritesAcrossInstances sends 120 concurrent requests on one
// session, alternately to A and B, each setting its own key: the two
// instances' patches must not lose any of them.
func TestConcurrentWritesAcrossInstances(t *testing.T) {
	t.Parallel()
	a, b, _ := twoInstances(t)
	c := newClient(t)
	mustCall(t, c, a, "POST", "/set/base?v=0")

	const n = 120
	var wg sync.WaitGroup
	for i := range n {
		target := a
		if i%2 == 1 {
			target = b
		}
		wg.Go(func() {
			path := fmt.Sprintf("/set/k%03d?v=%d", i, i)
			r, err := call(c, target, "POST", path)
			if err != nil || r.status != http.StatusOK {
				t.Errorf("concurrent POST %s = %d %q, %v; want 200", path, r.status, r.body, err)
			}
		})
	}
	wg.Wait()

	for name, inst := range map[string]*app{"A": a, "B": b} {
		keys := getKeys(t, c, inst)
		got := map[string]bool{}
		for _, k := range keys {
			got[k] = true
		}
		var missing []string
		for i := range n {
			if k := fmt.Sprintf("k%03d", i); !got[k] {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 || !got["base"] || len(keys) != n+1 {
			t.Errorf("%s: GET /keys has %d keys, missing %v (base present: %v); want base and all %d written keys", name, len(keys), missing, got["base"], n)
		}
	}
}
