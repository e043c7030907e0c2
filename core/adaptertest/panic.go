package adaptertest

import (
	"net/http"
	"testing"
)

// PanicNotCommitted checks that a panicking handler's session is not
// committed: neither a new session nor a change to an existing one is
// saved, and no cookie is sent. It is for arrangements Run does not build,
// above all the User manager's middleware installed twice with the
// framework's panic recovery between the two installs: the recovery's
// response then goes out through the outer install, which must not commit
// what the panicking handler changed.
//
// newApp needs only POST /set/{key}/{value}, GET /get/{key} and
// POST /panic/{key}/{value} of the route contract, on the User manager,
// with a recovery that answers 500.
func PanicNotCommitted(t *testing.T, newApp func(t *testing.T, env *Env) http.Handler) {
	t.Helper()
	t.Run("NewSession", func(t *testing.T) {
		t.Parallel()
		env := NewEnv(t, Options{})
		c := Serve(t, newApp, env)
		resp, body := c.Do(http.MethodPost, "/panic/k/v", nil)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("POST /panic/k/v = %d %q; want the recovery's 500", resp.StatusCode, body)
		}
		if ck := SetCookie(resp, UserCookie); ck != nil {
			t.Errorf("POST /panic/k/v: Set-Cookie %v; a panicking request must not commit", ck)
		}
		if n := env.Store().Len(); n != 0 {
			t.Errorf("POST /panic/k/v stored %d sessions; want 0", n)
		}
		if got := c.Get("/get/k"); got != "" {
			t.Errorf("GET /get/k after a panic = %q; want \"\"", got)
		}
	})
	t.Run("ExistingSession", func(t *testing.T) {
		t.Parallel()
		env := NewEnv(t, Options{})
		c := Serve(t, newApp, env)
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
