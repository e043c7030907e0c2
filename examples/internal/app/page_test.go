package app

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

func TestServePageEscapesAndPopsFlash(t *testing.T) {
	t.Parallel()
	mgr, err := NewManager(Config{Secrets: testSecrets}, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer mgr.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /seed", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		User.Set(s, `<i>eve</i>`)
		Flash.Set(s, `"hi" & <b>bye</b>`)
		Views.Set(s, 3)
		if err := s.Err(); err != nil {
			t.Error(err)
		}
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) { ServePage(w, r, core.FromRequest(r)) })
	srv := httptest.NewServer(mgr.Handler(mux))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Post(srv.URL+"/seed", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	page := func() string {
		t.Helper()
		resp, err := client.Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/html; charset=utf-8" {
			t.Fatalf("GET / = %d %s; want 200 text/html; charset=utf-8", resp.StatusCode, ct)
		}
		return string(b)
	}
	first := page()
	for _, want := range []string{`id="views">3<`, `id="user">&lt;i&gt;eve&lt;/i&gt;<`, `&#34;hi&#34; &amp; &lt;b&gt;bye&lt;/b&gt;`} {
		if !strings.Contains(first, want) {
			t.Errorf("first page lacks %s:\n%s", want, first)
		}
	}
	if strings.Contains(first, "<i>eve") || strings.Contains(first, "<b>bye") {
		t.Errorf("first page has unescaped user data:\n%s", first)
	}
	if second := page(); strings.Contains(second, `id="flash"`) {
		t.Errorf("second page still shows the flash message:\n%s", second)
	}
}
