package core_test

import (
	"crypto/tls"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestCookieAttributes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cfg   core.CookieConfig
		check func(t *testing.T, c *http.Cookie, raw string)
	}{
		{"name", core.CookieConfig{Name: "sid"}, func(t *testing.T, c *http.Cookie, _ string) {
			if c.Name != "sid" {
				t.Errorf("Name = %q; want sid", c.Name)
			}
		}},
		{"domain", core.CookieConfig{Domain: "example.com"}, func(t *testing.T, c *http.Cookie, _ string) {
			if c.Domain != "example.com" {
				t.Errorf("Domain = %q; want example.com", c.Domain)
			}
		}},
		{"path", core.CookieConfig{Path: "/app"}, func(t *testing.T, c *http.Cookie, _ string) {
			if c.Path != "/app" {
				t.Errorf("Path = %q; want /app", c.Path)
			}
		}},
		{"script access", core.CookieConfig{AllowScriptAccess: true}, func(t *testing.T, c *http.Cookie, _ string) {
			if c.HttpOnly {
				t.Error("HttpOnly = true with AllowScriptAccess; want false")
			}
		}},
		{"SameSite=Strict", core.CookieConfig{SameSite: http.SameSiteStrictMode}, func(t *testing.T, c *http.Cookie, _ string) {
			if c.SameSite != http.SameSiteStrictMode {
				t.Errorf("SameSite = %v; want Strict", c.SameSite)
			}
		}},
		{"SameSite default mode means Lax", core.CookieConfig{SameSite: http.SameSiteDefaultMode}, func(t *testing.T, c *http.Cookie, _ string) {
			if c.SameSite != http.SameSiteLaxMode {
				t.Errorf("SameSite = %v; want Lax", c.SameSite)
			}
		}},
		{"SameSite=None", core.CookieConfig{SameSite: http.SameSiteNoneMode, Secure: core.SecureAlways}, func(t *testing.T, c *http.Cookie, _ string) {
			if c.SameSite != http.SameSiteNoneMode || !c.Secure {
				t.Errorf("SameSite = %v, Secure = %v; want None, true", c.SameSite, c.Secure)
			}
		}},
		{"partitioned", core.CookieConfig{Partitioned: true, Secure: core.SecureAlways, SameSite: http.SameSiteNoneMode}, func(t *testing.T, c *http.Cookie, raw string) {
			if !c.Partitioned || !strings.Contains(raw, "; Partitioned") {
				t.Errorf("Set-Cookie %q; want the Partitioned attribute", raw)
			}
		}},
		{"__Host- prefix", core.CookieConfig{Name: "__Host-sid", Secure: core.SecureAlways}, func(t *testing.T, c *http.Cookie, _ string) {
			if c.Name != "__Host-sid" || !c.Secure || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie %v; want __Host-sid, Secure, Path=/, no Domain", c)
			}
		}},
		{"__Secure- prefix", core.CookieConfig{Name: "__Secure-sid", Secure: core.SecureAlways, Domain: "example.com"}, func(t *testing.T, c *http.Cookie, _ string) {
			if c.Name != "__Secure-sid" || !c.Secure || c.Domain != "example.com" {
				t.Errorf("cookie %v; want __Secure-sid, Secure, Domain=example.com", c)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newManager(t, core.Config{Cookie: tc.cfg})
			name := orDefault(tc.cfg.Name, "session")
			resp := serve(m.Handler(setter), get("/app/?v=x"))
			c := sessionCookie(t, resp, name)
			if !live(c) {
				t.Fatalf("Set-Cookie %q; want a %s cookie", resp.Header.Values("Set-Cookie"), name)
			}
			tc.check(t, c, resp.Header.Get("Set-Cookie"))

			// The cookie works on the next request.
			var got seen
			serve(m.Handler(reader(&got)), get("/app/", c))
			if got.k != "x" {
				t.Errorf("next request with the cookie: k = %q; want x", got.k)
			}
		})
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func TestCookieSecureAttribute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mode       core.SecureMode
		trustProxy bool
		tls        bool
		proto      []string // X-Forwarded-Proto lines
		want       bool
	}{
		{"auto, plain HTTP", core.SecureAuto, false, false, nil, false},
		{"auto, TLS", core.SecureAuto, false, true, nil, true},
		{"auto, proxy header ignored without TrustProxy", core.SecureAuto, false, false, []string{"https"}, false},
		{"auto, proxy lines ignored without TrustProxy", core.SecureAuto, false, false, []string{"http", "https"}, false},
		{"auto, TrustProxy with https", core.SecureAuto, true, false, []string{"https"}, true},
		{"auto, TrustProxy trusts the last of a list", core.SecureAuto, true, false, []string{"http, HTTPS"}, true},
		{"auto, TrustProxy ignores a client's https further out", core.SecureAuto, true, false, []string{"https, http"}, false},
		{"auto, TrustProxy trusts the last of several lines", core.SecureAuto, true, false, []string{"http", "https"}, true},
		{"auto, TrustProxy ignores an earlier line's https", core.SecureAuto, true, false, []string{"https", "http"}, false},
		{"auto, TrustProxy trusts the last value of the last line", core.SecureAuto, true, false, []string{"https, http", "http, https"}, true},
		{"auto, TrustProxy ignores https before the last value of the last line", core.SecureAuto, true, false, []string{"http", "https, http"}, false},
		{"auto, TrustProxy with spaces", core.SecureAuto, true, false, []string{"http,  https "}, true},
		{"auto, TrustProxy with an empty last value", core.SecureAuto, true, false, []string{"https,"}, false},
		{"auto, TrustProxy with an empty last line", core.SecureAuto, true, false, []string{"https", ""}, false},
		{"auto, TrustProxy with http", core.SecureAuto, true, false, []string{"http"}, false},
		{"auto, TrustProxy without header", core.SecureAuto, true, false, nil, false},
		{"always, plain HTTP", core.SecureAlways, false, false, nil, true},
		{"never, TLS", core.SecureNever, false, true, nil, false},
		{"never, TrustProxy with https", core.SecureNever, true, false, []string{"https"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newManager(t, core.Config{TrustProxy: tc.trustProxy, Cookie: core.CookieConfig{Secure: tc.mode}})
			r := get("/?v=x")
			if tc.tls {
				r.TLS = &tls.ConnectionState{HandshakeComplete: true}
			}
			for _, p := range tc.proto {
				r.Header.Add("X-Forwarded-Proto", p)
			}
			c := sessionCookie(t, serve(m.Handler(setter), r), "session")
			if !live(c) {
				t.Fatalf("no session cookie")
			}
			if c.Secure != tc.want {
				t.Errorf("Secure = %v; want %v", c.Secure, tc.want)
			}
		})
	}
}

