package chisession_test

import (
	"crypto/rand"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
)

// TestPathScopedSessions: the middleware on a mounted sub-router, with a
// cookie Path of the mount point, keeps the session to that part of the
// site. A real cookie jar decides what the browser sends back: the
// session cookie reaches /app and below, never the rest of the site, nor
// a path that only starts with the same letters.
func TestPathScopedSessions(t *testing.T) {
	t.Parallel()
	secret := make([]byte, 32)
	rand.Read(secret)
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}, Cookie: core.CookieConfig{Name: "app_session", Path: "/app"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Close() })
	user := core.Key[string]("user")

	app := chi.NewRouter()
	app.Use(chisession.Middleware(mgr))
	app.Post("/login", func(w http.ResponseWriter, r *http.Request) {
		s := chisession.Get(r)
		s.Regenerate()
		user.Set(s, "alice")
	})
	app.Get("/me", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, user.Get(chisession.Get(r))) })
	app.Post("/logout", func(w http.ResponseWriter, r *http.Request) { chisession.Get(r).Destroy() })

	root := chi.NewRouter()
	root.Mount("/app", app)
	cookieSent := func(w http.ResponseWriter, r *http.Request) {
		_, err := r.Cookie("app_session")
		io.WriteString(w, map[bool]string{true: "cookie", false: "no cookie"}[err == nil])
	}
	root.Get("/", cookieSent)
	root.Get("/application", cookieSent)

	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	steps := []struct {
		method, path string
		want         string
		wantCookie   string // a Set-Cookie must contain this, when set
	}{
		{"POST", "/app/login", "", "Path=/app"},
		{"GET", "/app/me", "alice", ""},
		{"GET", "/", "no cookie", ""},
		{"GET", "/application", "no cookie", ""},
		{"POST", "/app/logout", "", "Path=/app"},
		{"GET", "/app/me", "", ""},
	}
	for _, st := range steps {
		req, _ := http.NewRequest(st.method, srv.URL+st.path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(body) != st.want {
			t.Errorf("%s %s = %d %q; want 200 %q", st.method, st.path, resp.StatusCode, body, st.want)
		}
		if set := resp.Header.Get("Set-Cookie"); st.wantCookie != "" && !strings.Contains(set, st.wantCookie) {
			t.Errorf("%s %s: Set-Cookie %q; want it to hold %q", st.method, st.path, set, st.wantCookie)
		}
	}
}
