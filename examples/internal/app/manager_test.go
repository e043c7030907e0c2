package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

func TestNewManagerRejectsShortSecret(t *testing.T) {
	t.Parallel()
	_, err := NewManager(Config{Secrets: [][]byte{[]byte("too short")}}, nil, slog.New(slog.DiscardHandler))
	if !errors.Is(err, core.ErrInvalidConfig) || !strings.Contains(err.Error(), "SESSION_SECRET") || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("NewManager(9-byte secret) error = %v; want ErrInvalidConfig naming SESSION_SECRET and the 32-byte minimum", err)
	}
}

func TestOpenGeneratesSecretWithWarning(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	mgr, release, err := Open(context.Background(), Config{Store: StoreMemory}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatalf("Open(no secret) error = %v", err)
	}
	defer release()
	if _, ok := mgr.Store().(*core.MemoryStore); !ok {
		t.Errorf("Open(memory).Store() = %T; want *core.MemoryStore", mgr.Store())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "will not survive a restart") {
		t.Errorf("Open(no secret) logged %q; want a warning that sessions will not survive a restart", logs.String())
	}
}
