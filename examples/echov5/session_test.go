package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestNewManagerRejectsShortSecret(t *testing.T) {
	t.Parallel()
	_, err := newManager(config{secrets: [][]byte{[]byte("too short")}}, stores{}, nil, slog.New(slog.DiscardHandler))
	if !errors.Is(err, core.ErrInvalidConfig) || !strings.Contains(err.Error(), "SESSION_SECRET") || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("newManager(9-byte secret) error = %v; want ErrInvalidConfig naming SESSION_SECRET and the 32-byte minimum", err)
	}
}

func TestNewManagerGeneratesSecretWithWarning(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	mgr, err := newManager(config{}, stores{}, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("newManager(no secret) error = %v", err)
	}
	defer mgr.Close()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "will not survive a restart") {
		t.Errorf("newManager(no secret) logged %q; want a warning that sessions will not survive a restart", logs.String())
	}
}

// With SESSION_COMPAT the manager takes the Express app's secrets as they
// are, short ones with core's warning, generates a native one for
// express-migrate with the app's warning, and its errors name the
// variables to fix. Memory stores stand in for the Express app's: core
// reads and writes any store in Express's layout.
func TestNewManagerCompatSettings(t *testing.T) {
	t.Parallel()
	short := [][]byte{[]byte("keyboard cat")}
	tests := []struct {
		name     string
		cfg      config
		wantLog  string   // what a warning must say; "" for no warning
		wantErrs []string // what the error must say; nil for none
	}{
		{
			name:    "express with a short secret",
			cfg:     config{compat: core.ExpressShare, secrets: short, expressCookie: core.DefaultExpressCookieName},
			wantLog: "shorter than 32 bytes",
		},
		{
			name:    "express-migrate without a native secret",
			cfg:     config{compat: core.ExpressMigrate, secrets: short, expressCookie: core.DefaultExpressCookieName},
			wantLog: "SESSION_NATIVE_SECRET is not set",
		},
		{
			name:     "express-migrate with a short native secret",
			cfg:      config{compat: core.ExpressMigrate, secrets: short, expressCookie: core.DefaultExpressCookieName, nativeSecrets: short},
			wantErrs: []string{"SESSION_NATIVE_SECRET", "at least 32"},
		},
		{
			name:     "express-migrate with Express's cookie named as the native one",
			cfg:      config{compat: core.ExpressMigrate, secrets: short, expressCookie: core.DefaultCookieName, nativeSecrets: testSecrets},
			wantErrs: []string{"SESSION_COOKIE_NAME", "needs a name of its own"},
		},
		{
			name:     "express with a bad cookie name",
			cfg:      config{compat: core.ExpressShare, secrets: short, expressCookie: "connect sid"},
			wantErrs: []string{"SESSION_COOKIE_NAME", "not a valid cookie name"},
		},
		{
			name:     "express with an idle timeout",
			cfg:      config{compat: core.ExpressShare, secrets: short, expressCookie: core.DefaultExpressCookieName, idleTimeout: time.Minute},
			wantErrs: []string{"SESSION_IDLE_TIMEOUT", "IdleTimeout must be zero"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := stores{sessions: newMemoryStore(t)}
			if tt.cfg.compat == core.ExpressMigrate {
				st.express = newMemoryStore(t)
			}
			var logs bytes.Buffer
			mgr, err := newManager(tt.cfg, st, nil, slog.New(slog.NewTextHandler(&logs, nil)))
			if tt.wantErrs != nil {
				if err == nil {
					mgr.Close()
					t.Fatalf("newManager(%+v) error = nil; want one saying %q", tt.cfg, tt.wantErrs)
				}
				for _, want := range tt.wantErrs {
					if !errors.Is(err, core.ErrInvalidConfig) || !strings.Contains(err.Error(), want) {
						t.Errorf("newManager(%+v) error = %v; want ErrInvalidConfig saying %q", tt.cfg, err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("newManager(%+v) error = %v", tt.cfg, err)
			}
			defer mgr.Close()
			if mgr.Store() != st.sessions {
				t.Errorf("newManager(%+v).Store() = %v; want the stores' sessions %v", tt.cfg, mgr.Store(), st.sessions)
			}
			if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, tt.wantLog) {
				t.Errorf("newManager(%+v) logged %q; want a warning saying %q", tt.cfg, got, tt.wantLog)
			}
		})
	}
}

func newMemoryStore(t *testing.T) *core.MemoryStore {
	t.Helper()
	mem := core.NewMemoryStore(core.MemoryStoreOptions{})
	t.Cleanup(func() { mem.Close() })
	return mem
}

// Every value readValue accepts fits sessionLimits however JSON escapes
// it, so a PUT within maxValueBytes is never refused for its encoding.
func TestSessionLimitsFitEveryAcceptedValue(t *testing.T) {
	t.Parallel()
	for _, unit := range []string{"a", "<", "\x01", "\n", "\u2028", "é"} {
		v := strings.Repeat(unit, maxValueBytes/len(unit))
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > sessionLimits.ValueBytes || len(b) > sessionLimits.SessionBytes {
			t.Errorf("%d bytes of %q encode to %d bytes; want at most Limits.ValueBytes %d and SessionBytes %d",
				len(v), unit, len(b), sessionLimits.ValueBytes, sessionLimits.SessionBytes)
		}
	}
}
