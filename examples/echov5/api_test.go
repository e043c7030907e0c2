package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFromPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, accept string
		want           bool
	}{
		{http.MethodPost, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true}, // Chromium and Firefox
		{http.MethodPost, "application/json, TEXT/HTML", true},
		{http.MethodPost, "text/html;q=0", false},
		{http.MethodPost, "*/*", false}, // curl, fetch
		{http.MethodPost, "application/json", false},
		{http.MethodPost, "", false},
		{http.MethodGet, "text/html", false},
		{http.MethodPut, "text/html", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, "/api/views", nil)
		r.Header.Set("Accept", tt.accept)
		if got := fromPage(r); got != tt.want {
			t.Errorf("fromPage(%s, Accept: %q) = %v; want %v", tt.method, tt.accept, got, tt.want)
		}
	}
}

func TestReadValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       string
		wantStatus int // 0: no error
	}{
		{"empty", "", 0},
		{"text", "héllo <b>", 0},
		{"at the limit", strings.Repeat("x", maxValueBytes), 0},
		{"over the limit", strings.Repeat("x", maxValueBytes+1), http.StatusRequestEntityTooLarge},
		{"not UTF-8", "\xff\xfe", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readValue(httptest.NewRequest(http.MethodPut, "/api/kv/k", strings.NewReader(tt.body)))
			if tt.wantStatus == 0 {
				if err != nil || got != tt.body {
					t.Errorf("readValue(%d bytes) = %d bytes, %v; want the body, nil", len(tt.body), len(got), err)
				}
				return
			}
			var e *apiError
			if !errors.As(err, &e) || e.status != tt.wantStatus {
				t.Errorf("readValue(%d bytes) error = %v; want an *apiError with status %d", len(tt.body), err, tt.wantStatus)
			}
		})
	}
}

func TestFieldAndCheckKey(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", maxFieldBytes+1)
	for _, tt := range []struct {
		value, want string
		ok          bool
	}{
		{"  alice ", "alice", true},
		{"", "", false},
		{" \t", "", false},
		{long, "", false},
	} {
		got, err := field("user", tt.value)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("field(user, %.10q) = %q, %v; want %q, ok=%v", tt.value, got, err, tt.want, tt.ok)
		}
	}
	for key, ok := range map[string]bool{"color": true, "a/b": true, "views": false, "user": false, "flash": false, "": false, long: false, "\xff": false, "a\x00": false} {
		if err := checkKey(key); (err == nil) != ok {
			t.Errorf("checkKey(%.10q) = %v; want ok=%v", key, err, ok)
		}
	}
}

func TestErrorResponseHidesInternalErrors(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if status, msg := errorResponse(r, errorf(http.StatusNotFound, "no key %q", "k")); status != http.StatusNotFound || msg != `no key "k"` {
		t.Errorf("errorResponse(*apiError) = %d, %q; want 404 with its message", status, msg)
	}
	status, msg := errorResponse(r, fmt.Errorf("load: %w", errors.New("dial tcp 10.0.0.7:6379: refused")))
	if status != http.StatusInternalServerError || msg != internalError {
		t.Errorf("errorResponse(store error) = %d, %q; want 500 with the generic message", status, msg)
	}
}
