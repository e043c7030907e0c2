package core_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestCookieSignatureIsHMACOverEverything(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "secret-data")

	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		t.Fatalf("cookie value %q is not base64url: %v", ck.Value, err)
	}
	const header, macLen = 18, sha256.Size
	if len(raw) != header+len(id)+macLen {
		t.Fatalf("decoded cookie is %d bytes; want %d (header, ID, MAC)", len(raw), header+len(id)+macLen)
	}
	payload, sig := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	if payload[0] != 1 {
		t.Errorf("version byte = %d; want 1", payload[0])
	}
	if got := string(payload[header:]); got != id {
		t.Errorf("cookie carries ID %q; want %q", got, id)
	}
	mac := hmac.New(sha256.New, secretA)
	mac.Write([]byte("sessionkit/v1\x00session\x00"))
	mac.Write(payload)
	if want := mac.Sum(nil); !hmac.Equal(sig, want) {
		t.Errorf("cookie MAC = %x; want HMAC-SHA256 over the payload %x", sig, want)
	}

	// Flipping any bit of any byte, header, ID or MAC, must void the cookie
	// without a store lookup.
	for i := range raw {
		forged := bytes.Clone(raw)
		forged[i] ^= 0x01
		st.Reset()
		var got seen
		resp := serve(m.Handler(reader(&got)), get("/", &http.Cookie{Name: "session", Value: base64.RawURLEncoding.EncodeToString(forged)}))
		if resp.StatusCode != http.StatusOK || got.k != "" || !got.isNew {
			t.Errorf("byte %d flipped: status %d, k = %q, IsNew = %v; want 200, empty, new session", i, resp.StatusCode, got.k, got.isNew)
		}
		if n := st.Total(); n != 0 {
			t.Errorf("byte %d flipped: %d store calls; want 0", i, n)
		}
	}
}

