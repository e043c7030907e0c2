package adaptertest

import (
	"net/http"
	"testing"
)

// testStaleCookieFirst: of several cookies of the session's name, one
// whose session is gone (a logout's, sent first as browsers send an older
// cookie or one with a longer Path) does not hide the live one; of two live
// ones, the first in the browser's order wins.
func testStaleCookieFirst(t *testing.T, a Adapter) {
	_, c := serve(t, a, Options{})
	c.Post("/login/alice")
	stale := c.Cookie(UserCookie)
	c.Post("/logout")
	c.Post("/login/bob")
	bob := c.Cookie(UserCookie)
	resp, _ := c.Send(http.MethodPost, "/login/carol", nil)
	carol := SetCookie(resp, UserCookie)
	if stale == nil || bob == nil || !live(carol) {
		t.Fatalf("session cookies %v, %v, %v; want three", stale, bob, carol)
	}
	for _, tc := range []struct {
		name    string
		cookies []*http.Cookie
		want    string
	}{
		{"logged out, then live", []*http.Cookie{stale, bob}, "bob"},
		{"two live", []*http.Cookie{carol, bob}, "carol"},
		{"two live, other order", []*http.Cookie{bob, carol}, "bob"},
	} {
		if _, got := c.Send(http.MethodGet, "/get/user", nil, tc.cookies...); got != tc.want {
			t.Errorf("%s: GET /get/user = %q; want %q", tc.name, got, tc.want)
		}
	}
}

// testForwardedProto: with TrustProxy, the last X-Forwarded-Proto value,
// across lines and comma lists, decides the cookie's Secure attribute:
// the one the proxy nearest the app added. Without TrustProxy the header
// is ignored.
func testForwardedProto(t *testing.T, a Adapter) {
	for _, tc := range []struct {
		name  string
		trust bool
		lines []string
		want  bool
	}{
		{"Https", true, []string{"https"}, true},
		{"ListEndingHttps", true, []string{"http, https"}, true},
		{"ListEndingHttp", true, []string{"https, http"}, false},
		{"LinesEndingHttps", true, []string{"http", "https"}, true},
		{"LinesEndingHttp", true, []string{"https", "http"}, false},
		{"NotTrusted", false, []string{"https"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, c := serve(t, a, Options{TrustProxy: tc.trust})
			resp, _ := c.Send(http.MethodPost, "/set/k/v", http.Header{"X-Forwarded-Proto": tc.lines})
			ck := SetCookie(resp, UserCookie)
			if !live(ck) {
				t.Fatalf("POST /set/k/v: Set-Cookie %v; want the new session's cookie", ck)
			}
			if ck.Secure != tc.want {
				t.Errorf("X-Forwarded-Proto %q, TrustProxy %v: Secure = %v; want %v", tc.lines, tc.trust, ck.Secure, tc.want)
			}
		})
	}
}
