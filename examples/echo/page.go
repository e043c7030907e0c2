package main

import (
	"bytes"
	_ "embed"
	"html/template"
	"log/slog"
	"net/http"

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
}

// servePage writes the page for session s with the status, showing errMsg
// (a form's error) unless it is empty. It pops the flash message, so the
// page shows it once. The page answers for a session failure itself, with
// its error state: it checks s.Err, which makes the error its own, so the
// session middleware does not report it again, and errorResponse logs it
// once. html/template escapes everything the page shows.
func servePage(w http.ResponseWriter, r *http.Request, s *core.Session, url string, status int, errMsg string) {
	p := pageData{URL: url, Error: errMsg, Views: viewsKey.Get(s), User: userKey.Get(s), Flash: flashKey.Pop(s)}
	if err := s.Err(); err != nil { // a failed load, or a stored value of the wrong type
		status, msg := errorResponse(r, err)
		serveErrorPage(w, status, msg)
		return
	}
	render(w, status, p)
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
