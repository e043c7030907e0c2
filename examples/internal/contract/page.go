package contract

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
)

// page is what the HTML page shows; empty User and Flash mean the page
// shows no user (but the anonymous marker) and no flash element.
type page struct {
	views int
	user  string
	flash string
}

func (p page) String() string {
	return fmt.Sprintf("{views: %d, user: %q, flash: %q}", p.views, p.user, p.flash)
}

var (
	viewsRE     = regexp.MustCompile(`id="views">(\d+)<`)
	userRE      = regexp.MustCompile(`id="user">([^<]*)<`)
	flashRE     = regexp.MustCompile(`id="flash"[^>]*>([^<]*)<`)
	anonymousRE = regexp.MustCompile(`id="anonymous"`)
)

// parsePage reads the page's state from the elements with the ids the
// template gives them, unescaping their text.
func parsePage(body []byte) (page, error) {
	var p page
	m := viewsRE.FindSubmatch(body)
	if m == nil {
		return p, fmt.Errorf("no #views element")
	}
	p.views, _ = strconv.Atoi(string(m[1]))
	m = userRE.FindSubmatch(body)
	anon := anonymousRE.Match(body)
	switch {
	case m != nil && anon:
		return p, fmt.Errorf("both #user and #anonymous")
	case m != nil:
		p.user = html.UnescapeString(string(m[1]))
	case !anon:
		return p, fmt.Errorf("neither #user nor #anonymous")
	}
	if m = flashRE.FindSubmatch(body); m != nil {
		p.flash = html.UnescapeString(string(m[1]))
	}
	return p, nil
}
