package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/sessionkit/sessionkit/core"
)

// NewManager returns the examples' session manager for cfg and store (nil
// means core's memory store), with SessionLimits. The manager logs every
// session failure it reports, such as a failed load or commit, once to
// logger; its error handler then answers with a generic JSON 500, like the
// API's own errors, and logs nothing more.
func NewManager(cfg Config, store core.Store, logger *slog.Logger) (*core.Manager, error) {
	mgr, err := core.New(core.Config{
		Secrets:     cfg.Secrets,
		Store:       store,
		IdleTimeout: cfg.IdleTimeout,
		Lifetime:    cfg.Lifetime,
		Limits:      SessionLimits,
		Logger:      logger,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if !errors.Is(err, core.ErrHeadersSent) {
				WriteInternalError(w)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("session manager (check SESSION_SECRET, SESSION_IDLE_TIMEOUT and SESSION_LIFETIME): %w", err)
	}
	return mgr, nil
}

// Open returns the manager for cfg, with its store, and a function that
// closes both. Without secrets it generates a random one and logs a
// warning: sessions then end when the process does.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*core.Manager, func(), error) {
	if len(cfg.Secrets) == 0 {
		cfg.Secrets = [][]byte{[]byte(rand.Text() + rand.Text())}
		logger.Warn("SESSION_SECRET is not set: using a random secret, so sessions will not survive a restart")
	}
	store, release, err := OpenStore(ctx, cfg, logger)
	if err != nil {
		return nil, nil, err
	}
	mgr, err := NewManager(cfg, store, logger)
	if err != nil {
		release()
		return nil, nil, err
	}
	return mgr, func() {
		mgr.Close()
		release()
	}, nil
}
