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

// newManager returns the session manager for cfg over st, reporting its
// events to obs (nil: none; see metrics.go). Without secrets it generates
// a random one and logs a warning: sessions then end when the process
// does (configureCompat says which secrets SESSION_COMPAT takes). The
// manager logs every session failure it reports, such as a failed load
// or commit, once to logger; the Echo middleware then returns it as a 500
// *echo.HTTPError, which errorHandler answers.
func newManager(cfg config, st stores, obs core.Observer, logger *slog.Logger) (*core.Manager, error) {
	mc := core.Config{
		Store:       st.sessions, // nil: core's memory store
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
	}
	vars := configureCompat(&mc, cfg, st, logger)
	mgr, err := core.New(mc)
	if err != nil {
		return nil, fmt.Errorf("session settings (%s): %w", vars, err)
	}
	return mgr, nil
}

// configureCompat sets mc's secrets and, with SESSION_COMPAT, its Express
// side, and returns the variables a core.New error can be about. With
// express the cookie, its secrets and the store are the Express app's
// (mc.Store moves to mc.Express.Store); with express-migrate the native
// sessions have their own secrets, SESSION_NATIVE_SECRET, and core's
// default cookie name, and Express's sessions move to them.
func configureCompat(mc *core.Config, cfg config, st stores, logger *slog.Logger) string {
	x := core.Express{Mode: cfg.compat, Secrets: cfg.secrets, CookieName: cfg.expressCookie, Store: st.express}
	switch cfg.compat {
	case core.ExpressShare:
		x.Store, mc.Store = st.sessions, nil
		mc.Express = x
		return "SESSION_COMPAT, SESSION_SECRET, SESSION_COOKIE_NAME, SESSION_IDLE_TIMEOUT, SESSION_LIFETIME, SESSION_MAX_PER_USER"
	case core.ExpressMigrate:
		mc.Secrets = secretsOrRandom(cfg.nativeSecrets, "SESSION_NATIVE_SECRET", logger)
		mc.Express = x
		return "SESSION_COMPAT, SESSION_NATIVE_SECRET, SESSION_SECRET, SESSION_COOKIE_NAME, SESSION_IDLE_TIMEOUT, SESSION_LIFETIME, SESSION_MAX_PER_USER"
	}
	mc.Secrets = secretsOrRandom(cfg.secrets, "SESSION_SECRET", logger)
	return "SESSION_SECRET, SESSION_IDLE_TIMEOUT, SESSION_LIFETIME, SESSION_MAX_PER_USER"
}

// secretsOrRandom returns secrets, or when there are none a random one,
// with a warning naming the variable that was not set.
func secretsOrRandom(secrets [][]byte, name string, logger *slog.Logger) [][]byte {
	if len(secrets) > 0 {
		return secrets
	}
	logger.Warn(name + " is not set: using a random secret, so sessions will not survive a restart")
	return [][]byte{[]byte(rand.Text() + rand.Text())}
}
