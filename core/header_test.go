package core_test

import (
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestHeaderTransport(t *testing.T) {
	t.Parallel()
	const hdr = "X-Session-Token"
	st, m := withStore(t, newMeteredStore(t), core.Config{Header: hdr})

	// Issued to a client that asks for header transport by sending the
	// header, empty: the token travels in the response header, equal to the
	// cookie.
	first := get("/?v=api")
	first.Header.Set(hdr, "")
	resp := serve(m.Handler(setter), first)
	tok := resp.Header.Get(hdr)
	ck := sessionCookie(t, resp, "session")
	if tok == "" || !live(ck) || tok != ck.Value {
		t.Fatalf("new session: %s = %q, cookie %v; want the token in both", hdr, tok, ck)
	}

	// Read from the request header alone.
	withHeader := func(token string, cookies ...*http.Cookie) *http.Request {
		r := get("/", cookies...)
		r.Header.Set(hdr, token)
		return r
	}
	var got seen
	resp = serve(m.Handler(reader(&got)), withHeader(tok))
	if got.k != "api" {
		t.Errorf("token in the request header: k = %q; want api", got.k)
	}
	if v := resp.Header.Get(hdr); v != "" {
		t.Errorf("unmodified session: %s = %q; want no token re-sent", hdr, v)
	}

	// The header takes precedence over the cookie.
	otherCookie, _ := login(t, m, "cookie")
	serve(m.Handler(reader(&got)), withHeader(tok, otherCookie))
	if got.k != "api" {
		t.Errorf("header and cookie: k = %q; want the header's session (api)", got.k)
	}
	serve(m.Handler(reader(&got)), get("/", otherCookie))
	if got.k != "cookie" {
		t.Errorf("cookie alone: k = %q; want cookie", got.k)
	}

	// A forged header token never reaches the store.
	st.Reset()
	serve(m.Handler(reader(&got)), withHeader(flipChar(tok, 20)))
	if got.k != "" || st.Total() != 0 {
		t.Errorf("forged header token: k = %q, %d store calls; want an empty session and none", got.k, st.Total())
	}

	// Rotated: Regenerate returns the new token.
	resp = serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Regenerate()
		if err := s.Err(); err != nil {
			t.Errorf("Regenerate: %v", err)
		}
	})), withHeader(tok))
	rotated := resp.Header.Get(hdr)
	if rotated == "" || rotated == tok {
		t.Fatalf("after Regenerate: %s = %q; want a new token", hdr, rotated)
	}
	serve(m.Handler(reader(&got)), withHeader(rotated))
	if got.k != "api" {
		t.Errorf("rotated token: k = %q; want api", got.k)
	}
	serve(m.Handler(reader(&got)), withHeader(tok))
	if got.k != "" {
		t.Errorf("old token after Regenerate: k = %q; want an empty session", got.k)
	}

	// Destroyed: the response says so with an empty header.
	resp = serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Destroy()
	})), withHeader(rotated))
	if v, ok := resp.Header[hdr]; !ok || len(v) != 1 || v[0] != "" {
		t.Errorf("after Destroy: %s = %q (present %v); want one empty value telling the client to drop its token", hdr, v, ok)
	}
	serve(m.Handler(reader(&got)), withHeader(rotated))
	if got.k != "" {
		t.Errorf("token after Destroy: k = %q; want an empty session", got.k)
	}
}

func TestHeaderTransportResignsRotatedSecret(t *testing.T) {
	t.Parallel()
	const hdr = "X-Session-Token"
	st := newMeteredStore(t)
	old := newManager(t, core.Config{Store: st, Header: hdr, Secrets: [][]byte{secretA}})
	rotated := newManager(t, core.Config{Store: st, Header: hdr, Secrets: [][]byte{secretB, secretA}})
	first := get("/?v=x")
	first.Header.Set(hdr, "")
	tok := serve(old.Handler(setter), first).Header.Get(hdr)
	r := get("/")
	r.Header.Set(hdr, tok)
	resigned := serve(rotated.Handler(http.NotFoundHandler()), r).Header.Get(hdr)
	if resigned == "" || resigned == tok {
		t.Errorf("token signed with an old secret: response %s = %q; want it re-signed", hdr, resigned)
	}
}

