package contract

import (
	"cmp"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// cookieName is the session cookie's name: core's default, which the
// apps keep.
const cookieName = core.DefaultCookieName

// client is a browser-like client: it keeps cookies and does not follow
// redirects, so tests see them.
type client struct {
	t    *testing.T
	srv  *server
	http *http.Client
}

func (s *server) client(t *testing.T) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var tr http.RoundTripper
	if s.srv != nil {
		tr = s.srv.Client().Transport // trusts the server's certificate, closed with it
	} else {
		own := &http.Transport{}
		t.Cleanup(own.CloseIdleConnections)
		tr = own
	}
	return &client{t: t, srv: s, http: &http.Client{
		Transport:     tr,
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// cookie returns the session cookie the client holds, or "".
func (c *client) cookie() string { return c.cookieNamed(cookieName) }

// cookieNamed returns the value of the cookie name the client holds for
// its server, or "".
func (c *client) cookieNamed(name string) string {
	u, _ := url.Parse(c.srv.url)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// cookieNames returns the names of the cookies the client holds for its
// server, sorted.
func (c *client) cookieNames() []string {
	u, _ := url.Parse(c.srv.url)
	var names []string
	for _, ck := range c.http.Jar.Cookies(u) {
		names = append(names, ck.Name)
	}
	slices.Sort(names)
	return names
}

// request is one HTTP request of a test.
type request struct {
	method, path string
	form         url.Values // sent as application/x-www-form-urlencoded
	body         string     // raw body, when form is nil
	html         bool       // Accept text/html, as a browser's form submission
	cookie       string     // session cookie sent instead of the jar's (replay)
	cookieAs     string     // the replayed cookie's name; "" is cookieName
	header       http.Header
}

func send(method, path string) request { return request{method: method, path: path} }

func get(path string) request { return send(http.MethodGet, path) }

func post(path string, kv ...string) request {
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return request{method: http.MethodPost, path: path, form: form}
}

// submit is post as a browser submits the page's forms.
func submit(path string, kv ...string) request {
	r := post(path, kv...)
	r.html = true
	return r
}

func put(path, body string) request { return request{method: http.MethodPut, path: path, body: body} }

// with returns r with the request header name set to value.
func (r request) with(name, value string) request {
	h := r.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set(name, value)
	r.header = h
	return r
}

func (r request) String() string { return r.method + " " + r.path }

// response is what the server answered.
type response struct {
	status    int
	header    http.Header
	body      []byte
	setCookie *http.Cookie // the session cookie the response sets, if any
}

func (c *client) do(r request) response {
	c.t.Helper()
	body := io.Reader(strings.NewReader(r.body))
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	req, err := http.NewRequest(r.method, c.srv.url+r.path, body)
	if err != nil {
		c.t.Fatalf("%v: %v", r, err)
	}
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.html {
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	hc := c.http
	if r.cookie != "" {
		hc = &http.Client{Transport: c.http.Transport, Timeout: c.http.Timeout, CheckRedirect: c.http.CheckRedirect}
		req.AddCookie(&http.Cookie{Name: cmp.Or(r.cookieAs, cookieName), Value: r.cookie})
	}
	resp, err := hc.Do(req)
	if err != nil {
		c.t.Fatalf("%v: %v", r, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%v: reading body: %v", r, err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, body: b}
	for _, ck := range resp.Cookies() {
		if ck.Name == cookieName {
			out.setCookie = ck
		}
	}
	return out
}

// isJSON reports whether the response is declared as JSON.
func (r response) isJSON() bool {
	mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
	return mt == "application/json"
}

// jsonEqual reports whether the body is the JSON value want.
func (r response) jsonEqual(want string) bool {
	var got, w any
	if json.Unmarshal(r.body, &got) != nil || json.Unmarshal([]byte(want), &w) != nil {
		return false
	}
	return reflect.DeepEqual(got, w)
}

// errorMessage returns the message of a {"error": "..."} body, or "".
func (r response) errorMessage() string {
	var e map[string]any
	if json.Unmarshal(r.body, &e) != nil || len(e) != 1 {
		return ""
	}
	s, _ := e["error"].(string)
	return s
}
