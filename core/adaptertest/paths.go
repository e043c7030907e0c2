package adaptertest

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// testPaths checks, on every response path, that a new session's cookie is
// on the response and that the value the handler set is persisted, for new
// and existing sessions.
func testPaths(t *testing.T, a Adapter) {
	for _, k := range requiredKinds {
		if !slices.ContainsFunc(a.Paths, func(p Path) bool { return p.Kind == k }) {
			t.Errorf("Adapter.Paths has no %v path; the suite needs at least one of each of %v", k, requiredKinds)
		}
	}
	for _, p := range a.Paths {
		t.Run(p.name(), func(t *testing.T) {
			t.Parallel()
			t.Run("NewSession", func(t *testing.T) {
				t.Parallel()
				_, c := serve(t, a, Options{})
				resp, body := c.Do(p.method(), p.Path, p.Header)
				checkPath(t, p, resp, body)
				if ck := SetCookie(resp, UserCookie); !live(ck) {
					t.Errorf("%s: Set-Cookie %s = %v; want the new session's cookie", p.name(), UserCookie, ck)
				}
				if got := c.Get("/get/path"); got != p.Path {
					t.Errorf("after %s, GET /get/path = %q; want %q", p.name(), got, p.Path)
				}
			})
			t.Run("ExistingSession", func(t *testing.T) {
				t.Parallel()
				_, c := serve(t, a, Options{})
				c.Post("/set/seed/planted")
				resp, body := c.Do(p.method(), p.Path, p.Header)
				checkPath(t, p, resp, body)
				if got := c.Get("/get/path"); got != p.Path {
					t.Errorf("after %s, GET /get/path = %q; want %q", p.name(), got, p.Path)
				}
				if got := c.Get("/get/seed"); got != "planted" {
					t.Errorf("after %s, GET /get/seed = %q; want %q", p.name(), got, "planted")
				}
			})
		})
	}
}

func checkPath(t *testing.T, p Path, resp *http.Response, body string) {
	t.Helper()
	if resp.StatusCode != p.Status {
		t.Fatalf("%s = %d %q; want status %d", p.name(), resp.StatusCode, body, p.Status)
	}
	switch p.Kind {
	case Body:
		if body == "" {
			t.Errorf("%s: empty body; a Body path must write one", p.name())
		}
	case Nothing, NoContent:
		if body != "" {
			t.Errorf("%s: body %q; want none", p.name(), body)
		}
	case Redirect:
		if resp.StatusCode/100 != 3 || resp.Header.Get("Location") == "" {
			t.Errorf("%s = %d, Location %q; want a 3xx with a Location", p.name(), resp.StatusCode, resp.Header.Get("Location"))
		}
	case Stream:
		if body == "" || !slices.Contains(resp.TransferEncoding, "chunked") {
			t.Errorf("%s: Transfer-Encoding %v, body %q; want a flushed, chunked body", p.name(), resp.TransferEncoding, body)
		}
	}
	if p.Check != nil {
		p.Check(t, resp, body)
	}
}

// testPathsStoreFailure checks that when the commit fails, every response
// path becomes the framework's 500, without the store's error text, with no
// session cookie, and that the error is reported.
func testPathsStoreFailure(t *testing.T, a Adapter) {
	for _, p := range a.Paths {
		t.Run(p.name(), func(t *testing.T) {
			t.Parallel()
			env, c := serve(t, a, Options{})
			env.Store().SetFailing(true)
			resp, body := c.Do(p.method(), p.Path, p.Header)
			checkFailure(t, p.name()+" with a failing store", resp, body)
			if err := env.WaitError(t, core.ErrSave); err != nil && !errors.Is(err, ErrStoreDown) {
				t.Errorf("reported error %v does not wrap the store's error", err)
			}
		})
	}
}

// checkFailure checks a response that a failed commit replaced.
func checkFailure(t *testing.T, what string, resp *http.Response, body string) {
	t.Helper()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("%s = %d %q; want 500", what, resp.StatusCode, body)
	}
	if strings.Contains(body, StoreFailureText) || strings.Contains(body, "handler-saw") {
		t.Errorf("%s: body %q leaks the error or the handler's discarded output", what, body)
	}
	if ck := SetCookie(resp, UserCookie); live(ck) {
		t.Errorf("%s: Set-Cookie %v for a session that was not saved", what, ck)
	}
	switch ce := resp.Header.Get("Content-Encoding"); ce {
	case "", "identity":
	case "gzip":
		if _, err := gunzip(body); err != nil {
			t.Errorf("%s: Content-Encoding gzip but the body %q does not decode: %v", what, body, err)
		}
	default:
		t.Errorf("%s: unexpected Content-Encoding %q", what, ce)
	}
}

// gunzip decodes a gzip body.
func gunzip(body string) (string, error) {
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(zr)
	return string(b), err
}
