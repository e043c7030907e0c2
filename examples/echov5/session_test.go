package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

func TestNewManagerRejectsShortSecret(t *testing.T) {
	t.Parallel()
	_, err := newManager(config{secrets: [][]byte{[]byte("too short")}}, nil, nil, slog.New(slog.DiscardHandler))
	if !errors.Is(err, core.ErrInvalidConfig) || !strings.Contains(err.Error(), "SESSION_SECRET") || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("newManager(9-byte secret) error = %v; want ErrInvalidConfig naming SESSION_SECRET and the 32-byte minimum", err)
	}
}

func TestNewManagerGeneratesSecretWithWarning(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	mgr, err := newManager(config{}, nil, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("newManager(no secret) error = %v", err)
	}
	defer mgr.Close()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "will not survive a restart") {
		t.Errorf("newManager(no secret) logged %q; want a warning that sessions will not survive a restart", logs.String())
	}
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
