package contract

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// cookieWant is what a response must do with the session cookie.
type cookieWant int

const (
	anyCookie    cookieWant = iota // not checked
	noCookie                       // no Set-Cookie for the session
	setsCookie                     // sets a live session cookie
	clearsCookie                   // sets an expired session cookie
)

func (w cookieWant) String() string {
	return [...]string{"anything", "no session cookie", "a live session cookie", "an expired session cookie"}[w]
}

// The generic error messages, the same on every framework.
const (
	msgInternal    = "internal server error"
	msgNotFound    = "not found"
	msgMethod      = "method not allowed"
	msgCrossOrigin = "cross-origin request refused"
	msgNotLoggedIn = "not logged in"
	msgNoSession   = "no such session"
)

// step is one exchange and what the response must be.
type step struct {
	req    request
	status int
	json   string   // the exact JSON body (compared as values); "" skips
	isErr  bool     // the body must be {"error": "<non-empty message>"}
	errMsg string   // the body must be {"error": errMsg}
	allow  []string // the Allow header must list these methods (and may add HEAD and OPTIONS)
	page   *page    // the body must be the HTML page showing this
	cookie cookieWant
}

// run sends the step's request with c and checks the response.
func (s step) run(t *testing.T, c *client) response {
	t.Helper()
	r := c.do(s.req)
	if r.status != s.status {
		t.Fatalf("%v = %d %s; want status %d", s.req, r.status, bytes.TrimSpace(r.body), s.status)
	}
	if bytes.Contains(r.body, []byte(leakMarker)) {
		t.Errorf("%v body = %s; it leaks the store's error", s.req, r.body)
	}
	s.checkJSON(t, r)
	if s.status == http.StatusSeeOther {
		if loc := r.header.Get("Location"); loc != "/" {
			t.Errorf("%v Location = %q; want %q", s.req, loc, "/")
		}
	}
	if s.allow != nil {
		checkAllow(t, s.req, r, s.allow)
	}
	if s.page != nil {
		checkPage(t, s.req, r, *s.page, c.srv.url)
	}
	checkCookie(t, s.req, r, s.cookie)
	return r
}

// checkJSON checks the JSON body the step wants, if any.
func (s step) checkJSON(t *testing.T, r response) {
	t.Helper()
	if s.json == "" && !s.isErr && s.errMsg == "" {
		return
	}
	if !r.isJSON() {
		t.Errorf("%v Content-Type = %q; want application/json", s.req, r.header.Get("Content-Type"))
	}
	if s.json != "" && !r.jsonEqual(s.json) {
		t.Errorf("%v body = %s; want %s", s.req, bytes.TrimSpace(r.body), s.json)
	}
	got := r.errorMessage()
	switch {
	case s.errMsg != "" && got != s.errMsg:
		t.Errorf(`%v body = %s; want {"error": %q}`, s.req, bytes.TrimSpace(r.body), s.errMsg)
	case s.isErr && got == "":
		t.Errorf(`%v body = %s; want {"error": "<message>"}`, s.req, bytes.TrimSpace(r.body))
	}
}

// checkPage checks that the response is the HTML page showing want, and
// that a page not in its error state shows the address it is served on.
func checkPage(t *testing.T, req request, r response, want page, url string) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("%v Content-Type = %q; want text/html; charset=utf-8", req, ct)
	}
	got, err := parsePage(r.body)
	if err != nil {
		t.Errorf("%v: page: %v\n%s", req, err, r.body)
		return
	}
	if !want.failed {
		want.url = url
	}
	if got != want {
		t.Errorf("%v page shows %v; want %v", req, got, want)
	}
}

// checkAllow checks that the Allow header lists exactly the methods want,
// give or take HEAD and OPTIONS, which some routers add.
func checkAllow(t *testing.T, req request, r response, want []string) {
	t.Helper()
	var got []string
	for _, v := range r.header.Values("Allow") {
		for m := range strings.SplitSeq(v, ",") {
			if m = strings.TrimSpace(m); m != "" && m != http.MethodHead && m != http.MethodOptions {
				got = append(got, m)
			}
		}
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%v Allow = %q; want %v (HEAD and OPTIONS optional)", req, r.header.Values("Allow"), want)
	}
}

func checkCookie(t *testing.T, req request, r response, want cookieWant) {
	t.Helper()
	ck := r.setCookie
	var ok bool
	switch want {
	case anyCookie:
		return
	case noCookie:
		ok = ck == nil
	case setsCookie:
		ok = ck != nil && ck.MaxAge >= 0 && ck.Value != ""
	case clearsCookie:
		ok = ck != nil && ck.MaxAge < 0
	}
	if !ok {
		got := "none"
		if ck != nil {
			got = ck.String()
		}
		t.Errorf("%v Set-Cookie %s = %s; want %v", req, cookieName, got, want)
	}
}
