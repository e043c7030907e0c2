package contract

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
)

// page is what the HTML page shows. Empty user and flash mean the page
// shows no user (but the anonymous marker) and no flash element; empty
// error means no error element. A failed page (the session could not be
// read) shows its error and none of the session's state.
type page struct {
	views  int
	user   string
	flash  string
	error  string
	url    string // the address the page says it is served on
	failed bool
}

func (p page) String() string {
	if p.failed {
		return fmt.Sprintf("{failed, error: %q}", p.error)
	}
	return fmt.Sprintf("{views: %d, user: %q, flash: %q, error: %q, url: %q}", p.views, p.user, p.flash, p.error, p.url)
}

var (
	viewsRE     = regexp.MustCompile(`id="views">(\d+)<`)
	userRE      = regexp.MustCompile(`id="user">([^<]*)<`)
	flashRE     = regexp.MustCompile(`id="flash"[^>]*>([^<]*)<`)
	errorRE     = regexp.MustCompile(`id="error"[^>]*>([^<]*)<`)
	urlRE       = regexp.MustCompile(`id="url"[^>]*>([^<]*)<`)
	anonymousRE = regexp.MustCompile(`id="anonymous"`)
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
	return p, nil
}
