package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// User-Agents of three devices, as their browsers send them, and the
// names the page gives them.
var devices = []struct{ ua, name string }{
	{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome on Windows"},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"},
}

// listed is one session of GET /api/sessions.
type listed struct {
	ID        string `json:"id"`
	Current   bool   `json:"current"`
	Created   string `json:"created"`
	LastSeen  string `json:"last_seen"`
	UserAgent string `json:"user_agent"`
}

// listSessions returns c's GET /api/sessions, checking its shape: exactly
// {"sessions": [...]} with the fields of listed, and no other.
func listSessions(t *testing.T, c *client) []listed {
	t.Helper()
	r := step{req: get("/api/sessions"), status: 200, cookie: noCookie}.run(t, c)
	if !r.isJSON() {
		t.Fatalf("GET /api/sessions Content-Type = %q; want application/json", r.header.Get("Content-Type"))
	}
	var body struct {
		Sessions *[]listed `json:"sessions"`
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || body.Sessions == nil {
		t.Fatalf(`GET /api/sessions body = %s (%v); want {"sessions": [{"id", "current", "created", "last_seen", "user_agent"}...]} and nothing more`, bytes.TrimSpace(r.body), err)
	}
	return *body.Sessions
}

// devicesOf is the page's summary (page.devices) of a list as the client
// current in it sees it.
func devicesOf(list []listed) string {
	names := make([]string, len(list))
	for i, l := range list {
		names[i] = nameOf(l.UserAgent)
		if l.Current {
			names[i] += " (this device)"
		}
	}
	return strings.Join(names, ", ")
}

func nameOf(ua string) string {
	for _, d := range devices {
		if d.ua == ua {
			return d.name
		}
	}
	return "?" + ua
}

// signedIn is a server with one user, alice, logged in on the three
// devices, in that order, each a client of its own (its own cookie jar),
// and a second user, mallory, on a fourth client.
type signedIn struct {
	srv     *server
	alice   []*client // alice[i] is on devices[i]
	mallory *client
	start   time.Time // before the first login, to the second
}

func signIn(t *testing.T, app App, env map[string]string) *signedIn {
	s := &signedIn{srv: start(t, app, setup{env: env}), start: time.Now().Truncate(time.Second)}
	for _, d := range devices {
		c := s.srv.client(t)
		step{req: post("/api/login", "user", "alice").with("User-Agent", d.ua), status: 200, json: `{"user": "alice"}`, cookie: setsCookie}.run(t, c)
		s.alice = append(s.alice, c)
	}
	s.mallory = s.srv.client(t)
	step{req: post("/api/login", "user", "mallory"), status: 200, cookie: setsCookie}.run(t, s.mallory)
	return s
}

// handle returns the id of alice's session on device i, as client c
// lists it.
func (s *signedIn) handle(t *testing.T, c *client, i int) string {
	t.Helper()
	for _, l := range listSessions(t, c) {
		if l.UserAgent == devices[i].ua {
			return l.ID
		}
	}
	t.Fatalf("GET /api/sessions lists no session of %s", devices[i].name)
	return ""
}

// loggedIn checks which of alice's clients are still logged in.
func (s *signedIn) loggedIn(t *testing.T, want ...bool) {
	t.Helper()
	for i, c := range s.alice {
		status := http.StatusUnauthorized
		if want[i] {
			status = http.StatusOK
		}
		step{req: get("/api/me"), status: status}.run(t, c)
	}
}

// testOwnedSessions: a logged-in user lists the sessions bound to them,
// on every device, and signs out any of them, one or all others, through
// the API and through the page's forms; another user's session is out of
// reach; SESSION_MAX_PER_USER signs out the oldest.
func testOwnedSessions(t *testing.T, app App) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		fn   func(*testing.T, *signedIn)
	}{
		{"ListsEveryDeviceNewestFirst", nil, testListsDevices},
		{"RevokeOneLogsItOut", nil, testRevokeOne},
		{"RevokeOwnSessionLogsOut", nil, testRevokeOwn},
		{"RevokeOthersKeepsCaller", nil, testRevokeOthers},
		{"OtherUsersHandleIsUnknown", nil, testOtherUsersHandle},
		{"MaxPerUserEvictsOldest", map[string]string{"SESSION_MAX_PER_USER": "2"}, testMaxPerUser},
		{"PageListsAndRevokes", nil, testPageDevices},
		{"PageEscapesUserAgent", nil, testPageEscapesUserAgent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, signIn(t, app, tt.env))
		})
	}
}

