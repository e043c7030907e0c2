package app

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"

	"github.com/sessionkit/sessionkit/core"
)

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// Page is what the HTML page shows.
type Page struct {
	Views int
	User  string
	Flash string
}

// ReadPage reads the page's data from the session. It pops the flash
// message, so the page shows it once.
func ReadPage(s *core.Session) (Page, error) {
	views, err := core.Get[int](s, "views")
	if err != nil {
		return Page{}, err
	}
	user, err := core.Get[string](s, "user")
	if err != nil {
		return Page{}, err
	}
	flash, err := core.Pop[string](s, "flash")
	if err != nil {
		return Page{}, err
	}
	return Page{Views: views, User: user, Flash: flash}, nil
}

// ServePage writes the HTML page for session s. html/template escapes
// everything the page shows. A session failure is logged and answered
// with a plain 500.
func ServePage(w http.ResponseWriter, r *http.Request, s *core.Session) {
	var buf bytes.Buffer
	p, err := ReadPage(s)
	if err == nil {
		err = pageTemplate.Execute(&buf, p)
	}
	if err != nil {
		status, _ := ErrorResponse(r, err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}
