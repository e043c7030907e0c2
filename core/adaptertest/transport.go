package adaptertest

import (
	"net/http"
	"slices"
	"testing"
)

// testHeaderTransport: with Config.Header, the token goes into the response
// header only for clients that sent the header. A browser holding only the
// HttpOnly cookie never gets it there, where page scripts could read it,
// whether the cookie is issued, rotated or cleared.
func testHeaderTransport(t *testing.T, a Adapter) {
	const hdr = "X-Session-Token"
	_, c := serve(t, a, Options{Header: hdr})
	token := "" // the API client's: it sends the header, empty at first
	for _, s := range []struct {
		path string
		ends bool // the request ends the session
	}{
		{"/set/cart/apple", false},
		{"/login/alice", false},
		{"/logout", true},
	} {
		resp, _ := c.Do(http.MethodPost, s.path, nil)
		if SetCookie(resp, UserCookie) == nil {
			t.Fatalf("browser, POST %s: no Set-Cookie %s; the request must issue or clear it", s.path, UserCookie)
		}
		if v := resp.Header.Values(hdr); v != nil {
			t.Errorf("browser, POST %s: %s = %q; want no such header beside the HttpOnly cookie", s.path, hdr, v)
		}

		resp, _ = c.Send(http.MethodPost, s.path, http.Header{hdr: {token}})
		got := resp.Header.Values(hdr)
		switch {
		case s.ends && !slices.Equal(got, []string{""}):
			t.Errorf("API client, POST %s: %s = %q; want one empty value", s.path, hdr, got)
		case !s.ends && (len(got) != 1 || got[0] == "" || got[0] == token):
			t.Errorf("API client, POST %s: %s = %q; want a new token", s.path, hdr, got)
		}
		if len(got) == 1 {
			token = got[0]
		}
		if !s.ends {
			if _, user := c.Send(http.MethodGet, "/get/cart", http.Header{hdr: {token}}); user != "apple" {
				t.Errorf("API client after POST %s: GET /get/cart with the header token = %q; want %q", s.path, user, "apple")
			}
		}
	}
}
