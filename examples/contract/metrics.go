package contract

import (
	"bytes"
	"mime"
	"net/http"
	"regexp"
	"testing"
)

// metricsWant are the lines a scrape must hold after metricsFlow: the
// forged cookie rejected once for its signature, the login's new ID,
// store latency by operation, and the one session left after the login
// deleted the old record.
var metricsWant = []*regexp.Regexp{
	regexp.MustCompile(`(?m)^sessionkit_cookies_rejected_total\{[^}]*sessionkit_reason="bad_signature"[^}]*\} 1$`),
	regexp.MustCompile(`(?m)^sessionkit_sessions_regenerated_total\{[^}]*\} 1$`),
	regexp.MustCompile(`(?m)^sessionkit_store_duration_seconds_bucket\{[^}]*sessionkit_store_operation="load"`),
	regexp.MustCompile(`(?m)^sessionkit_sessions_active\{[^}]*\} 1$`),
}

// metricsCreated matches the count of sessions created, after one.
var metricsCreated = regexp.MustCompile(`(?m)^sessionkit_sessions_created_total\{[^}]*\} 1$`)

// forge returns the token v with one character of its signature changed:
// well-formed, but signed by no secret.
func forge(v string) string {
	i, c := len(v)-3, byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}

// metricsFlow sends what metricsWant counts: a session, a forged copy of
// its cookie, a login and a few reads. It returns, by name, the cookies,
// the forgery and the secret, none of which a scrape may show.
func metricsFlow(t *testing.T, c *client) map[string]string {
	step{req: post("/api/views"), status: 200, json: `{"views": 1}`, cookie: setsCookie}.run(t, c)
	before := c.cookie()
	forged := forge(before)
	step{req: request{method: http.MethodGet, path: "/api/views", cookie: forged}, status: 200, json: `{"views": 0}`, cookie: noCookie}.run(t, c)
	step{req: post("/api/login", "user", "alice"), status: 200, json: `{"user": "alice"}`, cookie: setsCookie}.run(t, c)
	step{req: get("/api/me"), status: 200, json: `{"user": "alice"}`}.run(t, c)
	step{req: get("/api/views"), status: 200, json: `{"views": 1}`}.run(t, c)
	step{req: get("/api/kv"), status: 200, json: `{"keys": ["user", "views"]}`}.run(t, c)
	return map[string]string{"the pre-login cookie": before, "the forged cookie": forged, "the session cookie": c.cookie(), "the secret": testSecret}
}

// testMetrics: with SESSION_METRICS on, GET /metrics answers the session
// metrics in Prometheus text, outside the session (no cookie, and only
// GET or HEAD), and shows no cookie or secret; off, /metrics is the JSON
// 404 of any unknown path.
func testMetrics(t *testing.T, app App) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		on   bool
	}{
		{"SESSION_METRICS=1", map[string]string{"SESSION_METRICS": "1"}, true},
		{"SESSION_METRICS=true", map[string]string{"SESSION_METRICS": "true"}, true},
		{"SESSION_METRICS=false", map[string]string{"SESSION_METRICS": "false"}, false},
		{"SESSION_METRICS unset", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := start(t, app, setup{env: tt.env}).client(t)
			private := metricsFlow(t, c)
			if !tt.on {
				step{req: get("/metrics"), status: 404, errMsg: msgNotFound, cookie: noCookie}.run(t, c)
				return
			}
			step{req: post("/metrics"), status: 405, errMsg: msgMethod, allow: []string{"GET"}, cookie: noCookie}.run(t, c)
			r := step{req: get("/metrics"), status: 200, cookie: noCookie}.run(t, c)
			checkScrape(t, r, private)
		})
	}
}

// checkScrape checks that r is Prometheus text holding the metricsWant
// lines and none of the private values.
func checkScrape(t *testing.T, r response, private map[string]string) {
	t.Helper()
	ct := r.header.Get("Content-Type")
	if mt, params, _ := mime.ParseMediaType(ct); mt != "text/plain" || params["version"] != "0.0.4" {
		t.Errorf("GET /metrics Content-Type = %q; want Prometheus text, text/plain; version=0.0.4", ct)
	}
	for _, re := range metricsWant {
		if !re.Match(r.body) {
			t.Errorf("GET /metrics has no line matching %s:\n%s", re, sessionkitLines(r.body))
		}
	}
	for name, v := range private {
		if v == "" || bytes.Contains(r.body, []byte(v)) {
			t.Errorf("GET /metrics shows %s (or the test has none to look for)", name)
		}
	}
}

// sessionkitLines returns the sessionkit_ lines of a scrape, for failure
// messages.
func sessionkitLines(body []byte) []byte {
	var out []byte
	for line := range bytes.Lines(body) {
		if bytes.HasPrefix(line, []byte("sessionkit_")) {
			out = append(out, line...)
		}
	}
	return out
}
