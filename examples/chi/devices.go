package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// The per-user sessions: each login binds the session to its user
// (Session.SetOwner), so a user can see every device signed in as them
// and sign any of them out. The routes (routes.go) make the session calls;
// this file turns their results into JSON and the page's list.

// ownerError maps the errors of the per-user session calls to the
// client's: no user is a 401, a handle that is not one of the user's
// sessions a 404, and anything else, such as a store failure, stays as
// it is, to become the generic 500.
func ownerError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, core.ErrNoOwner):
		return errorf(http.StatusUnauthorized, "not logged in")
	case errors.Is(err, core.ErrUnknownSession):
		return errorf(http.StatusNotFound, "no such session")
	}
	return err
}

// sessionJSON is one session in the list GET /api/sessions returns. It
// names the session by its handle, never by its ID: a handle can revoke
// the session but cannot be made into a cookie.
type sessionJSON struct {
	ID        string `json:"id"`
	Current   bool   `json:"current"`
	Created   string `json:"created"`   // RFC 3339, UTC
	LastSeen  string `json:"last_seen"` // RFC 3339, UTC
	UserAgent string `json:"user_agent"`
}

// sessionsJSON returns the body of GET /api/sessions for list, which
// OwnerSessions returns newest first.
func sessionsJSON(list []core.OwnedSession) map[string][]sessionJSON {
	out := make([]sessionJSON, 0, len(list))
	for _, o := range list {
		out = append(out, sessionJSON{
			ID:        o.Handle,
			Current:   o.Current,
			Created:   o.Created.UTC().Format(time.RFC3339),
			LastSeen:  o.LastSeen.UTC().Format(time.RFC3339),
			UserAgent: o.UserAgent,
		})
	}
	return map[string][]sessionJSON{"sessions": out}
}

// revokeDevice signs out the session of s's user whose handle is the
// form field id, for the page's Revoke buttons, and returns the flash
// message that confirms it, naming the device. Revoking s itself logs it
// out, as Destroy does.
func revokeDevice(ctx context.Context, s *core.Session, id string) (string, error) {
	handle, err := field("id", id)
	if err != nil {
		return "", err
	}
	list, err := s.OwnerSessions(ctx)
	if err != nil {
		return "", ownerError(err)
	}
	i := slices.IndexFunc(list, func(o core.OwnedSession) bool { return o.Handle == handle })
	if i < 0 {
		return "", ownerError(core.ErrUnknownSession)
	}
	if err := s.RevokeSession(ctx, handle); err != nil {
		return "", ownerError(err)
	}
	if list[i].Current {
		return "You signed out this device.", nil
	}
	return "Signed out " + deviceName(list[i].UserAgent) + ".", nil
}

// revokedOthers is the flash message after "Sign out everywhere else"
// ended n sessions.
func revokedOthers(n int) string {
	switch n {
	case 0:
		return "No other device was signed in."
	case 1:
		return "Signed out 1 other device."
	}
	return fmt.Sprintf("Signed out %d other devices.", n)
}

// deviceView is one session as the page lists it.
type deviceView struct {
	Handle    string // names the session for the Revoke form
	Name      string // the device in a few words, e.g. "Firefox on Linux"
	UserAgent string // the full User-Agent, as the name's title
	Current   bool   // the session of the browser viewing the page
	Created   stamp  // when it signed in
	LastSeen  stamp  // when it was last active
}

// stamp is a time as the page shows it.
type stamp struct {
	ISO  string // RFC 3339, for <time datetime>
	Full string // e.g. "2 Jan 2006, 15:04 UTC", as its title
	Ago  string // e.g. "5 minutes ago", as its text
}

// devicesView returns list as the page shows it, at now.
func devicesView(list []core.OwnedSession, now time.Time) []deviceView {
	out := make([]deviceView, 0, len(list))
	for _, o := range list {
		out = append(out, deviceView{
			Handle:    o.Handle,
			Name:      deviceName(o.UserAgent),
			UserAgent: o.UserAgent,
			Current:   o.Current,
			Created:   stampOf(o.Created, now),
			LastSeen:  stampOf(o.LastSeen, now),
		})
	}
	return out
}

func stampOf(t, now time.Time) stamp {
	if t.IsZero() {
		return stamp{Ago: "at an unknown time"}
	}
	t = t.UTC()
	return stamp{ISO: t.Format(time.RFC3339), Full: t.Format("2 Jan 2006, 15:04 MST"), Ago: ago(t, now)}
}

// ago says how long before now t was, in the largest whole unit up to
// days, and as a date beyond a week. A t after now, as another
// instance's clock can make it, is "just now".
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 7*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	}
	return "on " + t.UTC().Format("2 Jan 2006")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// userAgentToken is a User-Agent product or platform token and the name
// it stands for.
type userAgentToken struct{ token, name string }

// The tokens deviceName looks for, first match wins: Edge and Opera
// also say Chrome, Chrome also says Safari, and Android also says Linux.
var (
	browsers = []userAgentToken{
		{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
		{"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
		{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
		{"HeadlessChrome/", "Headless Chrome"},
		{"Chrome/", "Chrome"}, {"CriOS/", "Chrome"}, {"Chromium/", "Chromium"},
		{"Safari/", "Safari"},
	}
	platforms = []userAgentToken{
		{"Windows", "Windows"}, {"iPhone", "iPhone"}, {"iPad", "iPad"},
		{"Android", "Android"}, {"CrOS", "ChromeOS"}, {"Macintosh", "macOS"},
		{"Linux", "Linux"},
	}
	// tools are clients that are not browsers, named as they are.
	tools = []userAgentToken{
		{"curl/", "curl"}, {"Wget/", "Wget"}, {"Go-http-client/", "Go HTTP client"},
		{"python-requests/", "Python requests"},
	}
)

// deviceName shortens a User-Agent to what a person recognises: the
// browser and the operating system ("Firefox on Linux"), the tool
// ("curl"), or "Unknown device". It is a guess from well-known tokens,
// for display only: a client can send any User-Agent it likes.
func deviceName(ua string) string {
	if tool := firstMatch(ua, tools); tool != "" && !strings.HasPrefix(ua, "Mozilla/") {
		return tool
	}
	browser, platform := firstMatch(ua, browsers), firstMatch(ua, platforms)
	switch {
	case browser != "" && platform != "":
		return browser + " on " + platform
	case browser != "":
		return browser
	case platform != "":
		return "Browser on " + platform
	}
	return "Unknown device"
}

func firstMatch(ua string, tokens []userAgentToken) string {
	for _, t := range tokens {
		if strings.Contains(ua, t.token) {
			return t.name
		}
	}
	return ""
}
