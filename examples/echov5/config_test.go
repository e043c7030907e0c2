package main

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	defaults := config{addr: defaultAddr, store: storeMemory, redisURL: defaultRedisURL, databaseURL: defaultDatabaseURL, secure: core.SecureAuto}
	with := func(f func(*config)) config {
		c := defaults
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    config
		wantErr string // what the error must say; "" for none
	}{
		{name: "defaults", env: nil, want: defaults},
		{name: "blank values mean defaults", env: map[string]string{"ADDR": " ", "SESSION_STORE": "", "SESSION_SECURE": " "}, want: defaults},
		{
			name: "everything set",
			env: map[string]string{
				"ADDR": ":9000", "SESSION_STORE": "postgres", "REDIS_URL": "redis://r:1/2", "DATABASE_URL": "postgres://db/x",
				"SESSION_SECRET": "first, second", "SESSION_IDLE_TIMEOUT": "30m", "SESSION_LIFETIME": "12h",
				"SESSION_TRUST_PROXY": "true", "SESSION_SECURE": "always", "SESSION_METRICS": "true",
				"SESSION_MAX_PER_USER": "5",
			},
			want: config{
				addr: ":9000", store: storePostgres, redisURL: "redis://r:1/2", databaseURL: "postgres://db/x",
				secrets: [][]byte{[]byte("first"), []byte("second")}, idleTimeout: 30 * time.Minute, lifetime: 12 * time.Hour,
				trustProxy: true, secure: core.SecureAlways, metrics: true, maxPerUser: 5,
			},
		},
		{name: "redis", env: map[string]string{"SESSION_STORE": "redis"}, want: with(func(c *config) { c.store = storeRedis })},
		{name: "memory", env: map[string]string{"SESSION_STORE": "memory"}, want: defaults},
		{name: "zero durations", env: map[string]string{"SESSION_IDLE_TIMEOUT": "0", "SESSION_LIFETIME": "0s"}, want: defaults},
		{name: "secure auto", env: map[string]string{"SESSION_SECURE": "auto"}, want: defaults},
		{name: "secure never", env: map[string]string{"SESSION_SECURE": "never"}, want: with(func(c *config) { c.secure = core.SecureNever })},
		{name: "trust proxy false", env: map[string]string{"SESSION_TRUST_PROXY": "false"}, want: defaults},
		{name: "trust proxy 1", env: map[string]string{"SESSION_TRUST_PROXY": "1"}, want: with(func(c *config) { c.trustProxy = true })},
		{name: "metrics 1", env: map[string]string{"SESSION_METRICS": "1"}, want: with(func(c *config) { c.metrics = true })},
		{name: "metrics false", env: map[string]string{"SESSION_METRICS": "false"}, want: defaults},
		{name: "max per user 0", env: map[string]string{"SESSION_MAX_PER_USER": "0"}, want: defaults},
		{name: "max per user 1", env: map[string]string{"SESSION_MAX_PER_USER": " 1 "}, want: with(func(c *config) { c.maxPerUser = 1 })},
		{name: "negative max per user", env: map[string]string{"SESSION_MAX_PER_USER": "-1"}, wantErr: `SESSION_MAX_PER_USER="-1": want a whole number of zero or more`},
		{name: "max per user not a number", env: map[string]string{"SESSION_MAX_PER_USER": "two"}, wantErr: `SESSION_MAX_PER_USER="two": want a whole number of zero or more`},
		{name: "max per user with a sign", env: map[string]string{"SESSION_MAX_PER_USER": "+3"}, wantErr: `SESSION_MAX_PER_USER="+3": want a whole number of zero or more`},
		{name: "max per user too large", env: map[string]string{"SESSION_MAX_PER_USER": "99999999999999999999"}, wantErr: `SESSION_MAX_PER_USER="99999999999999999999": too large`},
		{name: "max per user fraction", env: map[string]string{"SESSION_MAX_PER_USER": "1.5"}, wantErr: `SESSION_MAX_PER_USER="1.5"`},
		{name: "blank compat means native", env: map[string]string{"SESSION_COMPAT": " "}, want: defaults},
		{
			name: "native ignores the compat-only variables",
			env:  map[string]string{"SESSION_COOKIE_NAME": "app.sid", "SESSION_NATIVE_SECRET": "n"},
			want: defaults,
		},
		{
			name: "express on redis",
			env:  map[string]string{"SESSION_COMPAT": "express", "SESSION_STORE": "redis", "SESSION_SECRET": "keyboard cat"},
			want: with(func(c *config) {
				c.compat, c.store, c.secrets, c.expressCookie = core.ExpressShare, storeRedis, [][]byte{[]byte("keyboard cat")}, "connect.sid"
			}),
		},
		{
			name: "express on postgres, every compat variable",
			env: map[string]string{
				"SESSION_COMPAT": "express", "SESSION_STORE": "postgres", "SESSION_SECRET": "new, old",
				"SESSION_COOKIE_NAME": "app.sid", "SESSION_LIFETIME": "2h", "SESSION_IDLE_TIMEOUT": "0",
				"SESSION_NATIVE_SECRET": "unused",
			},
			want: with(func(c *config) {
				c.compat, c.store, c.secrets, c.expressCookie = core.ExpressShare, storePostgres, [][]byte{[]byte("new"), []byte("old")}, "app.sid"
				c.lifetime = 2 * time.Hour
			}),
		},
		{
			name: "express-migrate without a native secret",
			env:  map[string]string{"SESSION_COMPAT": "express-migrate", "SESSION_STORE": "redis", "SESSION_SECRET": "s"},
			want: with(func(c *config) {
				c.compat, c.store, c.secrets, c.expressCookie = core.ExpressMigrate, storeRedis, [][]byte{[]byte("s")}, "connect.sid"
			}),
		},
		{
			name: "express-migrate, every compat variable",
			env: map[string]string{
				"SESSION_COMPAT": "express-migrate", "SESSION_STORE": "postgres", "SESSION_SECRET": "keyboard cat",
				"SESSION_COOKIE_NAME": "app.sid", "SESSION_NATIVE_SECRET": "first, second", "SESSION_IDLE_TIMEOUT": "30m",
			},
			want: with(func(c *config) {
				c.compat, c.store, c.secrets, c.expressCookie = core.ExpressMigrate, storePostgres, [][]byte{[]byte("keyboard cat")}, "app.sid"
				c.nativeSecrets, c.idleTimeout = [][]byte{[]byte("first"), []byte("second")}, 30*time.Minute
			}),
		},
		{name: "unknown compat", env: map[string]string{"SESSION_COMPAT": "connect"}, wantErr: `SESSION_COMPAT="connect": want express or express-migrate, or leave it unset`},
		{name: "compat is lower case", env: map[string]string{"SESSION_COMPAT": "Express"}, wantErr: `SESSION_COMPAT="Express": want express or express-migrate`},
		{name: "native is not a compat value", env: map[string]string{"SESSION_COMPAT": "native"}, wantErr: `SESSION_COMPAT="native"`},
		{
			name:    "express on the default memory store",
			env:     map[string]string{"SESSION_COMPAT": "express", "SESSION_SECRET": "s"},
			wantErr: "SESSION_STORE=memory with SESSION_COMPAT=express: want redis or postgres, the store the Express app keeps its sessions in",
		},
		{
			name:    "express-migrate on memory",
			env:     map[string]string{"SESSION_COMPAT": "express-migrate", "SESSION_STORE": "memory", "SESSION_SECRET": "s"},
			wantErr: "SESSION_STORE=memory with SESSION_COMPAT=express-migrate: want redis or postgres",
		},
		{
			name:    "express without a secret",
			env:     map[string]string{"SESSION_COMPAT": "express", "SESSION_STORE": "redis"},
			wantErr: "SESSION_SECRET is required with SESSION_COMPAT=express: set it to the Express app's secret",
		},
		{
			name:    "express-migrate without a secret",
			env:     map[string]string{"SESSION_COMPAT": "express-migrate", "SESSION_STORE": "postgres", "SESSION_NATIVE_SECRET": "n"},
			wantErr: "SESSION_SECRET is required with SESSION_COMPAT=express-migrate",
		},
		{
			name:    "express with an idle timeout",
			env:     map[string]string{"SESSION_COMPAT": "express", "SESSION_STORE": "redis", "SESSION_SECRET": "s", "SESSION_IDLE_TIMEOUT": "30m"},
			wantErr: `SESSION_IDLE_TIMEOUT="30m" with SESSION_COMPAT=express: want 0 or unset`,
		},
		{
			name:    "express with an empty secret in the list",
			env:     map[string]string{"SESSION_COMPAT": "express", "SESSION_STORE": "redis", "SESSION_SECRET": "a,"},
			wantErr: "SESSION_SECRET: secret 2 of 2 is empty",
		},
		{
			name:    "express-migrate with an empty native secret",
			env:     map[string]string{"SESSION_COMPAT": "express-migrate", "SESSION_STORE": "redis", "SESSION_SECRET": "s", "SESSION_NATIVE_SECRET": ",b"},
			wantErr: "SESSION_NATIVE_SECRET: secret 1 of 2 is empty",
		},
		{name: "unknown store", env: map[string]string{"SESSION_STORE": "mongo"}, wantErr: `SESSION_STORE="mongo": want memory, redis or postgres`},
		{name: "empty secret in list", env: map[string]string{"SESSION_SECRET": "a,,b"}, wantErr: "SESSION_SECRET: secret 2 of 3 is empty"},
		{name: "bad idle timeout", env: map[string]string{"SESSION_IDLE_TIMEOUT": "10"}, wantErr: `SESSION_IDLE_TIMEOUT="10": want a Go duration`},
		{name: "negative lifetime", env: map[string]string{"SESSION_LIFETIME": "-1h"}, wantErr: `SESSION_LIFETIME="-1h": want a Go duration`},
		{name: "bad trust proxy", env: map[string]string{"SESSION_TRUST_PROXY": "yes"}, wantErr: `SESSION_TRUST_PROXY="yes": want true or false`},
		{name: "bad metrics", env: map[string]string{"SESSION_METRICS": "on"}, wantErr: `SESSION_METRICS="on": want true or false`},
		{name: "unknown secure mode", env: map[string]string{"SESSION_SECURE": "https"}, wantErr: `SESSION_SECURE="https": want auto, always or never`},
		{name: "secure mode is lower case", env: map[string]string{"SESSION_SECURE": "Always"}, wantErr: `SESSION_SECURE="Always"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := loadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("loadConfig(%v) error = %v; want one containing %q", tt.env, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("loadConfig(%v) error = %v", tt.env, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("loadConfig(%v) = %+v; want %+v", tt.env, got, tt.want)
			}
		})
	}
}
