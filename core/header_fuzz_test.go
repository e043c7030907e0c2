package core_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// claimedIDs returns every session ID a client could be asking for with
// v: v itself, and the ID part of v read as a token in any base64
// spelling, with or without a lifetime field.
func claimedIDs(v string) []string {
	ids := []string{v}
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.StdEncoding} {
		b, err := enc.DecodeString(v)
		if err != nil || len(b) < 18+32 {
			continue
		}
		payload := b[:len(b)-32]
		ids = append(ids, string(payload[18:]))
		if len(payload) >= 26 {
			ids = append(ids, string(payload[26:]))
		}
	}
	return ids
}

// FuzzHeaderToken sends arbitrary Config.Header values together with
// arbitrary Cookie headers through the real middleware, once with the
// header and once without it, to a handler that only reads and to one
// that writes. Properties: no panic and a 200; no store call unless one of
// the tokens the request carries verifies; a written session has either
// the ID of a live session of this process that a verified token named,
// or a fresh one, never an ID the client chose; the cookie and header sent
// back are tokens this manager minted for that ID; and the token goes into
// the response header only for a request that the header identified, or
// that carried the header and no session cookie.
func FuzzHeaderToken(f *testing.F) {
	const hdr = "X-Session-Token"
	st := newMeteredStore(f)
	m := newManager(f, core.Config{Store: st, Header: hdr})

	local := map[string]string{} // live session ID -> its token
	var tokens []string
	for _, v := range []string{"a", "b", "c"} {
		ck, id := login(f, m, v)
		local[id] = ck.Value
		tokens = append(tokens, ck.Value)
	}
	gone, goneID := login(f, m, "destroyed")
	serve(m.Handler(sessionFunc(func(s *core.Session) { s.Destroy() })), get("/", gone))
	unknownID := newID(f)
	unknown := validToken(unknownID, time.Now(), time.Now()) // signed, but no record
	a, b := tokens[0], tokens[1]

	for _, seed := range []struct{ header, cookie string }{
		{"", ""},
		{a, ""},
		{"", "session=" + a},
		{a, "session=" + b},
		{"garbage", "session=" + a},
		{"", "session=" + gone.Value + "; session=" + a},
		{gone.Value, "session=" + a},
		{"", strings.Repeat("session=x; ", 8) + "session=" + a},
		{unknown, ""},
		{"", "session=" + unknown + "; session=" + unknownID},
		{unknownID, "session=" + goneID},
		{flipChar(a, 10), ""},
		{a + " ", " session=" + b + " "},
		{"", `session="` + a + `"`},
		{"", "other=1; session=" + a + "; session=" + b},
		{"\x00" + a, "session=" + a + "\x00"},
		{strings.Repeat("A", 5000), "session=" + strings.Repeat("A", 5000)},
	} {
		f.Add(seed.header, seed.cookie)
	}

	reader := m.Handler(sessionFunc(func(s *core.Session) {
		keyK.Get(s)
		s.Keys()
	}))
	var id string
	writer := m.Handler(sessionFunc(func(s *core.Session) {
		core.Key[int]("w").Set(s, 1)
		id = s.ID()
	}))

	f.Fuzz(func(t *testing.T, header, cookie string) {
		for _, withHeader := range []bool{true, false} {
			build := func() *http.Request {
				r := httptest.NewRequest(http.MethodGet, "/", nil)
				r.Header.Set("Cookie", cookie)
				if withHeader {
					r.Header[hdr] = []string{header}
				}
				return r
			}
			r := build()
			var candidates []string
			if v := r.Header.Get(hdr); v != "" {
				candidates = append(candidates, v)
			}
			for i, c := range r.CookiesNamed(core.DefaultCookieName) {
				if i < 8 {
					candidates = append(candidates, c.Value)
				}
			}
			anyValid := slices.ContainsFunc(candidates, verifies)

			before := st.Total()
			if resp := serve(reader, r); resp.StatusCode != http.StatusOK {
				t.Fatalf("reader: status %d; want 200", resp.StatusCode)
			}
			if calls := st.Total() - before; calls > 0 && !anyValid {
				t.Fatalf("reader: %d store calls for tokens %q, none validly signed", calls, candidates)
			}

			id = ""
			resp := serve(writer, build())
			if resp.StatusCode != http.StatusOK || id == "" {
				t.Fatalf("writer: status %d, ID %q; want 200 and an ID", resp.StatusCode, id)
			}
			checkAdopted(t, id, candidates, local)
			// Header transport only for a client identified by the header,
			// or one that sent it with no session cookie: never for a page
			// script that adds it beside the browser's cookie.
			mayGetHeader := withHeader && (verifies(r.Header.Get(hdr)) || len(r.CookiesNamed(core.DefaultCookieName)) == 0)
			checkIssued(t, resp, id, mayGetHeader, hdr)
			if _, ok := local[id]; !ok {
				st.Drop(t, m, id) // keep the store small over many executions
			}
		}
	})
}

// checkAdopted checks that the session a writer ended up with is the
// live session of this process named by the first verified candidate that
// names one (the header first, then the cookies in order), or else a fresh
// session no candidate asked for.
func checkAdopted(t *testing.T, id string, candidates []string, local map[string]string) {
	t.Helper()
	want := ""
	for _, c := range candidates {
		if !verifies(c) {
			continue
		}
		if i := slices.IndexFunc(claimedIDs(c), func(cid string) bool { _, ok := local[cid]; return ok }); i >= 0 {
			want = claimedIDs(c)[i]
			break
		}
	}
	if want != "" {
		if id != want {
			t.Fatalf("writer: session %q; want live session %q, which the first verified token of %q names", id, want, candidates)
		}
		return
	}
	if _, ok := local[id]; ok {
		t.Fatalf("writer: joined session %q, which no verified token of %q names", id, candidates)
	}
	for _, c := range candidates {
		if slices.Contains(claimedIDs(c), id) {
			t.Fatalf("writer: adopted the client's ID %q from %q", id, c)
		}
	}
}

// checkIssued checks the cookie and header token a writer's response
// carries: minted by this manager for id, and the header only where
// mayGetHeader.
func checkIssued(t *testing.T, resp *http.Response, id string, mayGetHeader bool, hdr string) {
	t.Helper()
	ck := sessionCookie(t, resp, core.DefaultCookieName)
	if ck != nil && (!verifies(ck.Value) || !slices.Contains(claimedIDs(ck.Value), id)) {
		t.Fatalf("writer: Set-Cookie value %q is not a token of this manager for the session", ck.Value)
	}
	v, sent := resp.Header[http.CanonicalHeaderKey(hdr)]
	switch {
	case sent && !mayGetHeader:
		t.Fatalf("writer: response header %s = %q to a client the header did not identify, which sent cookies or no header; want none", hdr, v)
	case sent && (len(v) != 1 || ck == nil || v[0] != ck.Value):
		t.Fatalf("writer: response header %s = %q, cookie %v; want the cookie's token", hdr, v, ck)
	}
}
