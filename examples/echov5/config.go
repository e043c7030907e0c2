package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Store names accepted in SESSION_STORE.
const (
	storeMemory   = "memory"
	storeRedis    = "redis"
	storePostgres = "postgres"
)

// Values SESSION_COMPAT accepts besides unset (native sessions only).
const (
	compatExpress        = "express"         // core.ExpressShare
	compatExpressMigrate = "express-migrate" // core.ExpressMigrate
)

// Defaults for the environment variables.
const (
	defaultAddr        = "localhost:8080"
	defaultRedisURL    = "redis://127.0.0.1:6379/0"
	defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
)

// secureModes are the values SESSION_SECURE accepts.
var secureModes = map[string]core.SecureMode{
	"auto":   core.SecureAuto,
	"always": core.SecureAlways,
	"never":  core.SecureNever,
}

// config is the app's configuration, read from the environment by
// loadConfig.
type config struct {
	addr        string // ADDR: the listen address
	store       string // SESSION_STORE: storeMemory, storeRedis or storePostgres
	redisURL    string // REDIS_URL, with storeRedis
	databaseURL string // DATABASE_URL, with storePostgres

	// secrets (SESSION_SECRET, comma-separated) sign the cookie: the first
	// signs, all verify. None means a random one (see newManager). With
	// SESSION_COMPAT they are the Express app's secrets, of any length,
	// and required.
	secrets [][]byte

	// compat (SESSION_COMPAT) is how the app deals with an express-session
	// app's sessions: core.ExpressOff (unset), core.ExpressShare
	// ("express") or core.ExpressMigrate ("express-migrate"). Either of
	// the last two needs the Redis or PostgreSQL store the Express app
	// keeps its sessions in.
	compat core.ExpressMode
	// expressCookie (SESSION_COOKIE_NAME, default connect.sid) is the
	// Express app's cookie name, with compat only.
	expressCookie string
	// nativeSecrets (SESSION_NATIVE_SECRET, comma-separated) sign the
	// native cookie of core.ExpressMigrate, as secrets do without compat.
	// None means a random one (see newManager).
	nativeSecrets [][]byte

	idleTimeout time.Duration // SESSION_IDLE_TIMEOUT; zero: none (and required so with core.ExpressShare)
	lifetime    time.Duration // SESSION_LIFETIME; zero: core's 24 hours (with core.ExpressShare, Express's cookie.maxAge)

	// trustProxy (SESSION_TRUST_PROXY) believes X-Forwarded-Proto: only
	// behind a proxy that sets it.
	trustProxy bool
	// secure (SESSION_SECURE) says when the cookie is Secure.
	secure core.SecureMode

	// metrics (SESSION_METRICS) serves the session metrics at GET
	// /metrics (see metrics.go).
	metrics bool

	// maxPerUser (SESSION_MAX_PER_USER) caps each user's live sessions
	// (core.OwnerConfig.MaxSessions): a login past it signs out the user's
	// oldest session. Zero: no cap.
	maxPerUser int
}

// loadConfig reads the configuration through getenv (os.Getenv in the
// app). A malformed value is an error naming the variable and the values
// it allows; secret lengths and the cookie name are checked by core.New,
// in newManager.
func loadConfig(getenv func(string) string) (config, error) {
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	cfg, err := loadSettings(env)
	if err != nil {
		return config{}, err
	}
	if err := loadCompat(&cfg, env); err != nil {
		return config{}, err
	}
	return cfg, nil
}

