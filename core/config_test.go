package core_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestNewRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  core.Config
		want string // a fragment of the error that says what to fix
	}{
		{"no secret", core.Config{}, "secret"},
		{"empty secret list", core.Config{Secrets: [][]byte{}}, "secret"},
		{"short secret", core.Config{Secrets: [][]byte{[]byte("31-bytes-is-one-byte-too-short!")}}, "Secrets[0]"},
		{"short rotated secret", core.Config{Secrets: [][]byte{secretA, []byte("short")}}, "Secrets[1]"},
		{"cookie name with space", cfgCookie(core.CookieConfig{Name: "my session"}), "cookie name"},
		{"cookie name with separator", cfgCookie(core.CookieConfig{Name: "sess;ion"}), "cookie name"},
		{"cookie name with equals", cfgCookie(core.CookieConfig{Name: "a=b"}), "cookie name"},
		{"cookie name non-ASCII", cfgCookie(core.CookieConfig{Name: "séance"}), "cookie name"},
		{"__Host- with domain", cfgCookie(core.CookieConfig{Name: "__Host-s", Domain: "example.com", Secure: core.SecureAlways}), "Domain"},
		{"__Host- with path", cfgCookie(core.CookieConfig{Name: "__Host-s", Path: "/app", Secure: core.SecureAlways}), "Path"},
		{"__Host- without SecureAlways", cfgCookie(core.CookieConfig{Name: "__Host-s"}), "SecureAlways"},
		{"__HOST- (any case) with domain", cfgCookie(core.CookieConfig{Name: "__HOST-s", Domain: "example.com", Secure: core.SecureAlways}), "Domain"},
		{"__secure- (any case) without SecureAlways", cfgCookie(core.CookieConfig{Name: "__secure-s"}), "SecureAlways"},
		{"__Host- with SecureNever", cfgCookie(core.CookieConfig{Name: "__Host-s", Secure: core.SecureNever}), "SecureAlways"},
		{"__Secure- without SecureAlways", cfgCookie(core.CookieConfig{Name: "__Secure-s"}), "SecureAlways"},
		{"SameSite=None without SecureAlways", cfgCookie(core.CookieConfig{SameSite: http.SameSiteNoneMode}), "SameSite=None"},
		{"path without slash", cfgCookie(core.CookieConfig{Path: "app"}), "path"},
		{"path with semicolon", cfgCookie(core.CookieConfig{Path: "/a;b"}), "path"},
		{"domain with semicolon", cfgCookie(core.CookieConfig{Domain: "a;b"}), "domain"},
		{"domain with port", cfgCookie(core.CookieConfig{Domain: "example.com:8080"}), "domain"},
		{"domain with space", cfgCookie(core.CookieConfig{Domain: "example .com"}), "domain"},
		{"domain with empty label", cfgCookie(core.CookieConfig{Domain: "example..com"}), "domain"},
		{"path with non-ASCII", cfgCookie(core.CookieConfig{Path: "/café"}), "path"},
		{"path with control character", cfgCookie(core.CookieConfig{Path: "/a\nb"}), "path"},
		{"Partitioned without SecureAlways", cfgCookie(core.CookieConfig{Partitioned: true}), "Partitioned"},
		{"unknown secure mode", cfgCookie(core.CookieConfig{Secure: core.SecureMode(7)}), "SecureMode"},
		{"unknown SameSite", cfgCookie(core.CookieConfig{SameSite: http.SameSite(9)}), "SameSite"},
		{"negative Lifetime", core.Config{Secrets: [][]byte{secretA}, Lifetime: -time.Second}, "Lifetime"},
		{"negative IdleTimeout", core.Config{Secrets: [][]byte{secretA}, IdleTimeout: -time.Second}, "IdleTimeout"},
		{"negative TouchInterval", core.Config{Secrets: [][]byte{secretA}, IdleTimeout: time.Hour, TouchInterval: -time.Second}, "TouchInterval"},
		{"negative MaxLifetime", core.Config{Secrets: [][]byte{secretA}, MaxLifetime: -time.Second}, "MaxLifetime"},
		{"MaxLifetime below Lifetime", core.Config{Secrets: [][]byte{secretA}, Lifetime: 2 * time.Hour, MaxLifetime: time.Hour}, "MaxLifetime"},
		{"MaxLifetime below the default Lifetime", core.Config{Secrets: [][]byte{secretA}, MaxLifetime: time.Hour}, "MaxLifetime"},
		{"header name not a token", core.Config{Secrets: [][]byte{secretA}, Header: "X Session"}, "header"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := core.New(tc.cfg)
			if err == nil {
				m.Close()
				t.Fatalf("New(%+v) = nil error; want an error wrapping ErrInvalidConfig", tc.cfg)
			}
			if !errors.Is(err, core.ErrInvalidConfig) {
				t.Errorf("New error = %v; want it to wrap ErrInvalidConfig", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New error = %q; want it to mention %q", err, tc.want)
			}
			if m != nil {
				t.Errorf("New returned a Manager along with error %v", err)
			}
		})
	}
}

