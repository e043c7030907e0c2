package adaptertest

import (
	"net/http"
	"testing"
)

// testTwice: with the User manager's middleware installed twice, a request
// has one session: one record stored, one cookie sent, also with
// SaveUninitialized.
func testTwice(t *testing.T, a Adapter) {
	t.Run("Modified", func(t *testing.T) {
		t.Parallel()
		env, c := serve(t, a, Options{})
		resp := c.Post("/twice/set/k/v")
		if n := setCookies(resp, UserCookie); n != 1 || !live(SetCookie(resp, UserCookie)) {
			t.Errorf("POST /twice/set/k/v: %d Set-Cookie %s; want one live cookie", n, UserCookie)
		}
		if n := env.Store().Len(); n != 1 {
			t.Errorf("POST /twice/set/k/v stored %d sessions; want 1", n)
		}
		for _, path := range []string{"/twice/get/k", "/get/k"} {
			if got := c.Get(path); got != "v" {
				t.Errorf("GET %s = %q; want %q", path, got, "v")
			}
		}
	})
	t.Run("SaveUninitialized", func(t *testing.T) {
		t.Parallel()
		env, c := serve(t, a, Options{SaveUninitialized: true})
		for i := range 2 {
			resp, body := c.Do(http.MethodGet, "/twice/ping", nil)
			if resp.StatusCode != http.StatusOK || body != "pong" {
				t.Fatalf("GET /twice/ping #%d = %d %q; want 200 %q", i+1, resp.StatusCode, body, "pong")
			}
			// One record per manager: the admin session is saved too.
			if n := env.Store().Len(); n != 2 {
				t.Errorf("after visit #%d of GET /twice/ping, the store holds %d sessions; want 2 (one user, one admin)", i+1, n)
			}
			if n := setCookies(resp, UserCookie); i == 0 && n != 1 {
				t.Errorf("GET /twice/ping #1: %d Set-Cookie %s; want 1", n, UserCookie)
			}
		}
	})
}

// testTwiceRollingLogin: with the middleware installed twice and Rolling,
// a login that regenerates the session sends the new cookie, not the one
// whose record it just deleted, so the user stays logged in.
func testTwiceRollingLogin(t *testing.T, a Adapter) {
	_, c := serve(t, a, Options{Rolling: true})
	c.Post("/twice/set/cart/apple")
	old := c.Cookie(UserCookie)
	if old == nil {
		t.Fatal("no session cookie after POST /twice/set/cart/apple")
	}
	resp := c.Post("/twice/login/alice")
	if n := setCookies(resp, UserCookie); n != 1 {
		t.Errorf("POST /twice/login/alice: %d Set-Cookie %s; want 1", n, UserCookie)
	}
	if ck := SetCookie(resp, UserCookie); !live(ck) || ck.Value == old.Value {
		t.Fatalf("POST /twice/login/alice: Set-Cookie %v; want the regenerated session's cookie", ck)
	}
	for path, want := range map[string]string{"/twice/get/user": "alice", "/get/user": "alice", "/twice/get/cart": "apple"} {
		if got := c.Get(path); got != want {
			t.Errorf("after login, GET %s = %q; want %q", path, got, want)
		}
	}
	if _, got := c.Replay(old, http.MethodGet, "/get/cart"); got != "" {
		t.Errorf("GET /get/cart with the pre-login cookie = %q; want \"\" (the old session must be gone)", got)
	}
}

// setCookies counts the response's Set-Cookie headers for name.
func setCookies(resp *http.Response, name string) int {
	n := 0
	for _, ck := range resp.Cookies() {
		if ck.Name == name {
			n++
		}
	}
	return n
}
