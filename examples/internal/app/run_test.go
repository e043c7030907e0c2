package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// urlHandler is a slog.Handler that reports the url of the "listening"
// record.
type urlHandler struct {
	slog.Handler
	urls chan string
}

func (urlHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h urlHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "listening" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "url" {
				h.urls <- a.Value.String()
			}
			return true
		})
	}
	return nil
}

func TestRunServesUntilCancelled(t *testing.T) {
	t.Parallel()
	env := map[string]string{"ADDR": "127.0.0.1:0", "SESSION_SECRET": string(testSecrets[0])}
	urls := make(chan string, 1)
	logger := slog.New(urlHandler{Handler: slog.DiscardHandler, urls: urls})
	newHandler := func(*core.Manager) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, func(k string) string { return env[k] }, logger, newHandler) }()

	var url string
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatalf("Run returned %v before listening", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not log its url within 10s")
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello" {
		t.Errorf("GET %s = %q; want %q", url, body, "hello")
	}

	// Cross-origin browser form posts are refused.
	req, _ := http.NewRequest(http.MethodPost, url+"/api/views", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("cross-site POST: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST status = %d; want 403", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel = %v; want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of cancellation")
	}
}

func TestRunReportsBadSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"short secret", map[string]string{"SESSION_SECRET": "short"}, "at least 32"},
		{"bad duration", map[string]string{"SESSION_LIFETIME": "forever"}, "SESSION_LIFETIME"},
		{"unknown store", map[string]string{"SESSION_STORE": "files"}, "SESSION_STORE"},
		{"bad address", map[string]string{"ADDR": "127.0.0.1:99999"}, "99999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Run(context.Background(), func(k string) string { return tt.env[k] }, slog.New(slog.DiscardHandler),
				func(*core.Manager) http.Handler { return http.NotFoundHandler() })
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Run(%v) = %v; want an error containing %q", tt.env, err, tt.wantErr)
			}
		})
	}
}