func TestCookieSecureOverRealTLS(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	h := m.Handler(setter)
	for _, tc := range []struct {
		name string
		tls  bool
	}{{"TLS server", true}, {"plain server", false}} {
		t.Run(tc.name, func(t *testing.T) {
			var client *http.Client
			var url string
			if tc.tls {
				srv := startTLSServer(t, h)
				client, url = srv.Client(), srv.URL
			} else {
				srv := startServer(t, h)
				client, url = srv.Client(), srv.URL
			}
			resp, err := client.Get(url + "/?v=x")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			c := sessionCookie(t, resp, "session")
			if !live(c) || c.Secure != tc.tls {
				t.Errorf("Set-Cookie = %v; want Secure = %v", c, tc.tls)
			}
		})
	}
}

func TestOneSessionSetCookiePerResponse(t *testing.T) {
	t.Parallel()
	a, b := core.Key[int]("a"), core.Key[int]("b")
	tests := []struct {
		name    string
		cfg     core.Config
		handler func(t *testing.T, w http.ResponseWriter, r *http.Request, s *core.Session)
	}{
		{"new session: Save, then more changes", core.Config{}, func(t *testing.T, w http.ResponseWriter, r *http.Request, s *core.Session) {
			a.Set(s, 1)
			if err := s.Save(r.Context()); err != nil {
				t.Errorf("Save: %v", err)
			}
			b.Set(s, 2)
		}},
		{"rolling: Save twice", core.Config{Rolling: true}, func(t *testing.T, w http.ResponseWriter, r *http.Request, s *core.Session) {
			a.Set(s, 1)
			s.Save(r.Context())
			b.Set(s, 2)
			s.Save(r.Context())
		}},
		{"Save, Regenerate, Save", core.Config{}, func(t *testing.T, w http.ResponseWriter, r *http.Request, s *core.Session) {
			a.Set(s, 1)
			s.Save(r.Context())
			s.Regenerate()
			s.Save(r.Context())
		}},
		{"Save, then Destroy", core.Config{}, func(t *testing.T, w http.ResponseWriter, r *http.Request, s *core.Session) {
			a.Set(s, 1)
			s.Save(r.Context())
			s.Destroy()
		}},
		{"Destroy, then new data", core.Config{}, func(t *testing.T, w http.ResponseWriter, r *http.Request, s *core.Session) {
			a.Set(s, 1)
			s.Save(r.Context())
			s.Destroy()
			b.Set(s, 2)
		}},
		{"Save, then SetLifetime and RememberMe", core.Config{MaxLifetime: 48 * time.Hour}, func(t *testing.T, w http.ResponseWriter, r *http.Request, s *core.Session) {
			a.Set(s, 1)
			s.Save(r.Context())
			s.SetLifetime(48 * time.Hour)
			s.RememberMe(true)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newManager(t, tc.cfg)
			h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark"})
				tc.handler(t, w, r, s)
				http.SetCookie(w, &http.Cookie{Name: "sessionx", Value: "other"})
				w.Write([]byte("ok"))
			}))
			resp := serve(h, get("/"))
			lines := resp.Header.Values("Set-Cookie")
			if n := len(setCookies(resp, "session")); n != 1 {
				t.Errorf("%d Set-Cookie lines for the session; want exactly 1: %q", n, lines)
			}
			for _, other := range []string{"theme", "sessionx"} {
				if len(setCookies(resp, other)) != 1 {
					t.Errorf("the handler's %s cookie is missing: %q", other, lines)
				}
			}
		})
	}
}