func TestInvalidCookieIsAbsentAndNeverReachesStore(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{IdleTimeout: time.Hour})
	ck, id := login(t, m, "secret-data")
	now := time.Now()
	mint := func(f tokenFields) string {
		if f.secret == nil {
			f.secret = secretA
		}
		if f.name == "" {
			f.name = "session"
		}
		if f.id == "" {
			f.id = id
		}
		if f.created.IsZero() {
			f.created, f.touched = now, now
		}
		return mintToken(f)
	}
	// A 44-byte ID leaves four unused bits in the last base64 character;
	// setting them must not yield a second valid spelling of the token.
	id44 := id + "x"
	st.Put(t, m, id44, core.Record{Values: map[string][]byte{"k": []byte(`"secret-data"`)}, Expiry: now.Add(time.Hour)})
	canon44 := mint(tokenFields{version: 1, id: id44})
	last := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", canon44[len(canon44)-1])
	nonCanon44 := canon44[:len(canon44)-1] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last|0x0f])

	tests := []struct {
		name   string
		header string // the whole Cookie header
	}{
		{"missing", ""},
		{"empty value", "session="},
		{"raw session ID, unsigned", "session=" + id},
		{"payload with zero MAC", "session=" + mint(tokenFields{version: 1, tamperFn: func(b []byte) { clear(b[len(b)-32:]) }})},
		{"payload without MAC", "session=" + base64.RawURLEncoding.EncodeToString(mustDecode(t, ck.Value)[:18+len(id)])},
		{"forged: one character changed", "session=" + flipChar(ck.Value, len(ck.Value)/2)},
		{"forged: last character changed", "session=" + flipChar(ck.Value, len(ck.Value)-1)},
		{"signed with an unknown secret", "session=" + mint(tokenFields{version: 1, secret: secretB})},
		{"signed for another cookie name", "session=" + mint(tokenFields{version: 1, name: "admin"})},
		{"wrong version 0", "session=" + mint(tokenFields{version: 0})},
		{"wrong version 2", "session=" + mint(tokenFields{version: 2})},
		{"unknown flag", "session=" + mint(tokenFields{version: 1, flags: 8})},
		{"contradictory flags", "session=" + mint(tokenFields{version: 1, flags: 3})},
		{"lifetime flag with a zero lifetime", "session=" + mint(tokenFields{version: 1, flags: flagLifetime})},
		{"negative lifetime", "session=" + mint(tokenFields{version: 1, lifetime: -time.Hour})},
		{"expired per-session lifetime", "session=" + mint(tokenFields{version: 1, created: now.Add(-2 * time.Hour), touched: now, lifetime: time.Hour})},
		{"truncated by one", "session=" + ck.Value[:len(ck.Value)-1]},
		{"truncated by four", "session=" + ck.Value[:len(ck.Value)-4]},
		{"truncated to half", "session=" + ck.Value[:len(ck.Value)/2]},
		{"oversized", "session=" + ck.Value + strings.Repeat("A", 4000)},
		{"extra base64 group", "session=" + ck.Value + "AAAA"},
		{"ID longer than 128 bytes, validly signed", "session=" + mint(tokenFields{version: 1, id: strings.Repeat("a", 129)})},
		{"ID shorter than 16 bytes, validly signed", "session=" + mint(tokenFields{version: 1, id: "short"})},
		{"malformed: not base64", "session=" + strings.Repeat("!", len(ck.Value))},
		{"malformed: standard base64 alphabet", "session=" + base64.RawStdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb, 0xff}, 62))},
		{"malformed: padded", "session=" + base64.URLEncoding.EncodeToString(mustDecode(t, ck.Value)[1:])},
		{"non-canonical padding bits", "session=" + nonCanon44},
		{"expired absolute lifetime", "session=" + mint(tokenFields{version: 1, created: now.Add(-25 * time.Hour), touched: now})},
		{"idle past timeout", "session=" + mint(tokenFields{version: 1, created: now.Add(-3 * time.Hour), touched: now.Add(-3 * time.Hour)})},
		{"cookie for another name only", "other=" + ck.Value},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Not parallel: the store counters are shared.
			st.Reset()
			r := get("/")
			if tc.header != "" {
				r.Header.Set("Cookie", tc.header)
			}
			var got seen
			resp := serve(m.Handler(reader(&got)), r)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d; want 200", resp.StatusCode)
			}
			if got.k != "" || !got.isNew {
				t.Errorf("handler saw k = %q, IsNew = %v; want a new, empty session", got.k, got.isNew)
			}
			if got.id == id || got.id == id44 {
				t.Errorf("session ID = the cookie's ID %q; want a fresh one", got.id)
			}
			if n := st.Total(); n != 0 {
				t.Errorf("%d store calls; want 0: an invalid cookie must never reach the store", n)
			}
			if c := sessionCookie(t, resp, "session"); live(c) {
				t.Errorf("response sets cookie %v for an untouched new session; want none", c)
			}
		})
	}

	t.Run("canonical 44-byte token is valid", func(t *testing.T) {
		// The control for the non-canonical case above.
		st.Reset()
		var got seen
		serve(m.Handler(reader(&got)), get("/", &http.Cookie{Name: "session", Value: canon44}))
		if got.k != "secret-data" || got.isNew {
			t.Errorf("handler saw k = %q, IsNew = %v; want the stored session", got.k, got.isNew)
		}
	})
}

