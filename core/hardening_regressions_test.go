package core_test

// Regression tests for defects found while testing the hardening: header
// transport asked for next to a cookie, a logout behind a stale cookie, and
// a size count surviving Reload.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// A page script can add the (empty) transport header to a same-origin
// fetch; the browser adds the HttpOnly cookie. A client identified by its
// cookie must never get the token in a header.
func TestHeaderTokenNeverSentToCookieIdentifiedClients(t *testing.T) {
	t.Parallel()
	const hdr = "X-Session-Token"
	m := newManager(t, core.Config{Header: hdr, Rolling: true})
	ck, _ := login(t, m, "alice")
	r := get("/", ck)
	r.Header.Set(hdr, "")
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) { keyK.Get(s) })), r)
	if v := resp.Header.Get(hdr); v != "" {
		t.Errorf("cookie-identified request with an empty %s: response carries the token %q; want none", hdr, v)
	}
}

// Destroy without a prior read, with a gone session's cookie sent before
// the live one, must delete the live session's record.
func TestDestroyUnreadSessionBehindStaleCookie(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	live, id := login(t, m, "alice")
	serve(m.Handler(sessionFunc(func(s *core.Session) { s.Destroy() })), get("/logout", mintedCookie(t), live))
	if _, found := st.Record(t, m, id); found {
		t.Error("logout with a stale cookie sent first left the live session's record in the store")
	}
}

// Reload of a new session drops its values, so they no longer count
// against Limits.SessionBytes.
func TestReloadOfNewSessionResetsItsSize(t *testing.T) {
	t.Parallel()
	var errs reported
	m := newManager(t, core.Config{Limits: core.Limits{SessionBytes: 100}, ErrorHandler: errs.handle})
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		keyK.Set(s, strings.Repeat("a", 60))
		s.Reload(context.Background())
		keyK.Set(s, strings.Repeat("b", 60))
	})), get("/"))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, errors %v; want 200: after Reload the session holds one 63-byte key", resp.StatusCode, errs.all())
	}
	for _, err := range errs.all() {
		if errors.Is(err, core.ErrTooLarge) {
			t.Errorf("reported %v", err)
		}
	}
}

// An unread session's idle touch reaches the live record even when a stale
// cookie is sent first, so an active user is not idled out by a leftover
// cookie.
func TestIdleTouchBehindStaleCookieReachesLiveSession(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{IdleTimeout: time.Hour, TouchInterval: time.Minute})
	before := time.Now().Add(50 * time.Minute)
	ck, id := storedSession(t, m, st, time.Now().Add(-10*time.Minute), before)
	old := time.Now().Add(-20 * time.Minute)
	stale := &http.Cookie{Name: core.DefaultCookieName, Value: validToken(newID(t), old, old)} // no record
	resp := serve(m.Handler(static), get("/page", stale, ck))
	rec, found := st.Record(t, m, id)
	if !found || !rec.Expiry.After(before) {
		t.Errorf("live record after a touch-due request with a stale cookie first: found %v, expiry %v; want moved past %v", found, rec.Expiry, before)
	}
	if got := sessionCookie(t, resp, core.DefaultCookieName); !live(got) {
		t.Errorf("Set-Cookie = %v; want the touched session's cookie", got)
	}
}

// Manager.String, which errors and logs print with %v, names the cookie
// and the store type and never a secret, whatever the configuration.
func TestManagerStringHoldsNoSecret(t *testing.T) {
	t.Parallel()
	secret := []byte("string-secret-0123456789abcdefghij")
	for _, cfg := range []core.Config{
		{Secrets: [][]byte{secret}},
		{Secrets: [][]byte{secretA, secret}, Header: "X-Session-Token", Cookie: core.CookieConfig{Name: "__Host-s", Secure: core.SecureAlways}},
		{Secrets: [][]byte{secret}, Store: core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})},
	} {
		m := newManager(t, cfg)
		for _, s := range []string{m.String(), fmt.Sprintf("%v", m), fmt.Sprintf("%+v", m), fmt.Sprintf("%#v", m)} {
			if strings.Contains(s, string(secret)) || strings.Contains(s, string(secretA)) {
				t.Errorf("manager printed as %q; it contains a secret", s)
			}
		}
	}
}
