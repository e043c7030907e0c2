package leaktest

import (
	"io"
	"net/http"
	"net/http/httptest"
)

// TokenHeader is the Config.Header of every scenario's manager.
const TokenHeader = "X-Session-Token"

// Transport is how a client carries its token.
type Transport uint8

const (
	// Cookies is a browser: the cookie only, and it never asks for the
	// token in a header.
	Cookies Transport = iota
	// Header is an API client: it sends TokenHeader (empty before it has a
	// token) and no cookie.
	Header
	// Script is a browser whose page script adds TokenHeader, empty, to
	// every request, as an XSS would to read the token: it must get the
	// token in a header only while it has no cookie, for a session its
	// next login replaces.
	Script
)

func (t Transport) String() string {
	return [...]string{"cookie", "header", "script"}[t]
}

// response is one exchange, kept for the leak checks.
type response struct {
	method, path string
	hadCookie    bool // the request carried the session cookie
	status       int
	header       http.Header
	body         string
}

// client serves requests in process and keeps the token as its transport
// does, remembering every response and every token it was given.
type client struct {
	h         http.Handler
	transport Transport
	cookie    string // the cookie's name
	token     string // the current token, "" before one is issued
	tokens    []string
	responses []response
}

func (c *client) do(method, path string) response {
	r := httptest.NewRequest(method, path, nil)
	switch {
	case c.transport == Header:
		r.Header.Set(TokenHeader, c.token)
	case c.token != "":
		r.AddCookie(&http.Cookie{Name: c.cookie, Value: c.token})
	}
	if c.transport == Script {
		r.Header.Set(TokenHeader, "")
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	out := response{method: method, path: path, hadCookie: c.transport != Header && c.token != "", status: res.StatusCode, header: res.Header, body: string(body)}
	c.responses = append(c.responses, out)
	for _, ck := range res.Cookies() {
		if ck.Name != c.cookie {
			continue
		}
		c.tokens = append(c.tokens, ck.Value)
		if c.transport != Header {
			c.token = ck.Value
			if ck.MaxAge < 0 {
				c.token = ""
			}
		}
	}
	if v, ok := res.Header[http.CanonicalHeaderKey(TokenHeader)]; ok && len(v) > 0 {
		c.tokens = append(c.tokens, v...)
		if c.transport == Header {
			c.token = v[0]
		}
	}
	return out
}
