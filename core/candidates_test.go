package core_test

import (
	"cmp"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// mintedCookie returns a validly signed session cookie for a new ID that
// no store holds: what the server sees of a destroyed session's cookie.
func mintedCookie(t *testing.T) *http.Cookie {
	now := time.Now()
	return &http.Cookie{Name: core.DefaultCookieName, Value: validToken(newID(t), now, now)}
}

// A validly signed cookie whose session is gone (destroyed, rotated away
// by a login, expired in the store, never stored) sent before the live
// session's cookie, as browsers send an older cookie or one with a longer
// Path first, does not hide the live session: it is read and written.
func TestStaleCookieSentFirstNeverHidesTheLiveOne(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		stale func(t *testing.T, m *core.Manager, st *meteredStore) *http.Cookie
	}{
		{"destroyed", func(t *testing.T, m *core.Manager, st *meteredStore) *http.Cookie {
			ck, _ := login(t, m, "old")
			serve(m.Handler(sessionFunc(func(s *core.Session) { s.Destroy() })), get("/logout", ck))
			return ck
		}},
		{"regenerated away", func(t *testing.T, m *core.Manager, st *meteredStore) *http.Cookie {
			ck, _ := login(t, m, "old")
			serve(m.Handler(sessionFunc(func(s *core.Session) { s.Regenerate() })), get("/login", ck))
			return ck
		}},
		{"expired in the store", func(t *testing.T, m *core.Manager, st *meteredStore) *http.Cookie {
			ck, _ := storedSession(t, m, st, time.Now(), time.Now().Add(-time.Second))
			return ck
		}},
		{"never stored", func(t *testing.T, _ *core.Manager, _ *meteredStore) *http.Cookie { return mintedCookie(t) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{})
			stale := tc.stale(t, m, st)
			live, id := login(t, m, "live")
			count, _ := st.Count(t.Context())

			var got seen
			resp := serve(m.Handler(reader(&got)), get("/", stale, live))
			if got.k != "live" || got.id != id || got.isNew {
				t.Errorf("stale cookie first: k = %q, new %v, same ID %v; want the live session", got.k, got.isNew, got.id == id)
			}
			if c := sessionCookie(t, resp, core.DefaultCookieName); c != nil {
				t.Errorf("reading the live session: Set-Cookie %v; want none", c)
			}
			serve(m.Handler(setter), get("/?v=changed", stale, live))
			if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"changed"` {
				t.Errorf("stale cookie first, Set: live record holds k = %s; want \"changed\"", rec.Values["k"])
			}
			if n, _ := st.Count(t.Context()); n != count {
				t.Errorf("%d sessions stored after the requests; want %d: no new session", n, count)
			}
		})
	}
}

// Of many same-named cookies, only the first eight are verified, so a
// request stuffed with cookies costs at most eight HMACs and eight store
// reads; a live session's cookie further back is not adopted.
func TestAtMostEightSessionCookiesConsidered(t *testing.T) {
	t.Parallel()
	forged := func(t *testing.T) *http.Cookie {
		return &http.Cookie{Name: core.DefaultCookieName, Value: flipChar(mintedCookie(t).Value, 20)}
	}
	tests := []struct {
		name      string
		before    func(t *testing.T) *http.Cookie // sent before the live cookie
		n         int                             // how many of them
		wantLive  bool
		wantLoads int
	}{
		{"live first", mintedCookie, 0, true, 1},
		{"live second, after a gone session", mintedCookie, 1, true, 2},
		{"live eighth, after gone sessions", mintedCookie, 7, true, 8},
		{"live ninth, after gone sessions", mintedCookie, 8, false, 8},
		{"live twelfth, after gone sessions", mintedCookie, 11, false, 8},
		{"live eighth, after forged cookies", forged, 7, true, 1},
		{"live ninth, after forged cookies", forged, 8, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{})
			live, id := login(t, m, "live")
			var cookies []*http.Cookie
			for range tc.n {
				cookies = append(cookies, tc.before(t))
			}
			st.Reset()
			var got seen
			serve(m.Handler(reader(&got)), get("/", append(cookies, live)...))
			if isLive := got.id == id && got.k == "live"; isLive != tc.wantLive {
				t.Errorf("live cookie at position %d: served the live session %v; want %v", tc.n+1, isLive, tc.wantLive)
			}
			if n := st.Calls("Load"); n != tc.wantLoads {
				t.Errorf("live cookie at position %d: %d store loads; want %d", tc.n+1, n, tc.wantLoads)
			}
		})
	}
}

// prefixJar is a real cookie jar that also applies the cookie-name prefix
// rules of browsers (RFC 6265bis, section 4.1.3), which
// net/http/cookiejar does not: a __Secure- cookie must be Secure and come
// over HTTPS; a __Host- cookie must also have Path=/ and no Domain, so no
// other host (a sibling or parent domain) can set it.
type prefixJar struct{ *cookiejar.Jar }

func (j prefixJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	var kept []*http.Cookie
	for _, c := range cookies {
		host := strings.HasPrefix(strings.ToLower(c.Name), "__host-")
		secure := strings.HasPrefix(strings.ToLower(c.Name), "__secure-")
		switch {
		case (host || secure) && (!c.Secure || u.Scheme != "https"):
		case host && (c.Domain != "" || c.Path != "/"):
		default:
			kept = append(kept, c)
		}
	}
	j.Jar.SetCookies(u, kept)
}

// browser returns a client for h, served in process, with a prefixJar.
func browser(t *testing.T, h http.Handler) *http.Client {
	jar, err := cookiejar.New(nil) // no public suffix list: example.test may hold cookies
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: prefixJar{jar}, Transport: inProcess{h}}
}

// visit requests rawURL with c and returns the body.
func visit(t *testing.T, c *http.Client, rawURL string) string {
	t.Helper()
	resp, err := c.Get(rawURL)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	return body(t, resp)
}

// A sibling host (evil.example.test) plants a cookie of the session's
// name for the parent domain, holding the attacker's own live session,
// beside the victim's live host cookie on app.example.test. Both verify
// and both are live: the first in the browser's order wins, which the
// planted cookie is where its Path is longer. The defence is the __Host-
// prefix: browsers refuse a __Host- cookie with a Domain, so it cannot be
// planted at all (New refuses a __Host- configuration that breaks the
// prefix's rules; see TestNewRejectsInvalidConfig).
func TestPlantedParentDomainCookie(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cookie  core.CookieConfig
		plant   string // the planted cookie's Path
		page    string // the path the victim visits
		wantWho string // whose session the victim is served
	}{
		{"planted with the same Path: the victim's older cookie first", core.CookieConfig{}, "/", "/account", "alice"},
		{"planted with a longer Path: the planted cookie first", core.CookieConfig{}, "/account", "/account", "mallory"},
		{"planted with a longer Path, elsewhere on the site", core.CookieConfig{}, "/account", "/home", "alice"},
		{"__Host- name: cannot be planted", core.CookieConfig{Name: "__Host-session", Secure: core.SecureAlways}, "/account", "/account", "alice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newManager(t, core.Config{Cookie: tc.cookie})
			name := cmp.Or(tc.cookie.Name, core.DefaultCookieName)
			app := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				if user, ok := strings.CutPrefix(r.URL.Path, "/login/"); ok {
					s.Regenerate()
					keyK.Set(s, user)
				}
				fmt.Fprint(w, keyK.Get(s))
			}))
			var planted string
			evil := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.SetCookie(w, &http.Cookie{Name: name, Value: planted, Domain: "example.test", Path: tc.plant, Secure: true})
			})
			sites := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Host == "evil.example.test" {
					evil.ServeHTTP(w, r)
					return
				}
				app.ServeHTTP(w, r)
			})

			attacker, victim := browser(t, sites), browser(t, sites)
			visit(t, attacker, "https://app.example.test/login/mallory")
			appURL, _ := url.Parse("https://app.example.test/")
			for _, c := range attacker.Jar.Cookies(appURL) {
				if c.Name == name {
					planted = c.Value
				}
			}
			if planted == "" {
				t.Fatalf("the attacker got no %s cookie", name)
			}
			if got := visit(t, victim, "https://app.example.test/login/alice"); got != "alice" {
				t.Fatalf("victim's login = %q; want alice", got)
			}
			visit(t, victim, "https://evil.example.test/")
			if got := visit(t, victim, "https://app.example.test"+tc.page); got != tc.wantWho {
				t.Errorf("victim's GET %s = %q; want %s's session", tc.page, got, tc.wantWho)
			}
		})
	}
}
