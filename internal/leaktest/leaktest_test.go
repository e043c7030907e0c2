package leaktest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

func memoryBackend(t *testing.T) Backend {
	live := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	t.Cleanup(func() { live.Close() })
	return Backend{Name: "memory", Live: live, Broken: Failing{}, FailureText: FailureText}
}

// TestNoLeaksMemoryStore runs every scenario on the memory store under
// every adapter.
func TestNoLeaksMemoryStore(t *testing.T) {
	Run(t, memoryBackend(t))
}

// Leaky apps, each making one mistake the checks must catch.
var leaky = []struct {
	name string
	app  App
	tr   Transport
	// scenario is the one that shows the mistake; want is text one of
	// its findings must hold.
	scenario, want string
}{
	{
		name: "error text in the body",
		app: App{Name: "nethttp", New: netHTTPApp, ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}},
		scenario: "LoadFails", want: "body",
	},
	{
		name: "cookie in the framework log",
		app: App{Name: "nethttp", New: func(m *core.Manager, logs *Logs) http.Handler {
			h := netHTTPApp(m, logs)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(logs, "%s %s cookie=%q token=%q\n", r.Method, r.URL.Path, r.Header.Get("Cookie"), r.Header.Get(TokenHeader))
				h.ServeHTTP(w, r)
			})
		}},
		scenario: "Healthy", want: "framework log line",
	},
	{
		name: "session ID in a log record",
		app: App{Name: "nethttp", New: func(m *core.Manager, logs *Logs) http.Handler {
			h := netHTTPApp(m, logs)
			return m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				logs.Logger().Info("request", "session", core.FromRequest(r).ID())
				h.ServeHTTP(w, r)
			}))
		}},
		scenario: "Healthy", want: "log record",
	},
	{
		name: "token copied into another header",
		app: App{Name: "nethttp", New: func(m *core.Manager, logs *Logs) http.Handler {
			h := netHTTPApp(m, logs)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c, err := r.Cookie(core.DefaultCookieName); err == nil {
					w.Header().Set("X-Debug", c.Value)
				}
				h.ServeHTTP(w, r)
			})
		}},
		scenario: "Healthy", want: "header X-Debug",
	},
	{
		name: "token header for a script beside the cookie",
		app: App{Name: "nethttp", New: func(m *core.Manager, logs *Logs) http.Handler {
			h := netHTTPApp(m, logs)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c, err := r.Cookie(core.DefaultCookieName); err == nil && r.Header[TokenHeader] != nil {
					w.Header().Set(TokenHeader, c.Value)
				}
				h.ServeHTTP(w, r)
			})
		}},
		tr: Script, scenario: "Healthy", want: "script client that carried the cookie",
	},
}

// TestChecksCatchLeaks shows the checks are not vacuous: each leaky app
// must be caught, with the finding naming where it leaked.
func TestChecksCatchLeaks(t *testing.T) {
	t.Parallel()
	for _, tc := range leaky {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var sc scenario
			for _, s := range scenarios {
				if s.name == tc.scenario {
					sc = s
				}
			}
			findings := runScenario(memoryBackend(t), tc.app, tc.tr, sc)
			for _, f := range findings {
				if strings.Contains(f, tc.want) {
					return
				}
			}
			t.Errorf("%s: findings %q; want one about the %s", tc.scenario, findings, tc.want)
		})
	}
}

// TestScenariosFailForReal shows that a failure scenario notices when the
// failure never reached the store: with a broken store that works, every
// failing scenario must report something.
func TestScenariosFailForReal(t *testing.T) {
	t.Parallel()
	b := memoryBackend(t)
	b.Broken = b.Live // "broken", yet healthy
	for _, sc := range scenarios {
		if sc.fail == 0 {
			continue
		}
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			if findings := runScenario(b, Apps[0], Cookies, sc); len(findings) == 0 {
				t.Errorf("%s with a working store: no findings; want the missing failure reported", sc.name)
			}
		})
	}
}