// loadSettings reads every setting but SESSION_COMPAT's (see loadCompat)
// through env, which returns a variable's value, or def when it is unset
// or blank.
func loadSettings(env func(name, def string) string) (config, error) {
	cfg := config{
		addr:        env("ADDR", defaultAddr),
		store:       env("SESSION_STORE", storeMemory),
		redisURL:    env("REDIS_URL", defaultRedisURL),
		databaseURL: env("DATABASE_URL", defaultDatabaseURL),
	}
	var err error
	switch cfg.store {
	case storeMemory, storeRedis, storePostgres:
	default:
		return config{}, fmt.Errorf("SESSION_STORE=%q: want %s, %s or %s", cfg.store, storeMemory, storeRedis, storePostgres)
	}
	if cfg.secrets, err = parseSecrets("SESSION_SECRET", env("SESSION_SECRET", "")); err != nil {
		return config{}, err
	}
	if cfg.idleTimeout, err = parseDuration("SESSION_IDLE_TIMEOUT", env("SESSION_IDLE_TIMEOUT", "0s")); err != nil {
		return config{}, err
	}
	if cfg.lifetime, err = parseDuration("SESSION_LIFETIME", env("SESSION_LIFETIME", "0s")); err != nil {
		return config{}, err
	}
	if cfg.trustProxy, err = parseBool("SESSION_TRUST_PROXY", env("SESSION_TRUST_PROXY", "false")); err != nil {
		return config{}, err
	}
	if cfg.metrics, err = parseBool("SESSION_METRICS", env("SESSION_METRICS", "false")); err != nil {
		return config{}, err
	}
	if cfg.maxPerUser, err = parseCount("SESSION_MAX_PER_USER", env("SESSION_MAX_PER_USER", "0")); err != nil {
		return config{}, err
	}
	secure := env("SESSION_SECURE", "auto")
	mode, ok := secureModes[secure]
	if !ok {
		return config{}, fmt.Errorf("SESSION_SECURE=%q: want auto, always or never", secure)
	}
	cfg.secure = mode
	return cfg, nil
}

// compatModes are the values SESSION_COMPAT accepts; unset is
// core.ExpressOff.
var compatModes = map[string]core.ExpressMode{
	compatExpress:        core.ExpressShare,
	compatExpressMigrate: core.ExpressMigrate,
}

// loadCompat reads SESSION_COMPAT through env, with the variables that
// only apply with it (SESSION_COOKIE_NAME, SESSION_NATIVE_SECRET), and
// checks what it requires of cfg's other settings: the Express app's
// secret in SESSION_SECRET, its Redis or PostgreSQL store, and with
// express no idle timeout, which Express does not have.
func loadCompat(cfg *config, env func(name, def string) string) error {
	name := env("SESSION_COMPAT", "")
	if name == "" {
		return nil
	}
	mode, ok := compatModes[name]
	if !ok {
		return fmt.Errorf("SESSION_COMPAT=%q: want %s or %s, or leave it unset for native sessions only", name, compatExpress, compatExpressMigrate)
	}
	switch {
	case cfg.store == storeMemory:
		return fmt.Errorf("SESSION_STORE=%s with SESSION_COMPAT=%s: want %s or %s, the store the Express app keeps its sessions in; a memory store holds none of them", cfg.store, name, storeRedis, storePostgres)
	case len(cfg.secrets) == 0:
		return fmt.Errorf("SESSION_SECRET is required with SESSION_COMPAT=%s: set it to the Express app's secret (comma-separated, as its secret option lists them); a random one could not read its cookies", name)
	case mode == core.ExpressShare && cfg.idleTimeout != 0:
		return fmt.Errorf("SESSION_IDLE_TIMEOUT=%q with SESSION_COMPAT=%s: want 0 or unset, since Express has no idle timeout (SESSION_LIFETIME, its cookie.maxAge, slides with each request)", env("SESSION_IDLE_TIMEOUT", ""), name)
	}
	cfg.compat, cfg.expressCookie = mode, env("SESSION_COOKIE_NAME", core.DefaultExpressCookieName)
	if mode != core.ExpressMigrate {
		return nil
	}
	var err error
	cfg.nativeSecrets, err = parseSecrets("SESSION_NATIVE_SECRET", env("SESSION_NATIVE_SECRET", ""))
	return err
}

// parseSecrets splits the variable name's value v at commas.
func parseSecrets(name, v string) ([][]byte, error) {
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	secrets := make([][]byte, len(parts))
	for i, s := range parts {
		if s = strings.TrimSpace(s); s == "" {
			return nil, fmt.Errorf("%s: secret %d of %d is empty", name, i+1, len(parts))
		}
		secrets[i] = []byte(s)
	}
	return secrets, nil
}

// parseBool parses the variable name's value v as strconv.ParseBool does:
// true or false, and also 1 or 0, t or f, and their capitalised forms.
func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want true or false", name, v)
	}
	return b, nil
}

// parseCount parses the variable name's value v as a whole number of zero
// or more.
func parseCount(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%s=%q: too large", name, v)
	case err != nil || n < 0 || strings.HasPrefix(v, "+"):
		return 0, fmt.Errorf("%s=%q: want a whole number of zero or more (0: no limit)", name, v)
	}
	return n, nil
}

// parseDuration parses the variable name's value v as a Go duration of
// zero or more.
func parseDuration(name, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s=%q: want a Go duration of zero or more, such as 30m or 12h", name, v)
	}
	return d, nil
}
