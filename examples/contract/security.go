package contract

import (
	"bytes"
	"net/http"
	"testing"
)

// testLoginRegenerates: login moves the session to a new ID and keeps its
// data; the pre-login cookie no longer opens anything (session fixation).
func testLoginRegenerates(t *testing.T, app App) {
	srv := start(t, app, setup{})
	c := srv.client(t)
	step{req: post("/api/views"), status: 200, json: `{"views": 1}`, cookie: setsCookie}.run(t, c)
	before := c.cookie()
	step{req: post("/api/login", "user", "alice"), status: 200, json: `{"user": "alice"}`, cookie: setsCookie}.run(t, c)
	after := c.cookie()
	if after == "" || after == before {
		t.Fatalf("session cookie after login = %q; want a new one (before: %q)", after, before)
	}
	step{req: get("/api/views"), status: 200, json: `{"views": 1}`}.run(t, c)
	step{req: get("/api/me"), status: 200, json: `{"user": "alice"}`}.run(t, c)
	if n := srv.count(t); n != 1 {
		t.Errorf("sessions in the store after login = %d; want 1 (the old record deleted)", n)
	}

	replay := request{method: http.MethodGet, path: "/api/views", cookie: before}
	step{req: replay, status: 200, json: `{"views": 0}`}.run(t, c)
	replay.path = "/api/me"
	step{req: replay, status: 401, isErr: true}.run(t, c)
}

// testLogoutDestroys: logout clears the cookie and deletes the record, so
// a copy of the old cookie finds nothing.
func testLogoutDestroys(t *testing.T, app App) {
	srv := start(t, app, setup{})
	c := srv.client(t)
	step{req: post("/api/login", "user", "alice"), status: 200, cookie: setsCookie}.run(t, c)
	step{req: put("/api/kv/color", "blue"), status: 200}.run(t, c)
	old := c.cookie()
	if n := srv.count(t); n != 1 {
		t.Fatalf("sessions in the store after login = %d; want 1", n)
	}
	step{req: post("/api/logout"), status: 200, json: `{"ok": true}`, cookie: clearsCookie}.run(t, c)
	if ck := c.cookie(); ck != "" {
		t.Errorf("client still holds session cookie %q after logout", ck)
	}
	if n := srv.count(t); n != 0 {
		t.Errorf("sessions in the store after logout = %d; want 0", n)
	}
	step{req: get("/api/me"), status: 401, isErr: true, cookie: noCookie}.run(t, c)
	for _, path := range []string{"/api/me", "/api/kv/color"} {
		r := c.do(request{method: http.MethodGet, path: path, cookie: old})
		if r.status == http.StatusOK {
			t.Errorf("GET %s with the pre-logout cookie = 200 %s; want the session gone", path, bytes.TrimSpace(r.body))
		}
	}
	// Logging out without a session is harmless.
	step{req: post("/api/logout"), status: 200, json: `{"ok": true}`}.run(t, c)
}

// testCookieAttributes: the session cookie is HttpOnly, SameSite=Lax and
// scoped to the whole site.
func testCookieAttributes(t *testing.T, app App) {
	c := start(t, app, setup{}).client(t)
	r := step{req: post("/api/views"), status: 200, cookie: setsCookie}.run(t, c)
	ck := r.setCookie
	if ck == nil {
		return
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
		t.Errorf("session cookie = %s; want HttpOnly, SameSite=Lax, Path=/ and no Secure over plain HTTP", ck)
	}
}
