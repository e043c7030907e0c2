package adaptertest

import (
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// testIdleExpiry: a session left idle past IdleTimeout is gone; its cookie
// yields a fresh, empty session. It runs on virtual time.
func testIdleExpiry(t *testing.T, a Adapter) {
	synctest.Test(t, func(t *testing.T) {
		_, c := serveInProcess(t, a, Options{IdleTimeout: time.Second, Lifetime: time.Minute})
		c.Post("/set/k/v")
		if got := c.Get("/get/k"); got != "v" {
			t.Fatalf("GET /get/k = %q; want %q", got, "v")
		}
		// The browser would drop the cookie at its Max-Age; replaying it
		// checks that the server enforces the expiry too.
		ck := c.Cookie(UserCookie)
		if ck == nil {
			t.Fatal("no session cookie in the jar after a write")
		}
		time.Sleep(1600 * time.Millisecond)
		if _, got := c.Replay(ck, http.MethodGet, "/get/k"); got != "" {
			t.Errorf("GET /get/k replaying the cookie after 1.6s idle (IdleTimeout 1s) = %q; want \"\"", got)
		}
	})
}

// testAbsoluteExpiry: activity keeps a session past IdleTimeout but never
// past Lifetime. It runs on virtual time.
func testAbsoluteExpiry(t *testing.T, a Adapter) {
	synctest.Test(t, func(t *testing.T) {
		_, c := serveInProcess(t, a, Options{IdleTimeout: 2 * time.Second, Lifetime: 4 * time.Second})
		start := time.Now()
		c.Post("/set/k/v")
		for time.Since(start) < 2500*time.Millisecond {
			time.Sleep(200 * time.Millisecond)
			if got := c.Get("/get/k"); got != "v" {
				t.Fatalf("GET /get/k after %v of activity (IdleTimeout 2s, Lifetime 4s) = %q; want %q", time.Since(start), got, "v")
			}
		}
		ck := c.Cookie(UserCookie)
		if ck == nil {
			t.Fatal("no session cookie in the jar after a write")
		}
		time.Sleep(time.Until(start.Add(4400 * time.Millisecond)))
		if _, got := c.Replay(ck, http.MethodGet, "/get/k"); got != "" {
			t.Errorf("GET /get/k replaying the cookie after 4.4s (Lifetime 4s) = %q; want \"\"", got)
		}
	})
}
