package redisstore_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// TestTwoInstancesShareSessions runs two app instances, each with its own
// Manager and Redis client, on one secret and one prefix, as behind a load
// balancer.
func TestTwoInstancesShareSessions(t *testing.T) {
	t.Parallel()
	redisURL := testenv.RedisURL(t)
	prefix := testPrefix(t)
	secret := newSecret(t)
	var apps [2]*app
	for i := range apps {
		opts, err := redis.ParseURL(redisURL)
		if err != nil {
			t.Fatal(err)
		}
		opts.ContextTimeoutEnabled = true
		client := redis.NewClient(opts)
		t.Cleanup(func() { client.Close() })
		st, err := redisstore.New(client, redisstore.Options{Prefix: prefix})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		apps[i] = startApp(t, secret, st, 0, testLog{t})
	}
	a, b := apps[0].srv.URL, apps[1].srv.URL
	shared := sharedClient(t)
	t.Cleanup(func() { deleteSessions(t, shared, prefix) })

	t.Run("HandOver", func(t *testing.T) {
		browser := newBrowser(t)
		steps := []struct {
			method, url string
			want        string
		}{
			{http.MethodPut, a + "/values/user?v=alice", "ok"},
			{http.MethodGet, b + "/values/user", "alice"},
			{http.MethodPut, b + "/values/user?v=bob", "ok"},
			{http.MethodGet, a + "/values/user", "bob"},
		}
		for _, st := range steps {
			if code, body := do(t, browser, st.method, st.url); code != http.StatusOK || body != st.want {
				t.Fatalf("%s %s = %d %q; want 200 %q", st.method, st.url, code, body, st.want)
			}
		}
		u, _ := url.Parse(a)
		old := browser.Jar.Cookies(u)
		if len(old) != 1 {
			t.Fatalf("cookies before Destroy = %v; want one session cookie", old)
		}

		if code, body := do(t, browser, http.MethodDelete, b+"/session"); code != http.StatusOK {
			t.Fatalf("DELETE on B = %d %q; want 200", code, body)
		}
		if c := browser.Jar.Cookies(u); len(c) != 0 {
			t.Errorf("cookies after Destroy = %v; want none (cookie cleared)", c)
		}
		// Replaying the old cookie must not bring the session back on A.
		replay := newBrowser(t)
		replay.Jar.SetCookies(u, old)
		if code, body := do(t, replay, http.MethodGet, a+"/values/user"); code != http.StatusOK || body != "" {
			t.Errorf("GET on A with the destroyed session's cookie = %d %q; want 200 \"\"", code, body)
		}
	})

	t.Run("ConcurrentWritesAcrossInstances", func(t *testing.T) {
		browser := newBrowser(t)
		if code, body := do(t, browser, http.MethodPut, a+"/values/start?v=1"); code != http.StatusOK {
			t.Fatalf("PUT = %d %q; want 200", code, body)
		}
		const n = 120
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			base := []string{a, b}[i%2]
			wg.Go(func() {
				code, body, err := tryDo(browser, http.MethodPut, fmt.Sprintf("%s/values/k%d?v=%d", base, i, i))
				if err == nil && code != http.StatusOK {
					err = fmt.Errorf("status %d %q", code, body)
				}
				if err != nil {
					errs <- fmt.Errorf("PUT k%d on %s: %w", i, base, err)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		_, body := do(t, browser, http.MethodGet, a+"/keys")
		got := map[string]bool{}
		for _, k := range strings.Split(body, ",") {
			got[k] = true
		}
		for i := range n {
			if k := fmt.Sprintf("k%d", i); !got[k] {
				t.Errorf("key %q lost after %d concurrent writes across two instances", k, n)
			}
		}
		if !got["start"] || len(got) != n+1 {
			t.Errorf("keys = %s; want start and k0..k%d", body, n-1)
		}
	})
}
