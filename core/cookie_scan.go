package core

import (
	"net/http"
	"net/textproto"
	"strings"
)

// maxRequestCookies is net/http's default cap on the cookies of a request:
// past it, Request.Cookies reads none, and neither does cookieScan. (The
// GODEBUG setting httpcookiemaxnum, which moves net/http's cap, does not
// move this one.)
const maxRequestCookies = 3000

// cookieScan yields the values of one cookie name in a request's Cookie
// headers, in order, read as net/http's Request.CookiesNamed reads them
// (quotes stripped, invalid values skipped), without allocating: every
// request carrying a cookie runs it, and CookiesNamed builds a *Cookie for
// each. The values are substrings of the header.
type cookieScan struct {
	lines []string // Cookie header lines not yet started
	line  string   // the rest of the current line
	name  string
}

// scanCookies starts a scan of h's Cookie lines for name, a valid cookie
// name.
func scanCookies(h http.Header, name string) cookieScan {
	lines := h["Cookie"]
	n := 0
	for _, l := range lines {
		n += strings.Count(l, ";") + 1
	}
	if n > maxRequestCookies {
		lines = nil
	}
	return cookieScan{lines: lines, name: name}
}

// next returns the next value of the cookie, or false when there is none.
func (c *cookieScan) next() (string, bool) {
	for {
		for c.line == "" {
			if len(c.lines) == 0 {
				return "", false
			}
			c.line, c.lines = textproto.TrimString(c.lines[0]), c.lines[1:]
		}
		var part string
		part, c.line, _ = strings.Cut(c.line, ";")
		name, raw, _ := strings.Cut(textproto.TrimString(part), "=")
		if textproto.TrimString(name) != c.name {
			continue
		}
		if v, ok := cookieValue(raw); ok {
			return v, true
		}
	}
}

// cookieValue strips a value's double quotes, if any, and reports whether
// every byte is one a cookie value may hold (RFC 6265), as net/http does.
func cookieValue(raw string) (string, bool) {
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw = raw[1 : len(raw)-1]
	}
	for i := 0; i < len(raw); i++ {
		if b := raw[i]; b < 0x20 || b >= 0x7f || b == '"' || b == ';' || b == '\\' {
			return "", false
		}
	}
	return raw, true
}

// hasCookie reports whether h carries a valid value for the cookie name.
func hasCookie(h http.Header, name string) bool {
	sc := scanCookies(h, name)
	_, ok := sc.next()
	return ok
}
