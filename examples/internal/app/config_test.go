package app

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	defaults := Config{Addr: DefaultAddr, Store: StoreMemory, RedisURL: DefaultRedisURL, DatabaseURL: DefaultDatabaseURL}
	with := func(f func(*Config)) Config {
		c := defaults
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{name: "defaults", env: nil, want: defaults},
		{name: "blank values mean defaults", env: map[string]string{"ADDR": " ", "SESSION_STORE": ""}, want: defaults},
		{
			name: "everything set",
			env: map[string]string{
				"ADDR": ":9000", "SESSION_STORE": "postgres", "REDIS_URL": "redis://r:1/2", "DATABASE_URL": "postgres://db/x",
				"SESSION_SECRET": "first, second", "SESSION_IDLE_TIMEOUT": "30m", "SESSION_LIFETIME": "12h",
			},
			want: Config{
				Addr: ":9000", Store: StorePostgres, RedisURL: "redis://r:1/2", DatabaseURL: "postgres://db/x",
				Secrets: [][]byte{[]byte("first"), []byte("second")}, IdleTimeout: 30 * time.Minute, Lifetime: 12 * time.Hour,
			},
		},
		{name: "redis", env: map[string]string{"SESSION_STORE": "redis"}, want: with(func(c *Config) { c.Store = StoreRedis })},
		{name: "unknown store", env: map[string]string{"SESSION_STORE": "mongo"}, wantErr: `SESSION_STORE="mongo"`},
		{name: "empty secret in list", env: map[string]string{"SESSION_SECRET": "a,,b"}, wantErr: "SESSION_SECRET: secret 2 is empty"},
		{name: "bad idle timeout", env: map[string]string{"SESSION_IDLE_TIMEOUT": "10"}, wantErr: `SESSION_IDLE_TIMEOUT="10"`},
		{name: "negative lifetime", env: map[string]string{"SESSION_LIFETIME": "-1h"}, wantErr: `SESSION_LIFETIME="-1h"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := LoadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("LoadConfig(%v) error = %v; want one containing %q", tt.env, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadConfig(%v) error = %v", tt.env, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LoadConfig(%v) = %+v; want %+v", tt.env, got, tt.want)
			}
		})
	}
}
