package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/pgstore"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// connectTimeout bounds the start-up checks against Redis and PostgreSQL,
// so a wrong URL fails fast with a clear error instead of at the first
// request.
const connectTimeout = 10 * time.Second

// openStore returns the store cfg.store selects and a function that
// releases it. The memory store is created here rather than left to
// core.New, so that the metrics (metrics.go) can count its sessions too.
// Redis is pinged and the PostgreSQL table is created (CreateTable is
// idempotent), so an unreachable service is reported here, at start.
func openStore(ctx context.Context, cfg config, logger *slog.Logger) (core.Store, func(), error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	switch cfg.store {
	case storeRedis:
		return openRedis(ctx, cfg.redisURL)
	case storePostgres:
		return openPostgres(ctx, cfg.databaseURL, logger)
	}
	mem := core.NewMemoryStore(core.MemoryStoreOptions{})
	return mem, func() { mem.Close() }, nil
}

func openRedis(ctx context.Context, url string) (core.Store, func(), error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opts.ContextTimeoutEnabled = true // so store calls honour StoreTimeout
	client := redis.NewClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, nil, fmt.Errorf("redis at %s: %w (is it running? set REDIS_URL)", opts.Addr, err)
	}
	st, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		client.Close()
		return nil, nil, fmt.Errorf("redis store: %w", err)
	}
	return st, func() { client.Close() }, nil
}

func openPostgres(ctx context.Context, url string, logger *slog.Logger) (core.Store, func(), error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	st, err := pgstore.New(pool, pgstore.Options{Logger: logger})
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("postgres store: %w", err)
	}
	release := func() {
		st.Close()
		pool.Close()
	}
	if err := st.CreateTable(ctx); err != nil {
		release()
		return nil, nil, fmt.Errorf("postgres at %s: create table: %w (is it running? set DATABASE_URL)", pool.Config().ConnConfig.Host, err)
	}
	return st, release, nil
}
