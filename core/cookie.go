package core

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// writeCookie sets the session cookie (and header token) on the response,
// replacing any session cookie set earlier in this response.
func (s *Session) writeCookie(now time.Time) {
	v := s.m.codec.encode(s.st.ident)
	ck := s.m.cookieFor(s.req)
	c := s.m.baseCookie(s.req, ck)
	c.Value = v
	persistent := !ck.SessionOnly || s.st.loadedCookie() != nil // an Express cookie with a maxAge stays persistent
	if p := s.st.ident.persist; p != persistDefault {
		persistent = p == persistAlways
	}
	if persistent {
		exp := s.st.expiry(&s.m.cfg, now)
		c.Expires = exp
		if !s.m.cfg.sharing() { // Express sends Expires alone
			c.MaxAge = max(1, int(exp.Sub(now).Seconds()))
		}
	}
	s.setCookie(c, ck.Priority)
	if s.st.transport == transportHeader {
		s.hdr.Set(s.m.headerKey, v)
	}
}

// writeExpiredCookie tells the browser to drop the session cookie, and a
// header-transport client, with an empty header, to drop its token.
func (s *Session) writeExpiredCookie() {
	ck := s.m.cookieFor(s.req)
	c := s.m.baseCookie(s.req, ck)
	c.MaxAge = -1
	c.Expires = time.Unix(1, 0)
	s.setCookie(c, ck.Priority)
	if s.st.transport == transportHeader {
		s.hdr[s.m.headerKey] = []string{""}
	}
}

// baseCookie is the session cookie for r, as ck configures it, without
// its value and expiry.
func (m *Manager) baseCookie(r *http.Request, ck *CookieConfig) *http.Cookie {
	c := &http.Cookie{
		Name:        ck.Name,
		Path:        ck.Path,
		Domain:      ck.Domain,
		Secure:      m.secure(r, ck.Secure),
		HttpOnly:    !ck.AllowScriptAccess,
		SameSite:    ck.SameSite,
		Partitioned: ck.Partitioned,
	}
	if ck.SameSite == SameSiteAuto {
		c.SameSite = http.SameSiteLaxMode
		if m.secureRequest(r) {
			c.SameSite, c.Secure = http.SameSiteNoneMode, true
		}
	}
	return c
}

// secure decides the Secure attribute for this request.
func (m *Manager) secure(r *http.Request, mode SecureMode) bool {
	switch mode {
	case SecureAlways:
		return true
	case SecureNever:
		return false
	}
	return m.secureRequest(r)
}

// lastForwardedProto returns the last X-Forwarded-Proto value, across
// every line of the header: the one the proxy nearest the app added or
// set. Earlier values come from hops further out, down to the client
// itself, and prove nothing.
func lastForwardedProto(h http.Header) string {
	vals := h.Values("X-Forwarded-Proto")
	if len(vals) == 0 {
		return ""
	}
	last := vals[len(vals)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.TrimSpace(last)
}

// markPersonal keeps shared caches from storing a response the handler
// built from the session: Vary gains Cookie (and the token header, for
// header transport), and Cache-Control becomes private unless the handler
// set one.
func (s *Session) markPersonal() {
	h := s.hdr
	if _, ok := h["Vary"]; !ok && s.st.transport == transportCookie && len(h["Cache-Control"]) == 0 {
		// The common case in one allocation; each slice is capped, so an
		// append by a later middleware never writes into the other.
		vals := []string{"Cookie", "private"}
		h["Vary"], h["Cache-Control"] = vals[0:1:1], vals[1:2:2]
		return
	}
	addVary(h, "Cookie")
	if s.st.transport == transportHeader {
		addVary(h, s.m.headerKey)
	}
	if len(h.Values("Cache-Control")) == 0 {
		h.Set("Cache-Control", "private")
	}
}

func addVary(h http.Header, name string) {
	if !headerHasToken(h, "Vary", name) && !headerHasToken(h, "Vary", "*") {
		h.Add("Vary", name)
	}
}

// setCookie adds c, with priority, dropping any earlier Set-Cookie for the
// same name so a response carries exactly one, and keeps shared caches
// from storing the response.
func (s *Session) setCookie(c *http.Cookie, priority CookiePriority) {
	v := c.String()
	if v != "" && priority != PriorityNone {
		v += "; Priority=" + priority.String()
	}
	if v == "" {
		s.m.cfg.Logger.LogAttrs(s.req.Context(), slog.LevelError, "sessionkit: invalid session cookie; not sent",
			slog.String(logKeyEvent, logEventCookieInvalid), slog.String(logKeyCookieName, c.Name))
		return
	}
	prefix := c.Name + "="
	lines := s.hdr["Set-Cookie"]
	kept := lines[:0]
	for _, l := range lines {
		if !strings.HasPrefix(l, prefix) {
			kept = append(kept, l)
		}
	}
	s.hdr["Set-Cookie"] = append(kept, v)
	privateCache(s.hdr)
}

// privateCache marks a response that sets the session cookie as unfit for
// shared caches: Cache-Control gains "private" (dropping "public" and
// "s-maxage") unless it already forbids storing, and Vary gains Cookie.
func privateCache(h http.Header) {
	addVary(h, "Cookie")
	cc := h.Get("Cache-Control")
	if cc == "" {
		h.Set("Cache-Control", `private, no-cache="Set-Cookie"`)
		return
	}
	var out []string
	private := false
	for _, d := range strings.Split(cc, ",") {
		d = strings.TrimSpace(d)
		name, _, _ := strings.Cut(strings.ToLower(d), "=")
		switch name {
		case "public", "s-maxage":
			continue
		case "private", "no-store":
			private = true
		}
		if d != "" {
			out = append(out, d)
		}
	}
	if !private {
		out = append([]string{"private"}, out...)
	}
	h.Set("Cache-Control", strings.Join(out, ", "))
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