func TestSessionCookieResponsesAreNotSharedCacheable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		cacheControl string
		vary         string
		wantCC       func(cc string) bool
		wantVary     []string
	}{
		{"no Cache-Control", "", "", func(cc string) bool { return hasDirective(cc, "private") || hasDirective(cc, "no-store") }, []string{"Cookie"}},
		{"public with max-age", "public, max-age=60", "", func(cc string) bool {
			return hasDirective(cc, "private") && !hasDirective(cc, "public") && hasDirective(cc, "max-age=60")
		}, []string{"Cookie"}},
		{"s-maxage dropped", "max-age=60, s-maxage=600", "", func(cc string) bool {
			return hasDirective(cc, "private") && !strings.Contains(cc, "s-maxage")
		}, []string{"Cookie"}},
		{"no-store kept", "no-store", "", func(cc string) bool { return hasDirective(cc, "no-store") }, []string{"Cookie"}},
		{"existing Vary kept", "", "Accept-Encoding", func(cc string) bool { return hasDirective(cc, "private") }, []string{"Accept-Encoding", "Cookie"}},
		{"Vary: Cookie not repeated", "", "Cookie", func(cc string) bool { return hasDirective(cc, "private") }, []string{"Cookie"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newManager(t, core.Config{})
			h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				if tc.cacheControl != "" {
					w.Header().Set("Cache-Control", tc.cacheControl)
				}
				if tc.vary != "" {
					w.Header().Set("Vary", tc.vary)
				}
				keyK.Set(s, "v")
				w.Write([]byte("page"))
			}))
			resp := serve(h, get("/"))
			if !live(sessionCookie(t, resp, "session")) {
				t.Fatal("no session cookie")
			}
			if cc := resp.Header.Get("Cache-Control"); !tc.wantCC(cc) {
				t.Errorf("Cache-Control = %q; want it private (or no-store) for a response setting the session cookie", cc)
			}
			var vary []string
			for _, v := range resp.Header.Values("Vary") {
				for _, f := range strings.Split(v, ",") {
					vary = append(vary, strings.TrimSpace(f))
				}
			}
			if !slices.Equal(vary, tc.wantVary) {
				t.Errorf("Vary = %q; want %q", vary, tc.wantVary)
			}
		})
	}

	t.Run("no session cookie, headers untouched", func(t *testing.T) {
		t.Parallel()
		m := newManager(t, core.Config{})
		h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=60")
		}))
		resp := serve(h, get("/"))
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=60" {
			t.Errorf("Cache-Control = %q; want the handler's public, max-age=60", cc)
		}
		if v := resp.Header.Values("Vary"); v != nil {
			t.Errorf("Vary = %q; want none", v)
		}
	})
}

func hasDirective(cc, d string) bool {
	for _, f := range strings.Split(cc, ",") {
		if strings.EqualFold(strings.TrimSpace(f), d) {
			return true
		}
	}
	return false
}

func TestCacheHeadersSetAfterSaveStayPrivate(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "v")
		if err := s.Save(r.Context()); err != nil {
			t.Errorf("Save: %v", err)
		}
		w.Header().Set("Cache-Control", "public, max-age=600")
		w.Write([]byte("page"))
	})), get("/"))
	if !live(sessionCookie(t, resp, "session")) {
		t.Fatal("no session cookie")
	}
	cc := resp.Header.Get("Cache-Control")
	if !strings.Contains(cc, "private") || strings.Contains(cc, "public") {
		t.Errorf("Cache-Control = %q with a session Set-Cookie; want private, never public", cc)
	}
}
