package main

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestDeviceName(t *testing.T) {
	t.Parallel()
	tests := []struct{ ua, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome on Windows"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge on Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", "Chrome on iPhone"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome on Android"},
		{"Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"},
		{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome on ChromeOS"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0", "Opera on Windows"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36", "Headless Chrome on Linux"},
		{"Mozilla/5.0 (X11; Linux x86_64)", "Browser on Linux"},
		{"curl/8.5.0", "curl"},
		{"Go-http-client/1.1", "Go HTTP client"},
		{"Wget/1.21.4", "Wget"},
		{"", "Unknown device"},
		{"<script>", "Unknown device"},
	}
	for _, tt := range tests {
		if got := deviceName(tt.ua); got != tt.want {
			t.Errorf("deviceName(%q) = %q; want %q", tt.ua, got, tt.want)
		}
	}
}

func TestAgo(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		before time.Duration
		want   string
	}{
		{-time.Hour, "just now"}, // another instance's clock ahead of ours
		{0, "just now"},
		{59 * time.Second, "just now"},
		{time.Minute, "1 minute ago"},
		{59*time.Minute + 59*time.Second, "59 minutes ago"},
		{time.Hour, "1 hour ago"},
		{23 * time.Hour, "23 hours ago"},
		{24 * time.Hour, "1 day ago"},
		{6*24*time.Hour + 23*time.Hour, "6 days ago"},
		{7 * 24 * time.Hour, "on 7 Mar 2026"},
		{400 * 24 * time.Hour, "on 7 Feb 2025"},
	}
	for _, tt := range tests {
		if got := ago(now.Add(-tt.before), now); got != tt.want {
			t.Errorf("ago(now-%v, now) = %q; want %q", tt.before, got, tt.want)
		}
	}
}

func TestStampOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	at := time.Date(2026, 3, 14, 13, 55, 30, 0, time.FixedZone("CET", 3600)) // 12:55:30 UTC: ahead of now
	want := stamp{ISO: "2026-03-14T12:55:30Z", Full: "14 Mar 2026, 12:55 UTC", Ago: "just now"}
	if got := stampOf(at, now); got != want {
		t.Errorf("stampOf(%v) = %+v; want %+v", at, got, want)
	}
	if got := stampOf(time.Time{}, now); got.ISO != "" || got.Ago == "" {
		t.Errorf("stampOf(zero time) = %+v; want no ISO time and a text saying it is unknown", got)
	}
}

func TestOwnerError(t *testing.T) {
	t.Parallel()
	store := errors.New("dial tcp 10.0.0.7:6379: refused")
	tests := []struct {
		err        error
		wantStatus int // 0: passed through as it is
	}{
		{fmt.Errorf("x: %w", core.ErrNoOwner), http.StatusUnauthorized},
		{fmt.Errorf("x: %w", core.ErrUnknownSession), http.StatusNotFound},
		{store, 0},
	}
	for _, tt := range tests {
		got := ownerError(tt.err)
		var e *apiError
		switch {
		case tt.wantStatus == 0 && got != tt.err:
			t.Errorf("ownerError(%v) = %v; want it unchanged", tt.err, got)
		case tt.wantStatus != 0 && (!errors.As(got, &e) || e.status != tt.wantStatus):
			t.Errorf("ownerError(%v) = %v; want an *apiError with status %d", tt.err, got, tt.wantStatus)
		}
	}
	if ownerError(nil) != nil {
		t.Error("ownerError(nil) != nil")
	}
}

func TestSessionsJSONNamesHandlesInUTC(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("CET", 3600)
	list := []core.OwnedSession{{
		Handle: "h1", Current: true, UserAgent: "curl/8",
		Created:  time.Date(2026, 3, 14, 13, 0, 0, 0, cet),
		LastSeen: time.Date(2026, 3, 14, 13, 5, 0, 0, cet),
	}}
	got := sessionsJSON(list)["sessions"]
	want := sessionJSON{ID: "h1", Current: true, Created: "2026-03-14T12:00:00Z", LastSeen: "2026-03-14T12:05:00Z", UserAgent: "curl/8"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("sessionsJSON(%+v) = %+v; want [%+v]", list, got, want)
	}
	if got := sessionsJSON(nil)["sessions"]; got == nil || len(got) != 0 {
		t.Errorf("sessionsJSON(nil) = %#v; want an empty, non-nil list (JSON [])", got)
	}
}
