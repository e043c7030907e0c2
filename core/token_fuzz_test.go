package core_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// verifies is the fuzz oracle: it reports whether v is, in its one canonical
// spelling, a payload signed with secretA for the cookie "session". Only such
// values may ever reach the store; the fuzzer cannot forge one.
func verifies(v string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(v)
	if err != nil || base64.RawURLEncoding.EncodeToString(b) != v || len(b) < 18+16+sha256.Size {
		return false
	}
	payload, sig := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	mac := hmac.New(sha256.New, secretA)
	mac.Write([]byte("sessionkit/v1\x00session\x00"))
	mac.Write(payload)
	return hmac.Equal(sig, mac.Sum(nil))
}

// FuzzCookie sends arbitrary cookie and header values through the real
// middleware. Property: no panic, and no store call unless the value is
// exactly a validly signed token.
func FuzzCookie(f *testing.F) {
	const hdr = "X-Session"
	st := newMeteredStore(f)
	m := newManager(f, core.Config{Store: st, IdleTimeout: time.Hour, Header: hdr})
	h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		// Read, never write, so the store stays as the setup left it.
		keyK.Get(s)
		s.Keys()
	}))

	// Sessions this process created: their cookies must reach the store,
	// which shows the property below is not met vacuously.
	local := map[string]bool{}
	for _, v := range []string{"a", "b", "c"} {
		ck, _ := login(f, m, v)
		local[ck.Value] = true
		f.Add(ck.Value)
		f.Add(flipChar(ck.Value, 0))
		f.Add(flipChar(ck.Value, len(ck.Value)-1))
		f.Add(ck.Value[:len(ck.Value)-1])
		f.Add(ck.Value + "A")
		f.Add(ck.Value + "\n")
		f.Add(`"` + ck.Value + `"`)
		f.Add(ck.Value + "; session=x")
		f.Add(strings.ToUpper(ck.Value))
	}
	id := newID(f)
	now := time.Now()
	for _, tf := range []tokenFields{
		{version: 2, created: now, touched: now, id: id, name: "session", secret: secretA},
		{version: 1, flags: 3, created: now, touched: now, id: id, name: "session", secret: secretA},
		{version: 1, flags: 8, created: now, touched: now, id: id, name: "session", secret: secretA},
		{version: 1, created: now, touched: now, lifetime: 30 * 24 * time.Hour, id: id, name: "session", secret: secretA},
		{version: 1, flags: flagLifetime, created: now, touched: now, id: id, name: "session", secret: secretA},
		{version: 1, created: now, touched: now, lifetime: -time.Hour, id: id, name: "session", secret: secretA},
		{version: 1, created: now, touched: now, id: id, name: "other", secret: secretA},
		{version: 1, created: now, touched: now, id: id, name: "session", secret: secretB},
		{version: 1, created: now.Add(-48 * time.Hour), touched: now, id: id, name: "session", secret: secretA},
		{version: 1, created: now, touched: now, id: strings.Repeat("x", 200), name: "session", secret: secretA},
	} {
		f.Add(mintToken(tf))
	}
	for _, garbage := range []string{"", "=", "a", "session", strings.Repeat("A", 124), strings.Repeat("_", 240),
		strings.Repeat("A", 5000), "%00%ff", "\x00\xff\xfe", "é", "AAAA====", "a b", "a,b", "\\", `"`, `""`} {
		f.Add(garbage)
	}

	f.Fuzz(func(t *testing.T, value string) {
		for _, viaHeader := range []bool{false, true} {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			var sent string
			if viaHeader {
				r.Header.Set(hdr, value)
				sent = r.Header.Get(hdr)
			} else {
				r.Header.Set("Cookie", "session="+value)
				if c, err := r.Cookie("session"); err == nil {
					sent = c.Value // what the cookie parser hands the manager
				}
			}
			before := st.Total()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			calls := st.Total() - before
			if calls > 0 && !verifies(sent) {
				t.Errorf("value %q (header %v) reached the store (%d calls) without a valid signature", sent, viaHeader, calls)
			}
			if local[sent] && calls == 0 {
				t.Errorf("a valid cookie of this process never reached the store")
			}
			if rec.Code != http.StatusOK {
				t.Errorf("status %d for value %q; want 200", rec.Code, value)
			}
		}
	})
}