// A session with its own lifetime carries it in the signed token, so the
// manager can tell, without the store, that the session outlives
// Config.Lifetime.
func TestLifetimeTravelsInTheToken(t *testing.T) {
	t.Parallel()
	const lifetime = 30 * 24 * time.Hour
	st, m := withStore(t, newMeteredStore(t), core.Config{MaxLifetime: lifetime})
	var id string
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		keyK.Set(s, "v")
		s.SetLifetime(lifetime)
		id = s.ID()
	})), get("/"))
	ck := sessionCookie(t, resp, "session")
	if !live(ck) {
		t.Fatalf("Set-Cookie = %v; want a session cookie", ck)
	}
	raw := mustDecode(t, ck.Value)
	const header, lifetimeLen = 18, 8
	if len(raw) != header+lifetimeLen+len(id)+sha256.Size {
		t.Fatalf("decoded cookie is %d bytes; want %d (header, lifetime, ID, MAC)", len(raw), header+lifetimeLen+len(id)+sha256.Size)
	}
	if flags := raw[1]; flags != flagLifetime {
		t.Errorf("flags = %#x; want only the lifetime flag %#x", flags, flagLifetime)
	}
	if ms := binary.BigEndian.Uint64(raw[header:]); time.Duration(ms)*time.Millisecond != lifetime {
		t.Errorf("token lifetime = %dms; want %v", ms, lifetime)
	}
	if got := string(raw[header+lifetimeLen : len(raw)-sha256.Size]); got != id {
		t.Errorf("cookie carries ID %q; want %q", got, id)
	}

	// A token minted independently, with a lifetime longer than
	// Config.Lifetime and a creation time beyond it, finds its session.
	created := time.Now().Add(-48 * time.Hour)
	old := newID(t)
	st.Put(t, m, old, core.Record{Values: map[string][]byte{"k": []byte(`"kept"`)}, Expiry: created.Add(lifetime)})
	tok := mintToken(tokenFields{version: 1, created: created, touched: created, lifetime: lifetime, id: old, name: "session", secret: secretA})
	var got seen
	serve(m.Handler(reader(&got)), get("/", &http.Cookie{Name: "session", Value: tok}))
	if got.k != "kept" || got.id != old {
		t.Errorf("minted token with a 30-day lifetime, 48h old: ID %q, k %q; want %q, kept", got.id, got.k, old)
	}
}

// A bad cookie is ignored, not cleared: the request may be racing a login
// whose response sets a new cookie, which an expired Set-Cookie here could
// overwrite in the browser.
func TestInvalidCookieIsIgnoredNotCleared(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	ck, _ := login(t, m, "x")
	var got seen
	resp := serve(m.Handler(reader(&got)), get("/", &http.Cookie{Name: "session", Value: flipChar(ck.Value, 10)}))
	if c := sessionCookie(t, resp, "session"); c != nil {
		t.Errorf("Set-Cookie = %v; want none for a forged cookie on a request that changed nothing", c)
	}
	if got.k != "" || !got.isNew {
		t.Errorf("handler saw k = %q, IsNew = %v; want a fresh, empty session", got.k, got.isNew)
	}
}

// Browsers send a stale cookie with a longer Path first; a bad value must
// not hide the good one that follows, nor a bad header token a good cookie.
func TestFirstValidTokenWins(t *testing.T) {
	t.Parallel()
	const hdr = "X-Session"
	m := newManager(t, core.Config{Header: hdr})
	ck, _ := login(t, m, "mine")
	tests := []struct {
		name string
		req  func() *http.Request
	}{
		{"stale cookie first", func() *http.Request {
			return get("/", &http.Cookie{Name: "session", Value: flipChar(ck.Value, 10)}, ck)
		}},
		{"garbage cookie first", func() *http.Request {
			return get("/", &http.Cookie{Name: "session", Value: "garbage"}, ck)
		}},
		{"bad header token, good cookie", func() *http.Request {
			r := get("/", ck)
			r.Header.Set(hdr, "garbage")
			return r
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got seen
			serve(m.Handler(reader(&got)), tc.req())
			if got.k != "mine" {
				t.Errorf("k = %q; want mine from the valid cookie", got.k)
			}
		})
	}
}

