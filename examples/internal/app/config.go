package app

import (
	"fmt"
	"strings"
	"time"
)

// Store names accepted in SESSION_STORE.
const (
	StoreMemory   = "memory"
	StoreRedis    = "redis"
	StorePostgres = "postgres"
)

// Defaults for the environment variables.
const (
	DefaultAddr        = "localhost:8080"
	DefaultRedisURL    = "redis://127.0.0.1:6379/0"
	DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
)

// Config is the examples' configuration, read from the environment by
// LoadConfig.
type Config struct {
	// Addr is the listen address (ADDR). The default is DefaultAddr.
	Addr string

	// Store selects the session store (SESSION_STORE): StoreMemory, the
	// default, StoreRedis or StorePostgres.
	Store string

	// RedisURL (REDIS_URL) is used with StoreRedis. The default is
	// DefaultRedisURL.
	RedisURL string

	// DatabaseURL (DATABASE_URL) is used with StorePostgres. The default is
	// DefaultDatabaseURL.
	DatabaseURL string

	// Secrets (SESSION_SECRET, comma-separated) sign the session cookie;
	// the first signs and all verify. Empty means Open generates a random
	// secret, so sessions do not survive a restart.
	Secrets [][]byte

	// IdleTimeout (SESSION_IDLE_TIMEOUT) and Lifetime (SESSION_LIFETIME)
	// are Go durations passed to core.Config; zero keeps core's defaults
	// (no idle timeout, 24 hours).
	IdleTimeout time.Duration
	Lifetime    time.Duration
}

// LoadConfig reads the configuration through getenv (os.Getenv in
// programs). Malformed values return an error naming the variable. Secret
// lengths are checked by core.New, in NewManager.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	cfg := Config{
		Addr:        get("ADDR", DefaultAddr),
		Store:       get("SESSION_STORE", StoreMemory),
		RedisURL:    get("REDIS_URL", DefaultRedisURL),
		DatabaseURL: get("DATABASE_URL", DefaultDatabaseURL),
	}
	switch cfg.Store {
	case StoreMemory, StoreRedis, StorePostgres:
	default:
		return Config{}, fmt.Errorf("SESSION_STORE=%q: want %s, %s or %s", cfg.Store, StoreMemory, StoreRedis, StorePostgres)
	}
	if v := get("SESSION_SECRET", ""); v != "" {
		for i, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				return Config{}, fmt.Errorf("SESSION_SECRET: secret %d is empty", i+1)
			}
			cfg.Secrets = append(cfg.Secrets, []byte(s))
		}
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{
		{"SESSION_IDLE_TIMEOUT", &cfg.IdleTimeout},
		{"SESSION_LIFETIME", &cfg.Lifetime},
	} {
		v := get(d.name, "")
		if v == "" {
			continue
		}
		dur, err := time.ParseDuration(v)
		if err != nil || dur < 0 {
			return Config{}, fmt.Errorf("%s=%q: want a Go duration such as 30m or 12h", d.name, v)
		}
		*d.dst = dur
	}
	return cfg, nil
}
