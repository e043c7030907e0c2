package adaptertest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// Client is a browser-like HTTP client for one test server: it keeps
// cookies in a real cookie jar and does not follow redirects, so their
// responses can be inspected.
type Client struct {
	t    testing.TB
	base *url.URL
	hc   *http.Client
	bare *http.Client // the same transport without a jar, for replays
}

// NewClient returns a Client for srv with an empty cookie jar.
func NewClient(t testing.TB, srv *httptest.Server) *Client {
	t.Helper()
	return newClient(t, srv.URL, srv.Client().Transport, 10*time.Second)
}

// NewHandlerClient returns a Client, with an empty cookie jar, whose
// requests are served in-process by h.ServeHTTP into an
// httptest.ResponseRecorder: no network listener, which would block fake
// time, so it works inside a testing/synctest bubble. Responses are never
// streamed; use NewClient for what needs a real connection (flushes,
// hijacks).
func NewHandlerClient(t testing.TB, h http.Handler) *Client {
	t.Helper()
	return newClient(t, "http://adaptertest.example", handlerTransport{h}, 0)
}

func newClient(t testing.TB, rawURL string, tr http.RoundTripper, timeout time.Duration) *Client {
	t.Helper()
	base, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{
		t:    t,
		base: base,
		hc:   &http.Client{Transport: tr, Jar: jar, CheckRedirect: noRedirect, Timeout: timeout},
		bare: &http.Client{Transport: tr, CheckRedirect: noRedirect, Timeout: timeout},
	}
}

// Fresh returns another client of the same server with an empty cookie
// jar: a second browser, or a second device of one user.
func (c *Client) Fresh() *Client {
	c.t.Helper()
	return newClient(c.t, c.base.String(), c.hc.Transport, c.hc.Timeout)
}

// handlerTransport serves each request by calling h in-process.
type handlerTransport struct{ h http.Handler }

func (tr handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	sr := req.Clone(req.Context())
	sr.URL = &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	sr.RequestURI, sr.Host, sr.RemoteAddr = req.URL.RequestURI(), req.URL.Host, "192.0.2.1:1234"
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	tr.h.ServeHTTP(rec, sr)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// Serve starts the adapter's app for env on a real test server, Tracked
// by env, and returns a client for it.
func Serve(t *testing.T, newApp func(t *testing.T, env *Env) http.Handler, env *Env) *Client {
	t.Helper()
	srv := httptest.NewServer(env.Track(newApp(t, env)))
	t.Cleanup(srv.Close)
	return NewClient(t, srv)
}

// Do sends a request with the jar's cookies and returns the response and
// its whole body. A transport error fails the test.
func (c *Client) Do(method, path string, header http.Header) (*http.Response, string) {
	c.t.Helper()
	resp, body, err := c.send(c.hc, method, path, header)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, body
}

// Get is Do for GET without extra headers, returning only the body.
func (c *Client) Get(path string) string {
	c.t.Helper()
	_, body := c.Do(http.MethodGet, path, nil)
	return body
}

// Post is Do for POST without extra headers, failing the test unless the
// response is 200.
func (c *Client) Post(path string) *http.Response {
	c.t.Helper()
	resp, body := c.Do(http.MethodPost, path, nil)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("POST %s = %d %q; want 200", path, resp.StatusCode, body)
	}
	return resp
}

// Replay sends a request carrying exactly the given cookie, bypassing the
// jar, as an attacker or a stale tab would.
func (c *Client) Replay(ck *http.Cookie, method, path string) (*http.Response, string) {
	c.t.Helper()
	return c.Send(method, path, nil, ck)
}

// Send sends a request with the extra headers and exactly the given
// cookies, in order, bypassing the jar: a client of its own, such as an API
// client without cookies, or a browser holding several cookies of one name.
func (c *Client) Send(method, path string, header http.Header, cookies ...*http.Cookie) (*http.Response, string) {
	c.t.Helper()
	resp, body, err := c.send(c.bare, method, path, header, cookies...)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, body
}

// Cookie returns the named cookie from the jar, or nil.
func (c *Client) Cookie(name string) *http.Cookie {
	for _, ck := range c.hc.Jar.Cookies(c.base) {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

func (c *Client) send(hc *http.Client, method, path string, header http.Header, cookies ...*http.Cookie) (*http.Response, string, error) {
	req, err := http.NewRequest(method, c.base.String()+path, nil)
	if err != nil {
		return nil, "", err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	for _, ck := range cookies {
		if ck != nil {
			req.AddCookie(ck)
		}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, "", fmt.Errorf("%s %s: reading body: %w", method, path, err)
	}
	return resp, string(b), nil
}

// SetCookie returns the response's Set-Cookie for name, or nil.
func SetCookie(resp *http.Response, name string) *http.Cookie {
	var found *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == name {
			found = ck
		}
	}
	return found
}

// live reports whether ck sets a session (rather than clearing one).
func live(ck *http.Cookie) bool {
	return ck != nil && ck.Value != "" && ck.MaxAge >= 0 && (ck.Expires.IsZero() || ck.Expires.After(time.Now()))
}