func TestUnknownIDIsNeverAdopted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		cookie func(t *testing.T, m *core.Manager, st *meteredStore) (value, id string)
	}{
		{"attacker-chosen raw value", func(*testing.T, *core.Manager, *meteredStore) (string, string) {
			v := "attacker-chosen-session-id-0123456789"
			return v, v
		}},
		{"validly signed ID the store does not hold", func(t *testing.T, _ *core.Manager, _ *meteredStore) (string, string) {
			id := newID(t)
			return validToken(id, time.Now(), time.Now()), id
		}},
		{"destroyed session", func(t *testing.T, m *core.Manager, st *meteredStore) (string, string) {
			ck, id := login(t, m, "x")
			st.Drop(t, m, id)
			return ck.Value, id
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{})
			value, chosen := tc.cookie(t, m, st)
			var id string
			h := m.Handler(sessionFunc(func(s *core.Session) {
				core.Key[string]("user").Set(s, "alice")
				if err := s.Err(); err != nil {
					t.Errorf("Set: %v", err)
				}
				id = s.ID()
			}))
			resp := serve(h, get("/", &http.Cookie{Name: "session", Value: value}))
			if id == "" || id == chosen {
				t.Fatalf("session ID = %q; want a fresh ID, not the client's %q", id, chosen)
			}
			c := sessionCookie(t, resp, "session")
			if !live(c) || c.Value == value {
				t.Fatalf("Set-Cookie = %v; want a new session cookie", c)
			}
			if _, found := st.Record(t, m, chosen); found {
				t.Errorf("store holds a record under the client-chosen ID %q", chosen)
			}
			if rec, found := st.Record(t, m, id); !found || string(rec.Values["user"]) != `"alice"` {
				t.Errorf("record for the fresh ID = %v, %v; want user=alice", rec, found)
			}
		})
	}
}

func TestSecretRotation(t *testing.T) {
	t.Parallel()
	st := newMeteredStore(t)
	old := newManager(t, core.Config{Store: st, Secrets: [][]byte{secretA}})
	rotated := newManager(t, core.Config{Store: st, Secrets: [][]byte{secretB, secretA}})
	onlyA := newManager(t, core.Config{Store: st, Secrets: [][]byte{secretA}})
	onlyB := newManager(t, core.Config{Store: st, Secrets: [][]byte{secretB}})

	oldCookie, id := login(t, old, "v")

	// The rotated manager verifies the old cookie and re-signs it with the
	// first secret, even when the handler never uses the session.
	st.Reset()
	resp := serve(rotated.Handler(http.NotFoundHandler()), get("/", oldCookie))
	resigned := sessionCookie(t, resp, "session")
	if !live(resigned) || resigned.Value == oldCookie.Value {
		t.Fatalf("Set-Cookie after rotation = %v; want the cookie re-signed with the newest secret", resigned)
	}
	if n := st.Total(); n != 0 {
		t.Errorf("re-signing cost %d store calls; want 0", n)
	}
	resp = serve(rotated.Handler(http.NotFoundHandler()), get("/", resigned))
	if c := sessionCookie(t, resp, "session"); c != nil {
		t.Errorf("a cookie signed with the newest secret was re-sent: %v", c)
	}

	for _, tc := range []struct {
		name   string
		m      *core.Manager
		cookie *http.Cookie
		want   string
	}{
		{"old cookie, rotated manager", rotated, oldCookie, "v"},
		{"re-signed cookie, newest secret only", onlyB, resigned, "v"},
		{"re-signed cookie, old secret only", onlyA, resigned, ""},
	} {
		var got seen
		serve(tc.m.Handler(reader(&got)), get("/", tc.cookie))
		if got.k != tc.want {
			t.Errorf("%s: k = %q; want %q", tc.name, got.k, tc.want)
		}
		if tc.want != "" && got.id != id {
			t.Errorf("%s: ID = %q; want %q (re-signing keeps the session)", tc.name, got.id, id)
		}
	}

	// A new session from the rotated manager is signed with its first
	// secret.
	fresh, _ := login(t, rotated, "w")
	for _, tc := range []struct {
		m    *core.Manager
		want string
	}{{onlyB, "w"}, {onlyA, ""}} {
		var got seen
		serve(tc.m.Handler(reader(&got)), get("/", fresh))
		if got.k != tc.want {
			t.Errorf("new cookie from the rotated manager read by %v: k = %q; want %q", tc.m, got.k, tc.want)
		}
	}
}