// tokenClient is an API client with header transport: it sends the header
// on every request, empty before it has a token, keeps the token of every
// response that carries the header and drops it on an empty one. It keeps
// no cookies.
type tokenClient struct {
	h     http.Handler
	hdr   string
	token string
}

// get requests path and returns the response and the header's values.
func (c *tokenClient) get(path string) (*http.Response, []string) {
	r := get(path)
	r.Header.Set(c.hdr, c.token)
	resp := serve(c.h, r)
	v := resp.Header.Values(c.hdr)
	if len(v) > 0 {
		c.token = v[0]
	}
	return resp, v
}

// transportApp serves a session of m at /login (its first Set),
// /regenerate, /read and /logout, and /rotated/read through a manager that
// shares m's store and signs with a new secret, keeping the old one to
// verify.
func transportApp(t *testing.T, cfg core.Config) http.Handler {
	t.Helper()
	cfg.Store = newMeteredStore(t)
	cfg.Secrets = [][]byte{secretA}
	old := newManager(t, cfg)
	cfg.Secrets = [][]byte{secretB, secretA}
	rotated := newManager(t, cfg)
	mux := http.NewServeMux()
	mux.Handle("/login", sessionFunc(func(s *core.Session) { keyK.Set(s, "alice") }))
	mux.Handle("/regenerate", sessionFunc(func(s *core.Session) { s.Regenerate() }))
	mux.Handle("/read", sessionFunc(func(s *core.Session) { keyK.Get(s) }))
	mux.Handle("/logout", sessionFunc(func(s *core.Session) { s.Destroy() }))
	mux.Handle("/rotated/", http.StripPrefix("/rotated", rotated.Handler(mux)))
	return old.Handler(mux)
}

// The token goes into the response header only for clients that sent the
// header: a browser holding only the HttpOnly cookie never gets it where a
// page script could read it, whenever the cookie is (re)issued or cleared.
func TestHeaderTokenOnlyForClientsThatSendTheHeader(t *testing.T) {
	t.Parallel()
	const hdr = "X-Session-Token"
	tests := []struct {
		name   string
		before []string      // requests that set the scene
		idle   time.Duration // virtual time before the event
		event  string        // the request that (re)issues or clears the token
		ends   bool          // the event ends the session
	}{
		{"login: first Set", nil, 0, "/login", false},
		{"Regenerate", []string{"/login"}, 0, "/regenerate", false},
		{"idle touch", []string{"/login"}, 2 * time.Minute, "/read", false},
		{"re-signed with a rotated secret", []string{"/login"}, 0, "/rotated/read", false},
		{"Destroy", []string{"/login"}, 0, "/logout", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := transportApp(t, core.Config{Header: hdr, IdleTimeout: time.Hour})
				browser := newClient(t, h)
				api := &tokenClient{h: h, hdr: hdr}
				for _, p := range tc.before {
					api.get(p)
				}
				time.Sleep(tc.idle)
				prev := api.token
				_, got := api.get(tc.event)
				switch {
				case tc.ends && !slices.Equal(got, []string{""}):
					t.Errorf("API client, GET %s: %s = %q; want one empty value", tc.event, hdr, got)
				case !tc.ends && (len(got) != 1 || got[0] == "" || got[0] == prev):
					t.Errorf("API client, GET %s: %s = %q; want a new token (had %q)", tc.event, hdr, got, prev)
				}

				for _, p := range tc.before {
					resp, _ := fetch(t, browser, http.MethodGet, p)
					if v := resp.Header.Values(hdr); v != nil {
						t.Errorf("browser, GET %s: %s = %q; want no such header", p, hdr, v)
					}
				}
				time.Sleep(tc.idle)
				resp, _ := fetch(t, browser, http.MethodGet, tc.event)
				if sessionCookie(t, resp, core.DefaultCookieName) == nil {
					t.Fatalf("browser, GET %s: no Set-Cookie; the event must (re)issue or clear the cookie", tc.event)
				}
				if v := resp.Header.Values(hdr); v != nil {
					t.Errorf("browser, GET %s: %s = %q; want no such header beside the HttpOnly cookie", tc.event, hdr, v)
				}
			})
		})
	}
}
