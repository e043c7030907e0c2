// Package testenv connects tests to the real services they need and decides
// what a missing service means: a skip with instructions locally, a failure
// under CI=true.
package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"testing"
	"time"
)

// Defaults for the service variables.
const (
	DefaultRedisURL    = "redis://127.0.0.1:6379/0"
	DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	DefaultMariaDBDSN  = "root@tcp(127.0.0.1:3306)/test?parseTime=true"
)

// Env returns the variable's value, or def when it is unset or empty.
func Env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// RedisURL returns REDIS_URL (default DefaultRedisURL) once the server
// accepts TCP connections.
func RedisURL(t testing.TB) string {
	t.Helper()
	u := Env("REDIS_URL", DefaultRedisURL)
	Require(t, "Redis", "REDIS_URL", u, dial(u))
	return u
}

// DatabaseURL returns DATABASE_URL (default DefaultDatabaseURL) once the
// PostgreSQL server accepts TCP connections.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	u := Env("DATABASE_URL", DefaultDatabaseURL)
	Require(t, "PostgreSQL", "DATABASE_URL", u, dial(u))
	return u
}

// MariaDBDSN returns MARIADB_DSN (a go-sql-driver/mysql DSN, default
// DefaultMariaDBDSN) once the server answers a ping. The driver must be
// registered under "mysql" by the caller's imports.
func MariaDBDSN(t testing.TB) string {
	t.Helper()
	dsn := Env("MARIADB_DSN", DefaultMariaDBDSN)
	var err error
	db, err := sql.Open("mysql", dsn)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err = db.PingContext(ctx)
		cancel()
		db.Close()
	}
	Require(t, "MariaDB", "MARIADB_DSN", dsn, err)
	return dsn
}

// Require skips t when err is non-nil, or fails it under CI=true. The
// message names service, the variable that locates it and its value (with
// any password masked), and how to start it. A package whose TestMain
// calls Main also reports each skipping service once at the end, where go
// test without -v shows it.
func Require(t testing.TB, service, variable, value string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	a := absence{service: service, variable: variable, value: redact(value), err: err.Error()}
	msg := fmt.Sprintf("%s unavailable at %s (%s): %s or set %s; .ci/run starts it", service, a.value, a.err, a.remedy(), variable)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	absences.note(a)
	t.Skip(msg)
}

func dial(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	host := u.Host
	if u.Port() == "" {
		switch u.Scheme {
		case "redis", "rediss":
			host = net.JoinHostPort(u.Hostname(), "6379")
		default:
			host = net.JoinHostPort(u.Hostname(), "5432")
		}
	}
	c, err := net.DialTimeout("tcp", host, 2*time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}
