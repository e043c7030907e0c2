package adaptertest

import (
	"net/http"
	"strings"
	"testing"
)

// testForged: forged, truncated and garbage cookies are rejected by their
// signature alone: no store call, and the request gets a fresh session.
func testForged(t *testing.T, a Adapter) {
	env, c := serve(t, a, Options{})
	c.Post("/set/cart/apple")
	valid := c.Cookie(UserCookie)
	if valid == nil {
		t.Fatal("no session cookie after POST /set/cart/apple")
	}
	// A well-formed cookie signed with another app's secret.
	_, other := serve(t, a, Options{})
	other.Post("/set/cart/apple")
	foreign := other.Cookie(UserCookie)
	if foreign == nil {
		t.Fatal("no session cookie from the second app")
	}

	v := valid.Value
	flipped := []byte(v)
	mid := len(flipped) / 2
	if flipped[mid] == 'A' {
		flipped[mid] = 'B'
	} else {
		flipped[mid] = 'A'
	}
	forged := []struct{ name, value string }{
		{"Garbage", "not-a-session-token"},
		{"Empty", ""},
		{"TruncatedHalf", v[:len(v)/2]},
		{"TruncatedByOne", v[:len(v)-1]},
		{"Extended", v + "A"},
		{"OneCharFlipped", string(flipped)},
		{"SignedByAnotherSecret", foreign.Value},
		{"Oversized", strings.Repeat("A", 3000)},
	}
	for _, f := range forged {
		env.Store().Reset()
		resp, body := c.Replay(&http.Cookie{Name: UserCookie, Value: f.value}, http.MethodGet, "/get/cart")
		if body != "" {
			t.Errorf("%s cookie: GET /get/cart = %q; want \"\" (a fresh session)", f.name, body)
		}
		if n := env.Store().Calls(); n != 0 {
			t.Errorf("%s cookie: %d store calls; want 0", f.name, n)
		}
		if ck := SetCookie(resp, UserCookie); live(ck) {
			t.Errorf("%s cookie: Set-Cookie %v; an untouched fresh session must not be issued a cookie", f.name, ck)
		}
	}

	// The instrumentation sees a genuine cookie's load, so the zeros above
	// mean something.
	env.Store().Reset()
	if _, body := c.Replay(valid, http.MethodGet, "/get/cart"); body != "apple" {
		t.Errorf("genuine cookie: GET /get/cart = %q; want %q", body, "apple")
	}
	if env.Store().Calls() == 0 {
		t.Error("genuine cookie: GET /get/cart made no store call; the store instrumentation is broken")
	}
}

// testUntouched: a request that never uses its session costs no store
// call, even with a valid cookie.
func testUntouched(t *testing.T, a Adapter) {
	env, c := serve(t, a, Options{})
	c.Post("/set/cart/apple")
	c.Post("/admin/set/role/root")
	env.Store().Reset()
	if got := c.Get("/ping"); got != "pong" {
		t.Fatalf("GET /ping = %q; want %q", got, "pong")
	}
	if n := env.Store().Calls(); n != 0 {
		t.Errorf("GET /ping with valid session cookies made %d store calls; want 0", n)
	}
	if got := c.Get("/get/cart"); got != "apple" || env.Store().Calls() == 0 {
		t.Errorf("GET /get/cart = %q with %d store calls; want %q loaded from the store", got, env.Store().Calls(), "apple")
	}
}
