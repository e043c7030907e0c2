package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/examples/contract"
)

func TestMain(m *testing.M) { contract.Main(m) }

// serve starts the app on a test server over store (nil: core's memory
// store) and returns its URL and a client that keeps cookies and does not
// follow redirects.
func serve(t *testing.T, store core.Store) (string, *http.Client) {
	t.Helper()
	cfg := sessionConfig([]byte("0123456789abcdef0123456789abcdef"), slog.New(slog.DiscardHandler))
	cfg.Store = store
	mgr, err := core.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Close() })
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = newHandler(mgr, "http://"+srv.Listener.Addr().String())
	srv.Start()
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := srv.Client()
	client.Jar, client.Timeout = jar, 10*time.Second
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return srv.URL, client
}

// exchange is one request and what its response must be.
type exchange struct {
	method, path string
	header       map[string]string
	status       int
	json         string // the JSON body, compared as values; "" skips
	allow        string // the Allow header, for a 405
	page         string // a string the HTML page must hold; "" skips
	cookie       bool   // whether the response sets the session cookie
}

func (e exchange) run(t *testing.T, url string, client *http.Client) {
	t.Helper()
	req, _ := http.NewRequest(e.method, url+e.path, nil)
	for k, v := range e.header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", e.method, e.path, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != e.status {
		t.Fatalf("%s %s = %d %s; want %d", e.method, e.path, resp.StatusCode, body, e.status)
	}
	if e.json != "" {
		var got, want any
		json.Unmarshal([]byte(e.json), &want)
		if json.Unmarshal(body, &got) != nil || !reflect.DeepEqual(got, want) || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s = %s %s; want application/json %s", e.method, e.path, resp.Header.Get("Content-Type"), body, e.json)
		}
	}
	if got := resp.Header.Get("Allow"); got != e.allow {
		t.Errorf("%s %s Allow = %q; want %q", e.method, e.path, got, e.allow)
	}
	if e.page != "" && !strings.Contains(string(body), e.page) {
		t.Errorf("%s %s body lacks %q:\n%s", e.method, e.path, e.page, body)
	}
	if got := resp.Header.Get("Set-Cookie") != ""; got != e.cookie {
		t.Errorf("%s %s set a cookie: %v; want %v", e.method, e.path, got, e.cookie)
	}
}

func TestApp(t *testing.T) {
	t.Parallel()
	url, client := serve(t, nil)
	for _, e := range []exchange{
		{method: "GET", path: "/api/views", status: 200, json: `{"views": 0}`},
		{method: "POST", path: "/api/views", status: 200, json: `{"views": 1}`, cookie: true},
		{method: "POST", path: "/api/views", status: 200, json: `{"views": 2}`},
		{method: "POST", path: "/", status: 303},
		{method: "GET", path: "/api/views", status: 200, json: `{"views": 3}`},
		{method: "GET", path: "/", status: 200, page: `id="views">3<`},
		{method: "GET", path: "/", status: 200, page: `id="url" href="` + url + `">` + url + `<`},
	} {
		e.run(t, url, client)
	}
}

func TestErrorsAreJSON(t *testing.T) {
	t.Parallel()
	url, client := serve(t, nil)
	for _, e := range []exchange{
		{method: "GET", path: "/nope", status: 404, json: `{"error": "not found"}`},
		{method: "PUT", path: "/api/views", status: 405, json: `{"error": "method not allowed"}`, allow: "GET, HEAD, POST"},
		{method: "DELETE", path: "/", status: 405, json: `{"error": "method not allowed"}`, allow: "GET, HEAD, POST"},
		{method: "POST", path: "/api/views", header: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403, json: `{"error": "cross-origin request refused"}`},
		{method: "POST", path: "/", header: map[string]string{"Origin": "http://evil.example"}, status: 403, json: `{"error": "cross-origin request refused"}`},
	} {
		e.run(t, url, client)
	}

	// A session failure is a generic 500, and the store's error stays private.
	store := contract.NewFailingStore(t)
	url, client = serve(t, store)
	exchange{method: "POST", path: "/api/views", status: 200, json: `{"views": 1}`, cookie: true}.run(t, url, client)
	store.Set(contract.Failing)
	for _, e := range []exchange{
		{method: "GET", path: "/api/views", status: 500, json: `{"error": "internal server error"}`},
		{method: "POST", path: "/api/views", status: 500, json: `{"error": "internal server error"}`},
		{method: "GET", path: "/", status: 500, json: `{"error": "internal server error"}`},
	} {
		e.run(t, url, client)
	}
}
