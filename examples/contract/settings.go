package contract

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"
)

// testSecureSettings: SESSION_SECURE and SESSION_TRUST_PROXY decide the
// cookie's Secure attribute. Under auto it is Secure over TLS, or when a
// trusted proxy's X-Forwarded-Proto says https; an untrusted header
// changes nothing.
func testSecureSettings(t *testing.T, app App) {
	trusted := map[string]string{"SESSION_TRUST_PROXY": "true"}
	for _, tt := range []struct {
		name  string
		env   map[string]string
		tls   bool
		proto string // X-Forwarded-Proto, if any
		want  bool
	}{
		{name: "auto over plain HTTP", want: false},
		{name: "auto over TLS", tls: true, want: true},
		{name: "auto ignores an untrusted proxy", proto: "https", want: false},
		{name: "auto behind a trusted proxy saying https", env: trusted, proto: "https", want: true},
		{name: "auto behind a trusted proxy saying http", env: trusted, proto: "http", want: false},
		{name: "auto trusts the last of several values", env: trusted, proto: "https, http", want: false},
		{name: "explicit auto", env: map[string]string{"SESSION_SECURE": "auto"}, tls: true, want: true},
		{name: "always over plain HTTP", env: map[string]string{"SESSION_SECURE": "always"}, want: true},
		{name: "never over TLS", env: map[string]string{"SESSION_SECURE": "never"}, tls: true, want: false},
		{name: "never behind a trusted proxy", env: map[string]string{"SESSION_SECURE": "never", "SESSION_TRUST_PROXY": "true"}, proto: "https", want: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := start(t, app, setup{env: tt.env, tls: tt.tls}).client(t)
			req := post("/api/views")
			if tt.proto != "" {
				req = req.with("X-Forwarded-Proto", tt.proto)
			}
			ck := step{req: req, status: 200, cookie: setsCookie}.run(t, c).setCookie
			if ck != nil && ck.Secure != tt.want {
				t.Errorf("with %v (TLS %v, X-Forwarded-Proto %q): session cookie Secure = %v; want %v", tt.env, tt.tls, tt.proto, ck.Secure, tt.want)
			}
		})
	}
}

// listenLog is a slog.Handler that reports the url of the "listening"
// record.
type listenLog struct {
	slog.Handler
	urls chan<- string
}

func (listenLog) Enabled(context.Context, slog.Level) bool { return true }

func (h listenLog) Handle(_ context.Context, r slog.Record) error {
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

func (h listenLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h listenLog) WithGroup(string) slog.Handler      { return h }

// testRun: the app's own Run listens where ADDR says, logs the URL it
// really serves on (a free port for :0), serves the contract there, with
// the page showing that URL and cross-origin writes refused, and
// GET /metrics with SESSION_METRICS only, and returns nil once its
// context is cancelled.
func testRun(t *testing.T, app App) {
	for _, tt := range []struct {
		addr, prefix string
		metrics      string // SESSION_METRICS
	}{
		{"127.0.0.1:0", "http://127.0.0.1:", ""},
		{":0", "http://localhost:", ""}, // every interface: the page links to localhost
		{"127.0.0.1:0", "http://127.0.0.1:", "1"},
	} {
		t.Run(tt.addr+" metrics="+tt.metrics, func(t *testing.T) {
			t.Parallel()
			urls := make(chan string, 1)
			logger := slog.New(listenLog{Handler: slog.DiscardHandler, urls: urls})
			env := map[string]string{"ADDR": tt.addr, "SESSION_SECRET": testSecret, "SESSION_METRICS": tt.metrics}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- app.Run(ctx, func(k string) string { return env[k] }, logger) }()

			var url string
			select {
			case url = <-urls:
			case err := <-done:
				t.Fatalf("Run(ADDR=%s) returned %v before listening", tt.addr, err)
			case <-time.After(30 * time.Second):
				t.Fatalf("Run(ADDR=%s) logged no url within 30s", tt.addr)
			}
			if !strings.HasPrefix(url, tt.prefix) || strings.HasSuffix(url, ":0") {
				t.Errorf("Run(ADDR=%s) logged url %q; want %s and the port it listens on", tt.addr, url, tt.prefix)
			}
			c := (&server{url: url}).client(t)
			step{req: get("/"), status: 200, page: &page{}}.run(t, c) // the page shows url
			step{req: post("/api/views").with("Sec-Fetch-Site", "cross-site"), status: 403, errMsg: msgCrossOrigin}.run(t, c)
			step{req: post("/api/views"), status: 200, json: `{"views": 1}`, cookie: setsCookie}.run(t, c)
			if tt.metrics == "" {
				step{req: get("/metrics"), status: 404, errMsg: msgNotFound}.run(t, c)
			} else {
				r := step{req: get("/metrics"), status: 200}.run(t, c)
				if !metricsCreated.Match(r.body) {
					t.Errorf("GET /metrics from Run has no line matching %s:\n%s", metricsCreated, sessionkitLines(r.body))
				}
			}

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run after cancel = %v; want nil", err)
				}
			case <-time.After(15 * time.Second):
				t.Fatal("Run did not return within 15s of cancellation")
			}
		})
	}
}

// testRunRejectsBadSettings: a bad setting stops the app at start, with an
// error naming the variable and what it allows, before it listens.
func testRunRejectsBadSettings(t *testing.T, app App) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { taken.Close() }) // after the parallel subtests
	for _, tt := range []struct {
		name, value string
		want        []string // what the error must say
	}{
		{"SESSION_STORE", "files", []string{"SESSION_STORE", "memory, redis or postgres"}},
		{"SESSION_COMPAT", "sharing", []string{"SESSION_COMPAT", "express or express-migrate"}},
		{"SESSION_COMPAT", "express", []string{"SESSION_STORE", "redis or postgres"}}, // on the default memory store
		{"SESSION_SECURE", "sometimes", []string{"SESSION_SECURE", "auto, always or never"}},
		{"SESSION_SECURE", "ALWAYS", []string{"SESSION_SECURE", "auto, always or never"}},
		{"SESSION_TRUST_PROXY", "yes", []string{"SESSION_TRUST_PROXY", "true or false"}},
		{"SESSION_METRICS", "on", []string{"SESSION_METRICS", "true or false"}},
		{"SESSION_LIFETIME", "forever", []string{"SESSION_LIFETIME", "Go duration"}},
		{"SESSION_IDLE_TIMEOUT", "-5m", []string{"SESSION_IDLE_TIMEOUT", "Go duration"}},
		{"SESSION_MAX_PER_USER", "-1", []string{"SESSION_MAX_PER_USER", "whole number of zero or more"}},
		{"SESSION_MAX_PER_USER", "two", []string{"SESSION_MAX_PER_USER", "whole number of zero or more"}},
		{"SESSION_SECRET", "too short", []string{"SESSION_SECRET", "at least 32"}},
		{"SESSION_SECRET", testSecret + ",,", []string{"SESSION_SECRET", "empty"}},
		{"ADDR", "127.0.0.1:99999", []string{"ADDR", "127.0.0.1:99999"}},
		{"ADDR", taken.Addr().String(), []string{"ADDR", taken.Addr().String()}}, // in use
	} {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"ADDR": "127.0.0.1:0", "SESSION_SECRET": testSecret, tt.name: tt.value}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := app.Run(ctx, func(k string) string { return env[k] }, slog.New(slog.DiscardHandler))
			if err == nil {
				t.Fatalf("Run(%s=%q) = nil; want an error", tt.name, tt.value)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Run(%s=%q) error = %q; want one saying %q", tt.name, tt.value, err, w)
				}
			}
		})
	}
}