// testListsDevices: each device lists all three, newest first, itself
// marked current, with RFC 3339 times, and nothing that opens a session:
// no cookie, no store key.
func testListsDevices(t *testing.T, s *signedIn) {
	var secrets []string
	for _, c := range append(slices.Clone(s.alice), s.mallory) {
		secrets = append(secrets, c.cookie())
	}
	s.srv.store.(core.Iterator).Range(context.Background(), func(key string, _ core.Record) bool {
		secrets = append(secrets, key)
		return true
	})
	ids := map[string]bool{}
	for i, c := range s.alice {
		list := listSessions(t, c)
		if len(list) != len(devices) {
			t.Fatalf("device %d: GET /api/sessions lists %d sessions %+v; want %d", i, len(list), list, len(devices))
		}
		for j, l := range list {
			if want := devices[len(devices)-1-j].ua; l.UserAgent != want {
				t.Errorf("device %d: session %d has user_agent %q; want %q (newest first)", i, j, l.UserAgent, want)
			}
			if want := l.UserAgent == devices[i].ua; l.Current != want {
				t.Errorf("device %d: session %d (%s) current = %v; want %v", i, j, nameOf(l.UserAgent), l.Current, want)
			}
			checkListed(t, s.start, l, secrets)
			ids[l.ID] = true
		}
		if i > 0 && len(ids) != len(devices) {
			t.Errorf("device %d: the ids of the three sessions differ from what device 0 listed: %v", i, ids)
		}
	}
	if got := listSessions(t, s.mallory); len(got) != 1 || !got[0].Current || ids[got[0].ID] {
		t.Errorf("mallory's GET /api/sessions = %+v; want her one session, current, none of alice's", got)
	}
}

// checkListed checks one listed session's fields: an id that neither
// holds nor is part of any of secrets (cookies, store keys), and RFC 3339
// times since the test began, last seen no earlier than created.
func checkListed(t *testing.T, since time.Time, l listed, secrets []string) {
	t.Helper()
	for _, secret := range secrets {
		if secret != "" && l.ID != "" && (strings.Contains(l.ID, secret) || strings.Contains(secret, l.ID)) {
			t.Errorf("session id %q holds, or is part of, a cookie or store key %q", l.ID, secret)
		}
	}
	created, err1 := time.Parse(time.RFC3339, l.Created)
	seen, err2 := time.Parse(time.RFC3339, l.LastSeen)
	switch {
	case l.ID == "":
		t.Errorf("session %+v has no id", l)
	case err1 != nil || err2 != nil:
		t.Errorf("session %+v: created, last_seen must be RFC 3339: %v, %v", l, err1, err2)
	case created.Before(since) || created.After(time.Now().Add(time.Minute)):
		t.Errorf("session %+v: created is not the time of its login (after %v)", l, since)
	case seen.Before(created):
		t.Errorf("session %+v: last_seen before created", l)
	}
}

// testRevokeOne: device 0 revokes device 1's session: device 1 is logged
// out at its next request, the others are not, and the handle is spent.
func testRevokeOne(t *testing.T, s *signedIn) {
	a := s.alice[0]
	h := s.handle(t, a, 1)
	del := send(http.MethodDelete, "/api/sessions/"+url.PathEscape(h))
	step{req: del, status: 200, json: `{"ok": true}`, cookie: noCookie}.run(t, a)
	s.loggedIn(t, true, false, true)
	step{req: get("/api/sessions"), status: 401, errMsg: msgNotLoggedIn}.run(t, s.alice[1])
	if got := devicesOf(listSessions(t, a)); got != "Safari on iPhone, Firefox on Linux (this device)" {
		t.Errorf("device 0 lists %q after revoking device 1; want the two others", got)
	}
	step{req: del, status: 404, errMsg: msgNoSession}.run(t, a)
	step{req: send(http.MethodDelete, "/api/sessions/not-a-handle"), status: 404, errMsg: msgNoSession}.run(t, a)
	s.loggedIn(t, true, false, true)
}

// testRevokeOwn: revoking the caller's own session logs the caller out,
// cookie cleared and record gone, as logout does; the others stay.
func testRevokeOwn(t *testing.T, s *signedIn) {
	a := s.alice[0]
	h := s.handle(t, a, 0)
	step{req: send(http.MethodDelete, "/api/sessions/"+url.PathEscape(h)), status: 200, json: `{"ok": true}`, cookie: clearsCookie}.run(t, a)
	s.loggedIn(t, false, true, true)
	if n := len(listSessions(t, s.alice[1])); n != 2 {
		t.Errorf("device 1 lists %d sessions after device 0 revoked its own; want 2", n)
	}
}

// testRevokeOthers: revoke-others ends every session of the user but the
// caller's and counts them; again, it ends none.
func testRevokeOthers(t *testing.T, s *signedIn) {
	b := s.alice[1]
	step{req: post("/api/sessions/revoke-others"), status: 200, json: `{"revoked": 2}`, cookie: noCookie}.run(t, b)
	s.loggedIn(t, false, true, false)
	if got := listSessions(t, b); len(got) != 1 || !got[0].Current {
		t.Errorf("device 1 lists %+v after revoke-others; want itself only", got)
	}
	step{req: post("/api/sessions/revoke-others"), status: 200, json: `{"revoked": 0}`}.run(t, b)
	step{req: get("/api/me"), status: 200, json: `{"user": "mallory"}`}.run(t, s.mallory)
}

