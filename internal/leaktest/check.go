package leaktest

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/sessionkit/sessionkit/core"
)

// privates is what a scenario must keep to itself.
type privates struct {
	secret []byte
	ids    []string // every session ID the manager issued
	tokens []string // every token the client was given
	extra  []string // the backend's own, such as a password
}

// everywhere returns what neither a response nor a log line may carry.
func (p privates) everywhere() []string {
	s := p.secret
	out := []string{string(s), hex.EncodeToString(s), base64.StdEncoding.EncodeToString(s), base64.RawURLEncoding.EncodeToString(s)}
	out = append(out, p.ids...)
	out = append(out, p.tokens...)
	return append(out, p.extra...)
}

// containsAny returns the first of subs (ignoring empty ones) that s
// contains, or "".
func containsAny(s string, subs ...string) string {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return sub
		}
	}
	return ""
}

// checkLogs reports log records and framework log lines that carry a
// private string.
func checkLogs(logs *Logs, p privates) []string {
	var findings []string
	forbidden := p.everywhere()
	for _, e := range logs.Records() {
		if leak := containsAny(e.Text, forbidden...); leak != "" {
			findings = append(findings, fmt.Sprintf("log record %q carries %q", e.Text, leak))
		}
	}
	for _, l := range logs.Lines() {
		if leak := containsAny(l, forbidden...); leak != "" {
			findings = append(findings, fmt.Sprintf("framework log line %q carries %q", l, leak))
		}
	}
	return findings
}

// errorTexts returns the text of every logged error and of every error it
// wraps, with the backend's failure text: none may reach a response.
// Texts too short to be distinctive are left out.
func errorTexts(recs []Entry, failureText string) []string {
	out := []string{failureText}
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if t := err.Error(); len(t) >= 12 {
			out = append(out, t)
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	for _, e := range recs {
		for _, err := range e.Errors {
			walk(err)
		}
	}
	return out
}

// checkResponses reports responses that carry a private string, a store
// key or a store error anywhere but where the session token belongs: the
// session's Set-Cookie, and the token header for a header client.
func checkResponses(rs []response, tr Transport, p privates, m *core.Manager, errTexts []string) []string {
	forbidden := p.everywhere()
	for _, id := range p.ids {
		forbidden = append(forbidden, m.StoreKey(id))
	}
	forbidden = append(forbidden, errTexts...)
	tokenHeader := http.CanonicalHeaderKey(TokenHeader)
	var findings []string
	report := func(r response, where, text string) {
		if leak := containsAny(text, forbidden...); leak != "" {
			findings = append(findings, fmt.Sprintf("%s %s: %s %q carries %q", r.method, r.path, where, text, leak))
		}
	}
	for _, r := range rs {
		report(r, "body", r.body)
		if v, ok := r.header[tokenHeader]; ok && !headerAllowed(r, tr) {
			findings = append(findings, fmt.Sprintf("%s %s: %s: %q sent to a %s client that carried the cookie %v", r.method, r.path, TokenHeader, v, tr, r.hadCookie))
		}
		for name, vals := range r.header {
			for _, v := range vals {
				if !tokenPlace(name, v, headerAllowed(r, tr)) {
					report(r, "header "+name, v)
				}
			}
		}
	}
	return findings
}

// headerAllowed reports whether r may carry the token in TokenHeader: for
// an API client, or a script's request that carried no cookie.
func headerAllowed(r response, tr Transport) bool {
	return tr == Header || (tr == Script && !r.hadCookie)
}

// tokenPlace reports whether a response header line is where the session
// token belongs.
func tokenPlace(name, value string, headerOK bool) bool {
	switch name {
	case "Set-Cookie":
		return strings.HasPrefix(value, core.DefaultCookieName+"=")
	case http.CanonicalHeaderKey(TokenHeader):
		return headerOK
	}
	return false
}
