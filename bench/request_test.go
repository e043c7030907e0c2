package bench

import (
	"net/http"
	"net/http/httptest"
	"strings"
)

// A framework groups the subjects benchmarked against one bare baseline.
type framework struct {
	name     string
	subjects []Subject
}

func frameworks() []framework {
	return []framework{
		{"NetHTTP", NetHTTP()},
		{"Chi", Chi()},
		{"Gin", Gin()},
		{"Echo", Echo()},
	}
}

func opName(path string) string { return strings.TrimPrefix(path, "/") }

// jar keeps the latest value of each cookie a subject has set.
type jar map[string]*http.Cookie

func (j jar) update(rec *httptest.ResponseRecorder) {
	for _, c := range rec.Result().Cookies() {
		j[c.Name] = c
	}
}

// request builds a GET for target (a path, with a query string if any)
// carrying the jar's cookies. The benchmarks build it once and serve a
// shallow copy per iteration.
func (j jar) request(target string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range j {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return r
}

// serve runs one request through h. It serves a shallow copy of base
// because gorilla/sessions stores its registry by overwriting *r; reusing
// base itself would let gorilla-based subjects skip their work after the
// first iteration. Every subject pays for the same copy.
func serve(h http.Handler, base *http.Request) *httptest.ResponseRecorder {
	r := new(http.Request)
	*r = *base
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// setCookies counts the Set-Cookie lines of a served response without
// allocating.
func setCookies(rec *httptest.ResponseRecorder) int {
	return len(rec.Header()["Set-Cookie"])
}
