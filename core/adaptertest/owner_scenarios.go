package adaptertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// device is one browser of a user in the owner scenarios.
type device struct {
	c  *Client
	ua string
}

// devices logs n fresh clients in as user, a second apart, on c's server.
func devices(t *testing.T, c *Client, user string, n int) []device {
	t.Helper()
	ds := make([]device, n)
	for i := range ds {
		ds[i] = device{c: c.Fresh(), ua: fmt.Sprintf("%s-device-%d", user, i)}
		ds[i].do(t, http.MethodPost, "/owner/login/"+user, http.StatusOK)
		time.Sleep(time.Second) // distinct creation times
	}
	return ds
}

func (d device) do(t *testing.T, method, path string, want int) string {
	t.Helper()
	resp, body := d.c.Do(method, path, http.Header{"User-Agent": {d.ua}})
	if resp.StatusCode != want {
		t.Fatalf("%s %s from %s = %d %q; want %d", method, path, d.ua, resp.StatusCode, body, want)
	}
	return body
}

func (d device) list(t *testing.T) []ListedSession {
	t.Helper()
	var out []ListedSession
	if err := json.Unmarshal([]byte(d.do(t, http.MethodGet, "/owner/sessions", http.StatusOK)), &out); err != nil {
		t.Fatalf("GET /owner/sessions from %s: %v", d.ua, err)
	}
	return out
}

// status returns the status of GET /owner/me from d.
func (d device) status(t *testing.T) int {
	t.Helper()
	resp, _ := d.c.Do(http.MethodGet, "/owner/me", http.Header{"User-Agent": {d.ua}})
	return resp.StatusCode
}

// handleOf returns the handle under which d lists itself.
func (d device) handle(t *testing.T) string {
	t.Helper()
	for _, s := range d.list(t) {
		if s.Current {
			return s.Handle
		}
	}
	t.Fatalf("%s lists no current session", d.ua)
	return ""
}

// wantListed checks that d lists exactly the devices want, newest first,
// itself as the one current session.
func wantListed(t *testing.T, d device, want ...device) {
	t.Helper()
	got := d.list(t)
	var uas []string
	current := 0
	for _, s := range got {
		uas = append(uas, s.UserAgent)
		if s.Current {
			current++
			if s.UserAgent != d.ua {
				t.Errorf("%s lists %s as current", d.ua, s.UserAgent)
			}
		}
	}
	var wantUAs []string
	for i := len(want) - 1; i >= 0; i-- {
		wantUAs = append(wantUAs, want[i].ua)
	}
	if strings.Join(uas, ",") != strings.Join(wantUAs, ",") || current != 1 {
		t.Errorf("%s lists %v with %d current; want %v (newest first) with itself current", d.ua, uas, current, wantUAs)
	}
}

// testOwnerListing: three devices of one user each list all three, and
// no handle is a cookie or an ID.
func testOwnerListing(t *testing.T, a Adapter) {
	synctest.Test(t, func(t *testing.T) {
		_, c := serveInProcess(t, a, Options{})
		ds := devices(t, c, "alice", 3)
		for _, d := range ds {
			wantListed(t, d, ds...)
		}
		for _, s := range ds[0].list(t) {
			for _, d := range ds {
				if ck := d.c.Cookie(UserCookie); ck != nil && strings.Contains(ck.Value, s.Handle) {
					t.Errorf("handle %q is part of a session cookie", s.Handle)
				}
			}
			resp, _ := c.Fresh().Send(http.MethodGet, "/owner/me", nil, &http.Cookie{Name: UserCookie, Value: s.Handle})
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("GET /owner/me with a handle as the cookie = %d; want 401", resp.StatusCode)
			}
		}
		if resp, _ := c.Fresh().Do(http.MethodGet, "/owner/sessions", nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET /owner/sessions without login = %d; want 401", resp.StatusCode)
		}
	})
}

// testOwnerRevoke: revoking one device logs it out at once; the others
// stay.
func testOwnerRevoke(t *testing.T, a Adapter) {
	synctest.Test(t, func(t *testing.T) {
		_, c := serveInProcess(t, a, Options{})
		ds := devices(t, c, "alice", 3)
		ds[0].do(t, http.MethodPost, "/owner/revoke/"+ds[1].handle(t), http.StatusOK)
		if got := ds[1].status(t); got != http.StatusUnauthorized {
			t.Errorf("GET /owner/me from the revoked device = %d; want 401", got)
		}
		wantListed(t, ds[0], ds[0], ds[2])
		wantListed(t, ds[2], ds[0], ds[2])
		// Revoking one's own session is a logout.
		ds[2].do(t, http.MethodPost, "/owner/revoke/"+ds[2].handle(t), http.StatusOK)
		if got := ds[2].status(t); got != http.StatusUnauthorized {
			t.Errorf("GET /owner/me after revoking its own session = %d; want 401", got)
		}
		wantListed(t, ds[0], ds[0])
	})
}

