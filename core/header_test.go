package core_test

import (
	"net/http"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

func TestHeaderTransport(t *testing.T) {
	t.Parallel()
	const hdr = "X-Session-Token"
	st, m := withStore(t, newMeteredStore(t), core.Config{Header: hdr})

	// Issued: the token travels in the response header, equal to the cookie.
	resp := serve(m.Handler(setter), get("/?v=api"))
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
	tok := serve(old.Handler(setter), get("/?v=x")).Header.Get(hdr)
	r := get("/")
	r.Header.Set(hdr, tok)
	resigned := serve(rotated.Handler(http.NotFoundHandler()), r).Header.Get(hdr)
	if resigned == "" || resigned == tok {
		t.Errorf("token signed with an old secret: response %s = %q; want it re-signed", hdr, resigned)
	}
}
