package adaptertest

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// testLimits: a Set beyond Config.Limits becomes the framework's 500,
// reported with an error wrapping core.ErrTooLarge that names the limit,
// and every key stored before survives, untruncated.
func testLimits(t *testing.T, a Adapter) {
	env, c := serve(t, a, Options{Limits: core.Limits{ValueBytes: 16, Keys: 2}})
	c.Post("/set/a/1")
	for _, tc := range []struct{ path, limit string }{
		{"/set/big/" + strings.Repeat("v", 15), "Limits.ValueBytes"}, // 17 bytes of JSON
		{"/set/b/2", ""},
		{"/set/c/3", "Limits.Keys"},
	} {
		resp, body := c.Do(http.MethodPost, tc.path, nil)
		if tc.limit == "" {
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("POST %s = %d %q; want 200 within the limits", tc.path, resp.StatusCode, body)
			}
			continue
		}
		checkFailure(t, "POST "+tc.path+" beyond "+tc.limit, resp, body)
		env.WaitError(t, core.ErrTooLarge)
		if !reported(env, core.ErrTooLarge, tc.limit) {
			t.Errorf("POST %s: reported errors %v; want one wrapping core.ErrTooLarge that names %s", tc.path, env.Errors(), tc.limit)
		}
	}
	var keys []string
	if body := c.Get("/keys"); json.Unmarshal([]byte(body), &keys) != nil || !slices.Equal(keys, []string{"a", "b"}) {
		t.Errorf("GET /keys = %q; want the keys set within the limits, [\"a\",\"b\"]", body)
	}
	for key, want := range map[string]string{"a": "1", "b": "2", "big": "", "c": ""} {
		if got := c.Get("/get/" + key); got != want {
			t.Errorf("GET /get/%s = %q; want %q", key, got, want)
		}
	}
}

// reported reports whether env saw an error wrapping target whose text
// contains text.
func reported(env *Env, target error, text string) bool {
	for _, err := range env.Errors() {
		if errors.Is(err, target) && strings.Contains(err.Error(), text) {
			return true
		}
	}
	return false
}