// With several bad fields, New reports the same one every time: the first
// in declaration order.
func TestNewReportsTheSameFieldEveryTime(t *testing.T) {
	t.Parallel()
	cfg := core.Config{Secrets: [][]byte{secretA}, Lifetime: -time.Second, MaxLifetime: -time.Second, IdleTimeout: -time.Second, TouchInterval: -time.Second}
	_, first := core.New(cfg)
	if first == nil || !strings.Contains(first.Error(), ": Lifetime is negative") {
		t.Fatalf("New(several negative durations) = %v; want the first field, Lifetime, reported", first)
	}
	for i := range 50 {
		if _, err := core.New(cfg); err == nil || err.Error() != first.Error() {
			t.Fatalf("New #%d = %v; want the same error as the first, %v", i+2, err, first)
		}
	}
}

func TestSecureModeString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode core.SecureMode
		want string
	}{
		{core.SecureAuto, "SecureAuto"},
		{core.SecureMode(1), "SecureAlways"},
		{core.SecureNever, "SecureNever"},
		{core.SecureMode(7), "SecureMode(7)"},
		{core.SecureMode(-1), "SecureMode(-1)"},
	}
	for _, tc := range tests {
		if got := tc.mode.String(); got != tc.want {
			t.Errorf("SecureMode(%d).String() = %q; want %q", int(tc.mode), got, tc.want)
		}
		if got := fmt.Sprint(tc.mode); got != tc.want {
			t.Errorf("fmt.Sprint(SecureMode(%d)) = %q; want %q", int(tc.mode), got, tc.want)
		}
	}
}

func cfgCookie(c core.CookieConfig) core.Config {
	return core.Config{Secrets: [][]byte{secretA}, Cookie: c}
}

func TestNewAcceptsValidConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  core.Config
	}{
		{"only a secret", core.Config{}},
		{"__Host- prefix", cfgCookie(core.CookieConfig{Name: "__Host-sid", Secure: core.SecureAlways})},
		{"__Secure- prefix with domain and path", cfgCookie(core.CookieConfig{Name: "__Secure-sid", Domain: "example.com", Path: "/app", Secure: core.SecureAlways})},
		{"SameSite=None with SecureAlways", cfgCookie(core.CookieConfig{SameSite: http.SameSiteNoneMode, Secure: core.SecureAlways})},
		{"SameSite=Strict", cfgCookie(core.CookieConfig{SameSite: http.SameSiteStrictMode})},
		{"domain with leading dot", cfgCookie(core.CookieConfig{Domain: ".example.com"})},
		{"IP address domain", cfgCookie(core.CookieConfig{Domain: "127.0.0.1"})},
		{"Partitioned with SecureAlways", cfgCookie(core.CookieConfig{Partitioned: true, Secure: core.SecureAlways})},
		{"negative StoreTimeout means no bound", core.Config{StoreTimeout: -1}},
		{"two secrets", core.Config{Secrets: [][]byte{secretB, secretA}}},
		{"MaxLifetime equal to Lifetime", core.Config{Lifetime: time.Hour, MaxLifetime: time.Hour}},
		{"MaxLifetime above Lifetime", core.Config{MaxLifetime: 30 * 24 * time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			newManager(t, tc.cfg) // fails the test on error
		})
	}
}

