package adaptertest

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"
)

// WantBody returns a Path.Check that requires the response body to be want.
func WantBody(want string) func(*testing.T, *http.Response, string) {
	return func(t *testing.T, resp *http.Response, body string) {
		t.Helper()
		if body != want {
			t.Errorf("%s %s: body %q; want %q", resp.Request.Method, resp.Request.URL.Path, body, want)
		}
	}
}

// WantGzip returns a Path.Check that requires a gzip-encoded body which
// decompresses to want.
func WantGzip(want string) func(*testing.T, *http.Response, string) {
	return func(t *testing.T, resp *http.Response, body string) {
		t.Helper()
		if ce := resp.Header.Get("Content-Encoding"); ce != "gzip" {
			t.Fatalf("%s: Content-Encoding %q; want gzip", resp.Request.URL.Path, ce)
		}
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", resp.Request.URL.Path, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || string(got) != want {
			t.Errorf("%s: gunzipped body %q, %v; want %q", resp.Request.URL.Path, got, err, want)
		}
	}
}
