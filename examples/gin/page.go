package main

import (
	"bytes"
	_ "embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// pageData is what the HTML page shows.
type pageData struct {
	URL   string // the address the app is served on
	Error string // a form's error, or the failure of a failed page

	// Failed is the page's error state, after a failure on the server: the
	// page shows Error and nothing of the session.
	Failed bool

	Views int
	User  string
	Flash string

	// Devices are the logged-in user's sessions, newest first, the
	// current one marked; Others says whether there is any but it.
	Devices []deviceView
	Others  bool
}

// servePage writes the page for session s with the status, showing errMsg
// (a form's error) unless it is empty. It pops the flash message, so the
// page shows it once. The page answers for a session failure itself, with
// its error state: it checks s.Err, which makes the error its own, so the
// session middleware does not report it again, and errorResponse logs it
// once. For a logged-in user it lists the user's sessions
// (Session.OwnerSessions); a store failure there is its error state too.
// html/template escapes everything the page shows.
func servePage(w http.ResponseWriter, r *http.Request, s *core.Session, url string, status int, errMsg string) {
	p := pageData{URL: url, Error: errMsg, Views: viewsKey.Get(s), User: userKey.Get(s), Flash: flashKey.Pop(s)}
	if err := s.Err(); err != nil { // a failed load, or a stored value of the wrong type
		status, msg := errorResponse(r, err)
		serveErrorPage(w, status, msg)
		return
	}
	if p.User != "" {
		list, err := s.OwnerSessions(r.Context())
		switch {
		case errors.Is(err, core.ErrNoOwner): // logged in before sessions were bound to users: no list
		case err != nil: // the store failed
			status, msg := errorResponse(r, err)
			serveErrorPage(w, status, msg)
			return
		}
		p.Devices = devicesView(list, time.Now())
		p.Others = slices.ContainsFunc(list, func(o core.OwnedSession) bool { return !o.Current })
	}
	render(w, status, p)
}

// respondPage answers a form post to one of the page's own routes
// (/sessions/...), which answer as the page only, whatever the Accept
// header: on success with 303 See Other to the page, which shows flash,
// once; on failure with the page showing the error, or its error state
// for a 500.
func respondPage(w http.ResponseWriter, r *http.Request, s *core.Session, url, flash string, err error) {
	if err != nil {
		status, msg := errorResponse(r, err)
		if status >= http.StatusInternalServerError {
			serveErrorPage(w, status, msg)
			return
		}
		servePage(w, r, s, url, status, msg)
		return
	}
	flashKey.Set(s, flash)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// serveErrorPage writes the page's error state, showing msg, with the
// status.
func serveErrorPage(w http.ResponseWriter, status int, msg string) {
	render(w, status, pageData{Failed: true, Error: msg})
}

func render(w http.ResponseWriter, status int, p pageData) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		slog.Error("rendering the page", "error", err)
		writeError(w, http.StatusInternalServerError, internalError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
