package adaptertest

import (
	"net/http"
	"strings"
	"testing"
)

// testCacheHeaders: a response the handler built from the session, on
// every response path, gets Cache-Control: private and Vary: Cookie, so a
// shared cache never serves it to another user; one that never used the
// session is left alone; AllowSharedCaching leaves alone all but the
// responses that set the cookie, which stay private.
func testCacheHeaders(t *testing.T, a Adapter) {
	t.Run("ResponsePaths", func(t *testing.T) {
		t.Parallel()
		_, c := serve(t, a, Options{})
		for _, p := range a.Paths {
			c.Do(p.method(), p.Path, p.Header) // the cookie, and "path" set
			resp, _ := c.Do(p.method(), p.Path, p.Header)
			if ck := SetCookie(resp, UserCookie); ck != nil {
				t.Fatalf("%s again: Set-Cookie %v; want none for an unchanged session", p.name(), ck)
			}
			// The route's own Cache-Control, if any, stands (an event
			// stream's no-cache, say); without one it must be private.
			cc := resp.Header.Values("Cache-Control")
			if !hasToken(resp.Header, "Vary", "Cookie") || cc == nil {
				t.Errorf("%s reading the session: Cache-Control %q, Vary %q; want the route's own or private, and Cookie",
					p.name(), cc, resp.Header.Values("Vary"))
			}
		}
	})
	for _, tc := range []struct {
		name string
		opts Options
	}{{"Default", Options{}}, {"AllowSharedCaching", Options{AllowSharedCaching: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, c := serve(t, a, tc.opts)
			resp := c.Post("/set/cart/apple")
			checkCache(t, "POST /set/cart/apple setting the cookie", resp, true)
			resp, _ = c.Do(http.MethodGet, "/get/cart", nil)
			checkCache(t, "GET /get/cart", resp, !tc.opts.AllowSharedCaching)
			resp, _ = c.Do(http.MethodGet, "/ping", nil)
			checkCache(t, "GET /ping never using the session", resp, false)
		})
	}
}

// checkCache checks that resp is marked personal (Cache-Control: private,
// Vary: Cookie), or carries neither mark.
func checkCache(t *testing.T, what string, resp *http.Response, personal bool) {
	t.Helper()
	private := hasToken(resp.Header, "Cache-Control", "private")
	vary := hasToken(resp.Header, "Vary", "Cookie")
	if private != personal || vary != personal {
		t.Errorf("%s: Cache-Control %q, Vary %q; want private and Cookie: %v", what,
			resp.Header.Values("Cache-Control"), resp.Header.Values("Vary"), personal)
	}
}

// hasToken reports whether a comma-separated header field lists token.
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), token) {
				return true
			}
		}
	}
	return false
}
