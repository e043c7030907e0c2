package adaptertest

import (
	"net/http"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// testLateExisting: an existing session changed after the headers went out
// is still persisted when the handler returns.
func testLateExisting(t *testing.T, a Adapter) {
	_, c := serve(t, a, Options{})
	c.Post("/set/seed/planted")
	resp, body := c.Do(http.MethodPost, "/late/note/later", nil)
	if resp.StatusCode != http.StatusOK || body != "early" {
		t.Fatalf("POST /late/note/later = %d %q; want 200 %q", resp.StatusCode, body, "early")
	}
	if got := c.Get("/get/note"); got != "later" {
		t.Errorf("GET /get/note after a change made after the headers = %q; want %q", got, "later")
	}
}

// testLateNew: a brand-new session changed after the headers went out
// cannot send its cookie; the loss is reported, not silently dropped.
func testLateNew(t *testing.T, a Adapter) {
	env, c := serve(t, a, Options{})
	resp, body := c.Do(http.MethodPost, "/late/note/later", nil)
	if resp.StatusCode != http.StatusOK || body != "early" {
		t.Fatalf("POST /late/note/later = %d %q; want 200 %q", resp.StatusCode, body, "early")
	}
	if ck := SetCookie(resp, UserCookie); ck != nil {
		t.Errorf("Set-Cookie %v arrived after the headers were sent", ck)
	}
	env.WaitError(t, core.ErrHeadersSent)
}

// testPanic: with the framework's recovery outside, a panicking handler's
// session is not committed.
func testPanic(t *testing.T, a Adapter) {
	t.Run("NewSession", func(t *testing.T) {
		t.Parallel()
		env, c := serve(t, a, Options{})
		resp, body := c.Do(http.MethodPost, "/panic/k/v", nil)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("POST /panic/k/v = %d %q; want the recovery's 500", resp.StatusCode, body)
		}
		if ck := SetCookie(resp, UserCookie); ck != nil {
			t.Errorf("POST /panic/k/v: Set-Cookie %v; a panicking request must not commit", ck)
		}
		if n := env.Store().Calls(); n != 0 {
			t.Errorf("POST /panic/k/v made %d store calls; want 0", n)
		}
	})
	t.Run("ExistingSession", func(t *testing.T) {
		t.Parallel()
		_, c := serve(t, a, Options{})
		c.Post("/set/k/before")
		resp, body := c.Do(http.MethodPost, "/panic/k/after", nil)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("POST /panic/k/after = %d %q; want the recovery's 500", resp.StatusCode, body)
		}
		if got := c.Get("/get/k"); got != "before" {
			t.Errorf("GET /get/k after a panic = %q; want %q (the panicking change must not be saved)", got, "before")
		}
	})
}

// testRegenerate: login moves the session to a new ID, keeps its data, and
// the old cookie no longer opens it.
func testRegenerate(t *testing.T, a Adapter) {
	_, c := serve(t, a, Options{})
	c.Post("/set/cart/apple")
	old := c.Cookie(UserCookie)
	if old == nil {
		t.Fatal("no session cookie after POST /set/cart/apple")
	}
	resp := c.Post("/login/alice")
	if ck := SetCookie(resp, UserCookie); !live(ck) || ck.Value == old.Value {
		t.Fatalf("POST /login/alice: Set-Cookie %v; want a new session cookie", ck)
	}
	for key, want := range map[string]string{"cart": "apple", "user": "alice"} {
		if got := c.Get("/get/" + key); got != want {
			t.Errorf("after login, GET /get/%s = %q; want %q", key, got, want)
		}
	}
	if _, got := c.Replay(old, http.MethodGet, "/get/cart"); got != "" {
		t.Errorf("GET /get/cart with the pre-login cookie = %q; want \"\" (the old session must be gone)", got)
	}
}

// testDestroy: logout clears the cookie and deletes the record.
func testDestroy(t *testing.T, a Adapter) {
	_, c := serve(t, a, Options{})
	c.Post("/set/cart/apple")
	old := c.Cookie(UserCookie)
	if old == nil {
		t.Fatal("no session cookie after POST /set/cart/apple")
	}
	resp := c.Post("/logout")
	ck := SetCookie(resp, UserCookie)
	if ck == nil || live(ck) {
		t.Errorf("POST /logout: Set-Cookie %v; want an expired %s cookie", ck, UserCookie)
	}
	if got := c.Get("/get/cart"); got != "" {
		t.Errorf("after logout, GET /get/cart = %q; want \"\"", got)
	}
	if _, got := c.Replay(old, http.MethodGet, "/get/cart"); got != "" {
		t.Errorf("GET /get/cart replaying the destroyed session's cookie = %q; want \"\" (the record must be gone)", got)
	}
}

// testFlash: a flash message is read once.
func testFlash(t *testing.T, a Adapter) {
	_, c := serve(t, a, Options{})
	resp, body := c.Do(http.MethodPost, "/flash/saved", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/flash" {
		t.Fatalf("POST /flash/saved = %d %q, Location %q; want 303 to /flash", resp.StatusCode, body, resp.Header.Get("Location"))
	}
	for i, want := range []string{"saved", "", ""} {
		if got := c.Get("/flash"); got != want {
			t.Errorf("GET /flash #%d = %q; want %q", i+1, got, want)
		}
	}
}
