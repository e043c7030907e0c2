package core_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// TestCookiePriority: the Priority attribute is sent as configured, on the
// cookie that sets the session and on the one that clears it.
func TestCookiePriority(t *testing.T) {
	t.Parallel()
	tests := []struct {
		priority core.CookiePriority
		want     string // the attribute, "" for none
	}{
		{core.PriorityNone, ""},
		{core.PriorityLow, "; Priority=Low"},
		{core.PriorityMedium, "; Priority=Medium"},
		{core.PriorityHigh, "; Priority=High"},
	}
	for _, tc := range tests {
		t.Run(orDefault(tc.priority.String(), "none"), func(t *testing.T) {
			t.Parallel()
			m := newManager(t, core.Config{Cookie: core.CookieConfig{Priority: tc.priority}})
			set := serve(m.Handler(setter), get("/?v=x"))
			raw := set.Header.Get("Set-Cookie")
			c := sessionCookie(t, set, core.DefaultCookieName)
			cleared := serve(m.Handler(sessionFunc(func(s *core.Session) { s.Destroy() })), get("/", c)).Header.Get("Set-Cookie")
			for what, line := range map[string]string{"set": raw, "cleared": cleared} {
				if got := strings.Contains(line, "; Priority="); got != (tc.want != "") || tc.want != "" && !strings.Contains(line, tc.want) {
					t.Errorf("Set-Cookie when the session is %s = %q; want the attribute %q", what, line, tc.want)
				}
			}
		})
	}
}

// TestSameSiteAuto: SameSiteAuto is None with Secure over secure requests,
// and Lax (Secure as its mode says) over others.
func TestSameSiteAuto(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mode       core.SecureMode
		trustProxy bool
		tls        bool
		proto      string
		wantSite   http.SameSite
		wantSecure bool
	}{
		{"plain HTTP", core.SecureAuto, false, false, "", http.SameSiteLaxMode, false},
		{"TLS", core.SecureAuto, false, true, "", http.SameSiteNoneMode, true},
		{"proxy https, trusted", core.SecureAuto, true, false, "https", http.SameSiteNoneMode, true},
		{"proxy https, not trusted", core.SecureAuto, false, false, "https", http.SameSiteLaxMode, false},
		{"SecureAlways over plain HTTP", core.SecureAlways, false, false, "", http.SameSiteLaxMode, true},
		{"SecureAlways over TLS", core.SecureAlways, false, true, "", http.SameSiteNoneMode, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newManager(t, core.Config{TrustProxy: tc.trustProxy, Cookie: core.CookieConfig{SameSite: core.SameSiteAuto, Secure: tc.mode}})
			r := get("/?v=x")
			if tc.tls {
				r.TLS = &tls.ConnectionState{HandshakeComplete: true}
			}
			if tc.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			c := sessionCookie(t, serve(m.Handler(setter), r), core.DefaultCookieName)
			if c.SameSite != tc.wantSite || c.Secure != tc.wantSecure {
				t.Errorf("cookie SameSite = %v, Secure = %v; want %v, %v", c.SameSite, c.Secure, tc.wantSite, tc.wantSecure)
			}
		})
	}
}

// TestCookieFor: Config.CookieFor adjusts the cookie per request, for the
// cookie that sets the session and the one that clears it; an adjustment
// that breaks the cookie rules is logged and Config.Cookie used instead.
func TestCookieFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		adjust     func(r *http.Request, c *core.CookieConfig)
		wantDomain string
		wantPath   string
		wantLogged bool
	}{
		{"domain by host", func(r *http.Request, c *core.CookieConfig) {
			if strings.HasSuffix(r.Host, ".example.org") {
				c.Domain = "example.org"
			}
		}, "example.org", "/", false},
		{"path by route", func(r *http.Request, c *core.CookieConfig) { c.Path = "/shop" }, "", "/shop", false},
		{"renamed", func(r *http.Request, c *core.CookieConfig) { c.Name = "other" }, "", "/", true},
		{"SameSite=None without SecureAlways", func(r *http.Request, c *core.CookieConfig) { c.SameSite = http.SameSiteNoneMode }, "", "/", true},
		{"bad path", func(r *http.Request, c *core.CookieConfig) { c.Path = "no-slash" }, "", "/", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			m := newManager(t, core.Config{CookieFor: tc.adjust, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			r := get("/shop?v=x")
			r.Host = "www.example.org"
			set := serve(m.Handler(setter), r)
			c := sessionCookie(t, set, core.DefaultCookieName)
			r = get("/shop", c)
			r.Host = "www.example.org"
			cleared := setCookies(serve(m.Handler(sessionFunc(func(s *core.Session) { s.Destroy() })), r), core.DefaultCookieName)
			if len(cleared) != 1 {
				t.Fatalf("Destroy sent %d session cookies; want 1", len(cleared))
			}
			for what, got := range map[string]*http.Cookie{"set": c, "cleared": cleared[0]} {
				if got.Domain != tc.wantDomain || got.Path != tc.wantPath {
					t.Errorf("cookie %s: Domain %q, Path %q; want %q, %q", what, got.Domain, got.Path, tc.wantDomain, tc.wantPath)
				}
			}
			logged := strings.Contains(logs.String(), "Config.CookieFor returned an invalid cookie")
			if logged != tc.wantLogged {
				t.Errorf("logged an invalid CookieFor result: %v; want %v (log %q)", logged, tc.wantLogged, logs.String())
			}
			if strings.Contains(logs.String(), c.Value) {
				t.Error("the log holds the cookie's value")
			}
		})
	}
}

func TestCookieOptionsValidation(t *testing.T) {
	t.Parallel()
	for _, ck := range []core.CookieConfig{
		{Priority: 9},
		{SameSite: core.SameSiteAuto, Secure: core.SecureNever},
		{SameSite: 77},
	} {
		if _, err := core.New(core.Config{Secrets: [][]byte{secretA}, Cookie: ck}); !errors.Is(err, core.ErrInvalidConfig) {
			t.Errorf("New with Cookie %+v = %v; want ErrInvalidConfig", ck, err)
		}
	}
}