func TestDefaultCookieAttributes(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	resp := serve(m.Handler(setter), get("/?v=x"))
	c := sessionCookie(t, resp, "session")
	if !live(c) {
		t.Fatalf("Set-Cookie %q: want a session cookie named %q", resp.Header.Values("Set-Cookie"), core.DefaultCookieName)
	}
	if c.Path != "/" {
		t.Errorf("Path = %q; want /", c.Path)
	}
	if c.Domain != "" {
		t.Errorf("Domain = %q; want none (host-only)", c.Domain)
	}
	if !c.HttpOnly {
		t.Error("HttpOnly = false; want true")
	}
	if c.SameSite != http.SameSiteLaxMode {
		t.Errorf("SameSite = %v; want Lax", c.SameSite)
	}
	if c.Secure {
		t.Error("Secure = true over plain HTTP with SecureAuto; want false")
	}
	if c.Partitioned {
		t.Error("Partitioned = true; want false")
	}
	day := int(core.DefaultLifetime.Seconds())
	if c.MaxAge < day-5 || c.MaxAge > day {
		t.Errorf("Max-Age = %d; want about %d (24h)", c.MaxAge, day)
	}
	if d := time.Until(c.Expires); d < core.DefaultLifetime-time.Minute || d > core.DefaultLifetime+time.Second {
		t.Errorf("Expires in %v; want about 24h", d)
	}
}

func TestDefaultTouchInterval(t *testing.T) {
	t.Parallel()
	// A touch is due once the cookie's recorded touch time is one
	// TouchInterval old. The tests mint cookies with chosen touch times.
	tests := []struct {
		name      string
		cfg       core.Config
		age       time.Duration // of the cookie's touch time
		wantTouch bool
	}{
		{"default interval is one minute: 50s old", core.Config{IdleTimeout: time.Hour}, 50 * time.Second, false},
		{"default interval is one minute: 70s old", core.Config{IdleTimeout: time.Hour}, 70 * time.Second, true},
		{"capped at half the idle timeout: 25s old", core.Config{IdleTimeout: time.Minute}, 25 * time.Second, false},
		{"capped at half the idle timeout: 35s old", core.Config{IdleTimeout: time.Minute}, 35 * time.Second, true},
		{"configured interval: 5s old", core.Config{IdleTimeout: time.Hour, TouchInterval: 10 * time.Second}, 5 * time.Second, false},
		{"configured interval: 15s old", core.Config{IdleTimeout: time.Hour, TouchInterval: 10 * time.Second}, 15 * time.Second, true},
		{"configured interval capped: 25s old", core.Config{IdleTimeout: time.Minute, TouchInterval: 10 * time.Minute}, 25 * time.Second, false},
		{"configured interval capped: 35s old", core.Config{IdleTimeout: time.Minute, TouchInterval: 10 * time.Minute}, 35 * time.Second, true},
		{"no idle timeout, no touch", core.Config{}, 2 * time.Hour, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), tc.cfg)
			now := time.Now()
			ck, _ := storedSession(t, m, st, now.Add(-tc.age), now.Add(time.Minute))
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
				if v, err := keyK.Get(s), s.Err(); v != "v" || err != nil {
					t.Errorf("Get(k) = %q, %v; want v", v, err)
				}
			})), get("/", ck))
			if got := st.Calls("Touch") == 1; got != tc.wantTouch {
				t.Errorf("touched = %v (%d Touch calls); want %v", got, st.Calls("Touch"), tc.wantTouch)
			}
			if got := live(sessionCookie(t, resp, "session")); got != tc.wantTouch {
				t.Errorf("cookie re-sent = %v; want %v (with the touch)", got, tc.wantTouch)
			}
			if w := st.Writes(); w != 0 {
				t.Errorf("unmodified session cost %d Save/Patch calls; want 0", w)
			}
		})
	}
}
