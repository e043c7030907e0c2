package core_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// varyOf returns the response's Vary field names, in order.
func varyOf(h http.Header) []string {
	var out []string
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			out = append(out, strings.TrimSpace(f))
		}
	}
	return out
}

// A response built from the session is personal: unless the handler chose
// a Cache-Control of its own it becomes private, and it always varies on
// Cookie, so a shared cache never serves one user's page to another.
// AllowSharedCaching opts out; responses that set the cookie stay private
// regardless.
func TestPersonalResponsesAreNotSharedCacheable(t *testing.T) {
	t.Parallel()
	const hdr = "X-Session-Token"
	read := func(s *core.Session) { keyK.Get(s) }
	write := func(s *core.Session) { keyK.Set(s, "changed") }
	untouched := func(*core.Session) {}
	tests := []struct {
		name     string
		cfg      core.Config
		cookie   bool // the request carries a live session's cookie
		header   bool // the request uses header transport
		fn       func(*core.Session)
		cc, vary string // set by the handler
		wantCC   string // "" means none
		wantVary []string
	}{
		{"reads, no Cache-Control", core.Config{}, true, false, read, "", "", "private", []string{"Cookie"}},
		{"reads a new session", core.Config{}, false, false, read, "", "", "private", []string{"Cookie"}},
		{"reads, handler's public Cache-Control kept", core.Config{}, true, false, read, "public, max-age=60", "", "public, max-age=60", []string{"Cookie"}},
		{"reads, handler's no-store kept", core.Config{}, true, false, read, "no-store", "", "no-store", []string{"Cookie"}},
		{"reads, handler's Vary kept", core.Config{}, true, false, read, "", "Accept-Encoding", "private", []string{"Accept-Encoding", "Cookie"}},
		{"reads, Vary: * already covers Cookie", core.Config{}, true, false, read, "", "*", "private", []string{"*"}},
		{"reads over header transport", core.Config{Header: hdr}, true, true, read, "", "", "private", []string{"Cookie", hdr}},
		{"never touches the session", core.Config{}, true, false, untouched, "", "", "", nil},
		{"never touches the session, handler's public kept", core.Config{}, true, false, untouched, "public, max-age=60", "", "public, max-age=60", nil},
		{"AllowSharedCaching, reads", core.Config{AllowSharedCaching: true}, true, false, read, "", "", "", nil},
		{"AllowSharedCaching, reads, handler's public kept", core.Config{AllowSharedCaching: true}, true, false, read, "public, max-age=60", "", "public, max-age=60", nil},
		{"sets the cookie", core.Config{}, false, false, write, "", "", `private, no-cache="Set-Cookie"`, []string{"Cookie"}},
		{"sets the cookie, handler's public dropped", core.Config{}, false, false, write, "public, max-age=60", "", "private, max-age=60", []string{"Cookie"}},
		{"AllowSharedCaching, sets the cookie", core.Config{AllowSharedCaching: true}, false, false, write, "public, max-age=60", "", "private, max-age=60", []string{"Cookie"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newManager(t, tc.cfg)
			var cookies []*http.Cookie
			var token string
			if tc.cookie {
				ck, _ := login(t, m, "v")
				cookies, token = append(cookies, ck), ck.Value
			}
			if tc.header { // an API client: the token in the header, no cookie
				cookies = nil
			}
			r := get("/", cookies...)
			if tc.header {
				r.Header.Set(hdr, token)
			}
			resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				if tc.cc != "" {
					w.Header().Set("Cache-Control", tc.cc)
				}
				if tc.vary != "" {
					w.Header().Set("Vary", tc.vary)
				}
				tc.fn(s)
				w.Write([]byte("page"))
			})), r)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d; want 200", resp.StatusCode)
			}
			if cc := resp.Header.Values("Cache-Control"); !slices.Equal(cc, wantList(tc.wantCC)) {
				t.Errorf("Cache-Control = %q; want %q", cc, tc.wantCC)
			}
			if v := varyOf(resp.Header); !slices.Equal(v, tc.wantVary) {
				t.Errorf("Vary = %q; want %q", v, tc.wantVary)
			}
		})
	}
}

// wantList is the header values that v stands for: none when v is empty.
func wantList(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}