// testOtherUsersHandle: a handle of another user's session is unknown to
// the caller, through the API and the page, and revokes nothing; neither
// does the other user's revoke-others.
func testOtherUsersHandle(t *testing.T, s *signedIn) {
	h := s.handle(t, s.alice[0], 0)
	step{req: send(http.MethodDelete, "/api/sessions/"+url.PathEscape(h)), status: 404, errMsg: msgNoSession}.run(t, s.mallory)
	step{req: submit("/sessions/revoke", "id", h), status: 404, page: &page{user: "mallory", error: msgNoSession, devices: thisClient}}.run(t, s.mallory)
	step{req: post("/api/sessions/revoke-others"), status: 200, json: `{"revoked": 0}`}.run(t, s.mallory)
	s.loggedIn(t, true, true, true)
	if n := len(listSessions(t, s.alice[0])); n != 3 {
		t.Errorf("alice lists %d sessions after mallory's attempts; want 3", n)
	}
}

// testMaxPerUser: with SESSION_MAX_PER_USER=2 the third login signed out
// the first device, the oldest; another user is not counted.
func testMaxPerUser(t *testing.T, s *signedIn) {
	s.loggedIn(t, false, true, true)
	if got := devicesOf(listSessions(t, s.alice[2])); got != "Safari on iPhone (this device), Chrome on Windows" {
		t.Errorf("device 2 lists %q; want itself and device 1", got)
	}
	step{req: get("/api/me"), status: 200, json: `{"user": "mallory"}`}.run(t, s.mallory)
}

// testPageDevices: the page lists the devices, and its forms revoke one
// (by the handle the page's form carries) or all others, each followed by
// a flash message; a cross-origin form post revokes nothing.
func testPageDevices(t *testing.T, s *signedIn) {
	a := s.alice[0]
	all := "Safari on iPhone, Chrome on Windows, Firefox on Linux (this device)"
	r := step{req: get("/"), status: 200, page: &page{user: "alice", devices: all}}.run(t, a)
	handles := revokeHandles(r.body)
	if len(handles) != 2 || handles[0] != s.handle(t, a, 2) || handles[1] != s.handle(t, a, 1) {
		t.Fatalf("the page's Revoke forms post ids %q; want those of devices 2 and 1", handles)
	}
	step{req: get("/"), status: 200, page: &page{user: "alice", devices: "Safari on iPhone, Chrome on Windows (this device), Firefox on Linux"}}.run(t, s.alice[1])

	step{req: submit("/sessions/revoke", "id", handles[1]).with("Sec-Fetch-Site", "cross-site"), status: 403, errMsg: msgCrossOrigin}.run(t, a)
	step{req: submit("/sessions/revoke-others").with("Origin", "http://evil.example"), status: 403, errMsg: msgCrossOrigin}.run(t, a)
	s.loggedIn(t, true, true, true)

	step{req: submit("/sessions/revoke", "id", handles[1]), status: 303}.run(t, a)
	step{req: get("/"), status: 200, page: &page{user: "alice", flash: "Signed out Chrome on Windows.", devices: "Safari on iPhone, Firefox on Linux (this device)"}}.run(t, a)
	s.loggedIn(t, true, false, true)
	step{req: submit("/sessions/revoke", "id", handles[1]), status: 404, page: &page{user: "alice", error: msgNoSession, devices: "Safari on iPhone, Firefox on Linux (this device)"}}.run(t, a)
	step{req: submit("/sessions/revoke"), status: 400, page: &page{user: "alice", error: fieldError("id"), devices: "Safari on iPhone, Firefox on Linux (this device)"}}.run(t, a)

	step{req: submit("/sessions/revoke-others"), status: 303}.run(t, a)
	step{req: get("/"), status: 200, page: &page{user: "alice", flash: "Signed out 1 other device.", devices: "Firefox on Linux (this device)"}}.run(t, a)
	s.loggedIn(t, true, false, false)
	step{req: submit("/sessions/revoke-others"), status: 303}.run(t, a)
	step{req: get("/"), status: 200, page: &page{user: "alice", flash: "No other device was signed in.", devices: "Firefox on Linux (this device)"}}.run(t, a)

	// The page offers no Revoke button for the current device, but its
	// handle posted anyway logs it out, with a message.
	step{req: submit("/sessions/revoke", "id", s.handle(t, a, 0)), status: 303, cookie: setsCookie}.run(t, a)
	step{req: get("/"), status: 200, page: &page{flash: "You signed out this device."}}.run(t, a)
	s.loggedIn(t, false, false, false)
}

// testPageEscapesUserAgent: a User-Agent is the client's to choose; the
// page shows it escaped, in the device name's title.
func testPageEscapesUserAgent(t *testing.T, s *signedIn) {
	const evil = `"><img src=x onerror=alert(1)>`
	c := s.srv.client(t)
	step{req: post("/api/login", "user", "alice").with("User-Agent", evil), status: 200}.run(t, c)
	r := step{req: get("/"), status: 200, page: &page{user: "alice", devices: "Unknown device (this device), Safari on iPhone, Chrome on Windows, Firefox on Linux"}}.run(t, c)
	if bytes.Contains(r.body, []byte("<img src=x")) {
		t.Errorf("the page holds the User-Agent %q unescaped", evil)
	}
	if got := listSessions(t, c); len(got) == 0 || got[0].UserAgent != evil {
		t.Errorf("GET /api/sessions lists %+v first; want the session with User-Agent %q", got, evil)
	}
}
