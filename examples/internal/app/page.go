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
// message, so the page shows it once. Errors are sticky: check s.Err
// afterwards.
func ReadPage(s *core.Session) Page {
	return Page{Views: Views.Get(s), User: User.Get(s), Flash: Flash.Pop(s)}
}

// ServePage writes the HTML page for session s. html/template escapes
// everything the page shows. The page answers for a session failure
// itself, with a plain-text 500 rather than the API's JSON: it checks
// s.Err, which makes the error its own, so the session middleware neither
// reports nor logs it again, and ErrorResponse logs it once.
func ServePage(w http.ResponseWriter, r *http.Request, s *core.Session) {
	p := ReadPage(s)
	var buf bytes.Buffer
	err := s.Err() // a failed load, or a stored value of the wrong type
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
