package contract

import (
	"bytes"
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

// step is one exchange and what the response must be.
type step struct {
	req    request
	status int
	json   string // the exact JSON body (compared as values); "" skips
	isErr  bool   // the body must be {"error": "<non-empty message>"}
	page   *page  // the body must be the HTML page showing this
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
	if s.status == 303 {
		if loc := r.header.Get("Location"); loc != "/" {
			t.Errorf("%v Location = %q; want %q", s.req, loc, "/")
		}
	}
	if s.page != nil {
		if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%v Content-Type = %q; want text/html; charset=utf-8", s.req, ct)
		}
		got, err := parsePage(r.body)
		if err != nil {
			t.Errorf("%v: page: %v\n%s", s.req, err, r.body)
		} else if got != *s.page {
			t.Errorf("%v page shows %v; want %v", s.req, got, *s.page)
		}
	}
	checkCookie(t, s.req, r, s.cookie)
	return r
}

// checkJSON checks the JSON body the step wants, if any.
func (s step) checkJSON(t *testing.T, r response) {
	t.Helper()
	if s.json == "" && !s.isErr {
		return
	}
	if !r.isJSON() {
		t.Errorf("%v Content-Type = %q; want application/json", s.req, r.header.Get("Content-Type"))
	}
	if s.json != "" && !r.jsonEqual(s.json) {
		t.Errorf("%v body = %s; want %s", s.req, bytes.TrimSpace(r.body), s.json)
	}
	if s.isErr && r.errorMessage() == "" {
		t.Errorf(`%v body = %s; want {"error": "<message>"}`, s.req, bytes.TrimSpace(r.body))
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
