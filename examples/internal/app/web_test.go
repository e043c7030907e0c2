package app

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
		if got := FromPage(r); got != tt.want {
			t.Errorf("FromPage(%s, Accept: %q) = %v; want %v", tt.method, tt.accept, got, tt.want)
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
		{"at the limit", strings.Repeat("x", MaxValueBytes), 0},
		{"over the limit", strings.Repeat("x", MaxValueBytes+1), http.StatusRequestEntityTooLarge},
		{"not UTF-8", "\xff\xfe", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadValue(httptest.NewRequest(http.MethodPut, "/api/kv/k", strings.NewReader(tt.body)))
			if tt.wantStatus == 0 {
				if err != nil || got != tt.body {
					t.Errorf("ReadValue(%d bytes) = %d bytes, %v; want the body, nil", len(tt.body), len(got), err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != tt.wantStatus {
				t.Errorf("ReadValue(%d bytes) error = %v; want an *Error with status %d", len(tt.body), err, tt.wantStatus)
			}
		})
	}
}

func TestFieldAndCheckKey(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", MaxFieldBytes+1)
	for _, tt := range []struct {
		value, want string
		ok          bool
	}{
		{"  alice ", "alice", true},
		{"", "", false},
		{" \t", "", false},
		{long, "", false},
	} {
		got, err := Field("user", tt.value)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Field(user, %.10q) = %q, %v; want %q, ok=%v", tt.value, got, err, tt.want, tt.ok)
		}
	}
	for key, ok := range map[string]bool{"color": true, "views": false, "user": false, "flash": false, "": false, long: false} {
		if err := CheckKey(key); (err == nil) != ok {
			t.Errorf("CheckKey(%.10q) = %v; want ok=%v", key, err, ok)
		}
	}
}

func TestErrorResponseHidesInternalErrors(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	status, body := ErrorResponse(r, Errorf(http.StatusNotFound, "no key %q", "k"))
	if status != http.StatusNotFound || body["error"] != `no key "k"` {
		t.Errorf("ErrorResponse(*Error) = %d, %v; want 404 with its message", status, body)
	}
	status, body = ErrorResponse(r, fmt.Errorf("load: %w", errors.New("dial tcp 10.0.0.7:6379: refused")))
	if status != http.StatusInternalServerError || body["error"] != internalError {
		t.Errorf("ErrorResponse(store error) = %d, %v; want 500 with the generic message", status, body)
	}
}

func TestPathParam(t *testing.T) {
	t.Parallel()
	tests := []struct {
		target, raw, want string
	}{
		{"/api/kv/plain", "plain", "plain"},
		{"/api/kv/a%20b", "a b", "a b"},          // no RawPath: the router saw the decoded path
		{"/api/kv/100%25", "100%", "100%"},       // decoding again would fail or change it
		{"/api/kv/c%2Fd", "c%2Fd", "c/d"},        // RawPath: the router saw the escaped path
		{"/api/kv/e%2Ff%25", "e%2Ff%25", "e/f%"}, // both
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, tt.target, nil)
		if got := PathParam(r, tt.raw); got != tt.want {
			t.Errorf("PathParam(%s, %q) = %q; want %q", tt.target, tt.raw, got, tt.want)
		}
	}
}
