package contract

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// page is what the HTML page shows. Empty user and flash mean the page
// shows no user (but the anonymous marker) and no flash element; empty
// error means no error element. A failed page (the session could not be
// read) shows its error and none of the session's state.
//
// devices sums up the "Active sessions" section a logged-in user sees:
// the device names it lists, in order, joined by ", ", the current one
// followed by " (this device)"; "" when the page has no such section.
type page struct {
	views   int
	user    string
	flash   string
	error   string
	url     string // the address the page says it is served on
	devices string
	failed  bool
}

func (p page) String() string {
	if p.failed {
		return fmt.Sprintf("{failed, error: %q}", p.error)
	}
	return fmt.Sprintf("{views: %d, user: %q, flash: %q, error: %q, url: %q, devices: %q}", p.views, p.user, p.flash, p.error, p.url, p.devices)
}

var (
	viewsRE     = regexp.MustCompile(`id="views">(\d+)<`)
	userRE      = regexp.MustCompile(`id="user">([^<]*)<`)
	flashRE     = regexp.MustCompile(`id="flash"[^>]*>([^<]*)<`)
	errorRE     = regexp.MustCompile(`id="error"[^>]*>([^<]*)<`)
	urlRE       = regexp.MustCompile(`id="url"[^>]*>([^<]*)<`)
	anonymousRE = regexp.MustCompile(`id="anonymous"`)

	sectionRE      = regexp.MustCompile(`(?s)<section id="sessions".*?</section>`)
	deviceRE       = regexp.MustCompile(`(?s)<li class="device( current)?">(.*?)</li>`)
	deviceNameRE   = regexp.MustCompile(`class="device-name" title="[^"<>]*">([^<]*)<`)
	thisDeviceRE   = regexp.MustCompile(`>This device<`)
	revokeFormRE   = regexp.MustCompile(`<form method="post" action="/sessions/revoke">\s*<input type="hidden" name="id" value="([^"<>]+)">\s*<button[^>]*>Revoke</button>`)
	datetimeRE     = regexp.MustCompile(`<time datetime="([^"]*)"`)
	revokeOthersRE = regexp.MustCompile(`<form method="post" action="/sessions/revoke-others"><button id="revoke-others">`)
	noOthersRE     = regexp.MustCompile(`id="no-others"`)
)

// parsePage reads the page's state from the elements with the ids the
// template gives them, unescaping their text.
func parsePage(body []byte) (page, error) {
	var p page
	text := func(re *regexp.Regexp) string {
		if m := re.FindSubmatch(body); m != nil {
			return html.UnescapeString(string(m[1]))
		}
		return ""
	}
	p.error = text(errorRE)
	m := viewsRE.FindSubmatch(body)
	switch {
	case m == nil && p.error != "":
		p.failed = true
		return p, nil
	case m == nil:
		return p, fmt.Errorf("no #views element")
	}
	p.views, _ = strconv.Atoi(string(m[1]))
	p.flash, p.url = text(flashRE), text(urlRE)
	user := userRE.FindSubmatch(body)
	anon := anonymousRE.Match(body)
	switch {
	case user != nil && anon:
		return p, fmt.Errorf("both #user and #anonymous")
	case user != nil:
		p.user = html.UnescapeString(string(user[1]))
	case !anon:
		return p, fmt.Errorf("neither #user nor #anonymous")
	}
	devices, err := parseDevices(body)
	if err != nil {
		return p, err
	}
	if devices != "" && p.user == "" {
		return p, fmt.Errorf("an #sessions section, but no logged-in user")
	}
	p.devices = devices
	return p, nil
}

// parseDevices sums up the page's "Active sessions" section (see
// page.devices), checking its structure: each device has a name; the
// current one, exactly one, is marked "This device" and has no Revoke
// button; every other has a Revoke form naming it and a <time> of RFC
// 3339; and "Sign out everywhere else" is offered when there is another
// device, and "no other device" said otherwise.
func parseDevices(body []byte) (string, error) {
	section := sectionRE.Find(body)
	if section == nil {
		return "", nil
	}
	var names []string
	current, others := 0, 0
	for _, m := range deviceRE.FindAllSubmatch(section, -1) {
		isCurrent, li := len(m[1]) > 0, m[2]
		name := deviceNameRE.FindSubmatch(li)
		if name == nil || len(name[1]) == 0 {
			return "", fmt.Errorf("a device without a name: %s", li)
		}
		n := html.UnescapeString(string(name[1]))
		if err := checkDevice(li, isCurrent); err != nil {
			return "", fmt.Errorf("device %q: %w", n, err)
		}
		if isCurrent {
			current++
			n += " (this device)"
		} else {
			others++
		}
		names = append(names, n)
	}
	switch {
	case current != 1:
		return "", fmt.Errorf("%d devices marked current; want 1", current)
	case others > 0 && !revokeOthersRE.Match(section):
		return "", fmt.Errorf("other devices, but no #revoke-others form")
	case others == 0 && (!noOthersRE.Match(section) || revokeOthersRE.Match(section)):
		return "", fmt.Errorf("no other device, but no #no-others text, or a #revoke-others form")
	}
	return strings.Join(names, ", "), nil
}

// checkDevice checks one device's entry: the marker and forms the current
// one has, or another has, and its times.
func checkDevice(li []byte, current bool) error {
	marked, form := thisDeviceRE.Match(li), revokeFormRE.Match(li)
	switch {
	case current && (!marked || form):
		return fmt.Errorf("the current device must be marked This device and have no Revoke form: %s", li)
	case !current && (marked || !form):
		return fmt.Errorf("another device must have a Revoke form and no This device marker: %s", li)
	}
	times := datetimeRE.FindAllSubmatch(li, -1)
	if len(times) == 0 {
		return fmt.Errorf("no <time datetime>: %s", li)
	}
	for _, tm := range times {
		if _, err := time.Parse(time.RFC3339, string(tm[1])); err != nil {
			return fmt.Errorf("<time datetime=%q>: %w", tm[1], err)
		}
	}
	return nil
}

// revokeHandles returns the handles the page's Revoke forms post, in the
// order the page lists them.
func revokeHandles(body []byte) []string {
	var out []string
	for _, m := range revokeFormRE.FindAllSubmatch(sectionRE.Find(body), -1) {
		out = append(out, html.UnescapeString(string(m[1])))
	}
	return out
}
