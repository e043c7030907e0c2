package adaptertest

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// testSaveFailure: a save that fails before the headers becomes the
// framework's 500 and is reported.
func testSaveFailure(t *testing.T, a Adapter) {
	env, c := serve(t, a, Options{})
	env.Store().SetFailing(true)
	resp, body := c.Do(http.MethodPost, "/set/k/v", nil)
	checkFailure(t, "POST /set/k/v with a failing store", resp, body)
	if err := env.WaitError(t, core.ErrSave); err != nil && !errors.Is(err, ErrStoreDown) {
		t.Errorf("reported error %v does not wrap the store's error", err)
	}
}

// testLoadFailure: a session that cannot be loaded yields a 500 (the
// handler's own response is discarded), is reported, and the stored record
// survives untouched.
func testLoadFailure(t *testing.T, a Adapter) {
	env, c := serve(t, a, Options{})
	c.Post("/set/k/v")
	env.Store().SetFailing(true)
	resp, body := c.Do(http.MethodGet, "/get/k", nil)
	checkFailure(t, "GET /get/k with a failing store", resp, body)
	if err := env.WaitError(t, core.ErrLoad); err != nil && !errors.Is(err, ErrStoreDown) {
		t.Errorf("reported error %v does not wrap the store's error", err)
	}
	env.Store().SetFailing(false)
	if got := c.Get("/get/k"); got != "v" {
		t.Errorf("GET /get/k after the store recovered = %q; want %q", got, "v")
	}
}

// testNoSession: using the session without the middleware returns
// ErrNoSession with a hint, instead of panicking.
func testNoSession(t *testing.T, a Adapter) {
	_, c := serve(t, a, Options{})
	resp, body := c.Do(http.MethodGet, "/nosession", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /nosession = %d %q; want 200 (both accessors returning ErrNoSession)", resp.StatusCode, body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 2 {
		t.Fatalf("GET /nosession = %q; want two error lines", body)
	}
	for i, l := range lines {
		if a.NoSessionHint == "" || !strings.Contains(l, a.NoSessionHint) {
			t.Errorf("GET /nosession line %d = %q; want it to contain the hint %q", i+1, l, a.NoSessionHint)
		}
	}
}
