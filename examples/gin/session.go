package main

import (
	"crypto/rand"
	"fmt"
	"log/slog"

	"github.com/sessionkit/sessionkit/core"
)

// The session keys the routes share, declared once so that every handler
// reads and writes them in one line, with the type checked by the
// compiler. The kv routes use keys chosen at run time instead
// (core.Key[string](name)) and may not use these (see checkKey).
var (
	viewsKey = core.Key[int]("views")    // the view count
	userKey  = core.Key[string]("user")  // the logged-in user's name
	flashKey = core.Key[string]("flash") // the message shown once
)

// Limits on what clients may store.
const (
	maxValueBytes  = 64 << 10 // the body of PUT /api/kv/{key}
	maxFieldBytes  = 256      // the form fields user and msg, and kv keys
	maxSessionKeys = 32       // keys of one session, those of the other routes included
)

// sessionLimits are the manager's core.Config.Limits: maxSessionKeys keys
// of at most 1 MiB in all, and a value as large as any body PUT
// /api/kv/{key} accepts can be once JSON-encoded, which writes a byte as
// up to six ("<" is \u003c). Beyond them a Set fails the request with a
// 500, and nothing already stored is lost.
var sessionLimits = core.Limits{ValueBytes: 6*maxValueBytes + 2, Keys: maxSessionKeys, SessionBytes: 1 << 20}

// newManager returns the session manager for cfg over store (nil: core's
// memory store), reporting its events to obs (nil: none; see metrics.go).
// Without secrets it generates a random one and logs a warning: sessions
// then end when the process does. The manager logs every session failure
// it reports, such as a failed load or commit, once to logger; the gin
// middleware then answers it through sessionFailed.
func newManager(cfg config, store core.Store, obs core.Observer, logger *slog.Logger) (*core.Manager, error) {
	secrets := cfg.secrets
	if len(secrets) == 0 {
		secrets = [][]byte{[]byte(rand.Text() + rand.Text())}
		logger.Warn("SESSION_SECRET is not set: using a random secret, so sessions will not survive a restart")
	}
	mgr, err := core.New(core.Config{
		Secrets:     secrets,
		Store:       store,
		IdleTimeout: cfg.idleTimeout,
		Lifetime:    cfg.lifetime,
		TrustProxy:  cfg.trustProxy,
		Cookie:      core.CookieConfig{Secure: cfg.secure},
		Limits:      sessionLimits,
		// Each login binds the session to its user (see routes.go), so a
		// user can list and revoke their sessions; with
		// SESSION_MAX_PER_USER a login past the cap signs out the user's
		// oldest session (the default OnLimit, EvictOldest).
		Owners:   core.OwnerConfig{MaxSessions: cfg.maxPerUser},
		Logger:   logger,
		Observer: obs,
	})
	if err != nil {
		return nil, fmt.Errorf("session settings (SESSION_SECRET, SESSION_IDLE_TIMEOUT, SESSION_LIFETIME, SESSION_MAX_PER_USER): %w", err)
	}
	return mgr, nil
}
