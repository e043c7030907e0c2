package core

import (
	"log/slog"
	"net/http"
	"strings"
)

// SameSiteAuto, as CookieConfig.SameSite, sends SameSite=None with Secure
// over a secure request (TLS, or with Config.TrustProxy an
// X-Forwarded-Proto of https) and SameSite=Lax over any other, as
// express-session's sameSite: 'auto' does: for an app served both over
// HTTPS, where it is embedded cross-site, and over plain HTTP in
// development. It cannot be combined with SecureNever.
const SameSiteAuto http.SameSite = 0x100

// CookiePriority is the cookie's Priority attribute, which Chromium-based
// browsers use to choose which cookies to evict first when a site holds
// too many: a High-priority session cookie outlives Low and Medium ones.
// Other browsers ignore it.
type CookiePriority uint8

// The priorities. PriorityNone, the default, sends no attribute, which
// browsers treat as Medium.
const (
	PriorityNone CookiePriority = iota
	PriorityLow
	PriorityMedium
	PriorityHigh
)

// String returns the attribute's value ("Low", "Medium", "High"), or ""
// for PriorityNone.
func (p CookiePriority) String() string {
	switch p {
	case PriorityLow:
		return "Low"
	case PriorityMedium:
		return "Medium"
	case PriorityHigh:
		return "High"
	}
	return ""
}

// cookieFor returns the cookie configuration for r: Config.Cookie, as
// Config.CookieFor adjusts it for this request. An adjustment that
// changes the name or breaks a rule New enforces is logged and ignored.
func (m *Manager) cookieFor(r *http.Request) *CookieConfig {
	if m.cfg.CookieFor == nil {
		return &m.cfg.Cookie
	}
	ck := m.cfg.Cookie
	m.cfg.CookieFor(r, &ck)
	err := ck.validate()
	if err == nil && ck.Name != m.cfg.Cookie.Name {
		err = invalid("Config.CookieFor changed the cookie name to %q; the name is fixed by Config.Cookie.Name", ck.Name)
	}
	if err != nil {
		m.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "sessionkit: Config.CookieFor returned an invalid cookie; Config.Cookie used instead",
			slog.String(logKeyEvent, logEventCookieInvalid), slog.Any(logKeyError, err))
		return &m.cfg.Cookie
	}
	return &ck
}

// secureRequest reports whether r came over a secure connection: TLS,
// or, with Config.TrustProxy, an X-Forwarded-Proto of https.
func (m *Manager) secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return m.cfg.TrustProxy && strings.EqualFold(lastForwardedProto(r.Header), "https")
}