// testOwnerRevokeOthers: "sign out everywhere else" leaves the caller
// alone.
func testOwnerRevokeOthers(t *testing.T, a Adapter) {
	synctest.Test(t, func(t *testing.T) {
		_, c := serveInProcess(t, a, Options{})
		ds := devices(t, c, "alice", 3)
		bob := devices(t, c, "bob", 1)[0]
		if got := ds[1].do(t, http.MethodPost, "/owner/revoke-others", http.StatusOK); got != "2" {
			t.Errorf("POST /owner/revoke-others = %q; want 2", got)
		}
		for i, want := range []int{http.StatusUnauthorized, http.StatusOK, http.StatusUnauthorized} {
			if got := ds[i].status(t); got != want {
				t.Errorf("GET /owner/me from device %d after revoke-others = %d; want %d", i, got, want)
			}
		}
		wantListed(t, ds[1], ds[1])
		if got := bob.status(t); got != http.StatusOK {
			t.Errorf("another user's session after revoke-others = %d; want 200", got)
		}
	})
}

// testOwnerForeignHandle: a handle of another owner's session revokes
// nothing and is answered as unknown.
func testOwnerForeignHandle(t *testing.T, a Adapter) {
	synctest.Test(t, func(t *testing.T) {
		_, c := serveInProcess(t, a, Options{})
		alice := devices(t, c, "alice", 1)[0]
		mallory := devices(t, c, "mallory", 1)[0]
		mallory.do(t, http.MethodPost, "/owner/revoke/"+alice.handle(t), http.StatusNotFound)
		mallory.do(t, http.MethodPost, "/owner/revoke/not-a-handle", http.StatusNotFound)
		if got := alice.status(t); got != http.StatusOK {
			t.Errorf("GET /owner/me from alice after mallory used her handle = %d; want 200", got)
		}
		wantListed(t, alice, alice)
	})
}

// testOwnerCap: with MaxSessions 2 a third login evicts the oldest
// session, and with RefuseNew it is refused instead.
func testOwnerCap(t *testing.T, a Adapter) {
	synctest.Test(t, func(t *testing.T) {
		_, c := serveInProcess(t, a, Options{Owners: core.OwnerConfig{MaxSessions: 2}})
		ds := devices(t, c, "alice", 3)
		if got := ds[0].status(t); got != http.StatusUnauthorized {
			t.Errorf("GET /owner/me from the oldest of 3 sessions (MaxSessions 2) = %d; want 401", got)
		}
		wantListed(t, ds[2], ds[1], ds[2])
	})
	synctest.Test(t, func(t *testing.T) {
		env, c := serveInProcess(t, a, Options{Owners: core.OwnerConfig{MaxSessions: 2, OnLimit: core.RefuseNew}})
		ds := devices(t, c, "alice", 2)
		third := device{c: c.Fresh(), ua: "alice-device-2"}
		resp, body := third.c.Do(http.MethodPost, "/owner/login/alice", http.Header{"User-Agent": {third.ua}})
		if resp.StatusCode < 500 || strings.Contains(body, "sessions") {
			t.Errorf("POST /owner/login past MaxSessions with RefuseNew = %d %q; want the error response", resp.StatusCode, body)
		}
		env.WaitError(t, core.ErrTooManySessions)
		if got := third.status(t); got != http.StatusUnauthorized {
			t.Errorf("GET /owner/me from the refused login = %d; want 401", got)
		}
		wantListed(t, ds[1], ds[0], ds[1])
	})
}

// testOwnerLifecycle: the binding survives Regenerate, under a new
// handle, and Destroy takes the session off the list.
func testOwnerLifecycle(t *testing.T, a Adapter) {
	synctest.Test(t, func(t *testing.T) {
		_, c := serveInProcess(t, a, Options{})
		ds := devices(t, c, "alice", 2)
		before := ds[1].handle(t)
		ds[1].do(t, http.MethodPost, "/login/again", http.StatusOK) // Regenerate, Set("user")
		if got := ds[1].do(t, http.MethodGet, "/owner/me", http.StatusOK); got != "alice" {
			t.Errorf("GET /owner/me after Regenerate = %q; want alice", got)
		}
		if after := ds[1].handle(t); after == before {
			t.Error("the handle did not change with Regenerate")
		}
		wantListed(t, ds[0], ds...)
		ds[0].do(t, http.MethodPost, "/owner/revoke/"+before, http.StatusNotFound)
		ds[1].do(t, http.MethodPost, "/logout", http.StatusOK)
		wantListed(t, ds[0], ds[0])
	})
}
