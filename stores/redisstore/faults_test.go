//go:build unix

package redisstore_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sessionkit/sessionkit/internal/goroutines"

	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestRedisOutageAndRecovery freezes, then kills, a private redis-server
// under a running app, and restarts it. Not parallel: it checks for leaked
// goroutines.
func TestRedisOutageAndRecovery(t *testing.T) {
	requireBinaries(t)
	running := goroutines.Current()

	port, dir := freePort(t), t.TempDir()
	persist := []string{"--appendonly", "yes", "--appendfsync", "always"}
	srv := startServer(t, port, dir, persist...)
	// Without ContextTimeoutEnabled, go-redis ignores the StoreTimeout
	// deadline and a frozen server holds requests for its ReadTimeout.
	client := redis.NewClient(&redis.Options{Addr: srv.addr, ContextTimeoutEnabled: true})
	st, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var log lockedBuffer
	a := startApp(t, newSecret(t), st, 500*time.Millisecond, &log)
	browser := newBrowser(t)
	url := a.srv.URL + "/values/note"

	if code, body := do(t, browser, http.MethodPut, url+"?v=acknowledged"); code != http.StatusOK {
		t.Fatalf("PUT before the outage = %d %q; want 200", code, body)
	}

	failing := func(phase string) {
		t.Helper()
		for _, method := range []string{http.MethodGet, http.MethodPut} {
			start := time.Now()
			code, body := do(t, browser, method, url+"?v=lost")
			// A hang guard, not a performance check: StoreTimeout is 500ms.
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("%s with Redis %s took %v; want the store timeout to end it", method, phase, d)
			}
			if code != http.StatusInternalServerError {
				t.Errorf("%s with Redis %s = %d %q; want 500", method, phase, code, body)
			}
			for _, leak := range []string{"redisstore", "refused", "dial", "timeout", "deadline", "127.0.0.1"} {
				if strings.Contains(body, leak) {
					t.Errorf("%s with Redis %s: body %q reveals the store error (%q)", method, phase, body, leak)
				}
			}
		}
	}
	acknowledged := func(phase string) {
		t.Helper()
		if code, body := do(t, browser, http.MethodGet, url); code != http.StatusOK || body != "acknowledged" {
			t.Errorf("GET %s = %d %q; want 200 \"acknowledged\"", phase, code, body)
		}
	}

	if err := srv.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	failing("frozen")
	if err := srv.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	acknowledged("after thawing")

	srv.stop()
	failing("down")
	if !strings.Contains(log.String(), "redisstore: load") {
		t.Errorf("log = %q; want the store error logged server-side", log.String())
	}

	srv = startServer(t, port, dir, persist...)
	acknowledged("after restart")
	if code, body := do(t, browser, http.MethodPut, url+"?v=after"); code != http.StatusOK {
		t.Errorf("PUT after restart = %d %q; want 200", code, body)
	}
	if code, body := do(t, browser, http.MethodGet, url); code != http.StatusOK || body != "after" {
		t.Errorf("GET after restart = %d %q; want 200 \"after\"", code, body)
	}

	a.close()
	browser.CloseIdleConnections()
	if err := st.Close(); err != nil {
		t.Errorf("Store.Close = %v", err)
	}
	if err := client.Close(); err != nil {
		t.Errorf("client.Close = %v", err)
	}
	srv.stop()
	goroutines.Verify(t, running)
}
