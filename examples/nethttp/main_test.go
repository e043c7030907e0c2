package main

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"testing"

	"github.com/sessionkit/sessionkit/examples/internal/contract"
)

func TestCounter(t *testing.T) {
	t.Parallel()
	url := contract.Serve(t, newHandler)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	for _, step := range []struct {
		method     string
		wantViews  int
		wantCookie bool
	}{
		{http.MethodGet, 0, false},
		{http.MethodPost, 1, true},
		{http.MethodPost, 2, false},
		{http.MethodGet, 2, false},
	} {
		req, _ := http.NewRequest(step.method, url+"/api/views", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s /api/views: %v", step.method, err)
		}
		var got struct{ Views int }
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || got.Views != step.wantViews {
			t.Fatalf("%s /api/views = %d, views %d (decode error %v); want 200, views %d", step.method, resp.StatusCode, got.Views, err, step.wantViews)
		}
		if gotCookie := resp.Header.Get("Set-Cookie") != ""; gotCookie != step.wantCookie {
			t.Errorf("%s /api/views set a cookie: %v; want %v", step.method, gotCookie, step.wantCookie)
		}
	}
}
