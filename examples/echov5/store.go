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

// The Express stores' defaults, which the app keeps: connect-redis's key
// prefix and connect-pg-simple's table. Like the native table, it is
// found through the connection's search_path, which DATABASE_URL can set
// (?search_path=..., or options=-c search_path=...).
const (
	expressRedisPrefix = "sess:"
	expressPgTable     = "session"
)

// stores are the stores a manager works with (see newManager).
type stores struct {
	// sessions holds the app's sessions, and the metrics count them: the
	// store SESSION_STORE selects, or with SESSION_COMPAT=express the
	// Express app's own, in connect-redis's or connect-pg-simple's
	// layout.
	sessions core.Store

	// express holds, with SESSION_COMPAT=express-migrate, the Express
	// app's sessions, which move to sessions as their users come back;
	// nil otherwise.
	express core.Store
}

// openStore returns the stores cfg.store and cfg.compat select, and a
// function that releases them. The memory store is created here rather
// than left to core.New, so that the metrics (metrics.go) can count its
// sessions too. Redis is pinged and the PostgreSQL tables are created
// (idempotently), so an unreachable service is reported here, at start.
// With cfg.compat the Express app's store is the same kind as the native
// one, on the same connection.
func openStore(ctx context.Context, cfg config, logger *slog.Logger) (stores, func(), error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	switch cfg.store {
	case storeRedis:
		return openRedis(ctx, cfg.redisURL, cfg.compat)
	case storePostgres:
		return openPostgres(ctx, cfg.databaseURL, cfg.compat, logger)
	}
	mem := core.NewMemoryStore(core.MemoryStoreOptions{})
	return stores{sessions: mem}, func() { mem.Close() }, nil
}

func openRedis(ctx context.Context, url string, compat core.ExpressMode) (stores, func(), error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return stores{}, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opts.ContextTimeoutEnabled = true // so store calls honour StoreTimeout
	client := redis.NewClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return stores{}, nil, fmt.Errorf("redis at %s: %w (is it running? set REDIS_URL)", opts.Addr, err)
	}
	st, err := redisStores(client, compat)
	if err != nil {
		client.Close()
		return stores{}, nil, fmt.Errorf("redis store: %w", err)
	}
	return st, func() { client.Close() }, nil
}

// redisStores returns the stores of compat on client. Neither owns
// client, nor needs closing.
func redisStores(client *redis.Client, compat core.ExpressMode) (stores, error) {
	var st stores
	if compat != core.ExpressShare {
		native, err := redisstore.New(client, redisstore.Options{})
		if err != nil {
			return stores{}, err
		}
		st.sessions = native
	}
	if compat == core.ExpressOff {
		return st, nil
	}
	x, err := redisstore.NewExpress(client, redisstore.ExpressOptions{Prefix: expressRedisPrefix})
	if err != nil {
		return stores{}, err
	}
	if compat == core.ExpressShare {
		st.sessions = x
	} else {
		st.express = x
	}
	return st, nil
}

func openPostgres(ctx context.Context, url string, compat core.ExpressMode, logger *slog.Logger) (stores, func(), error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return stores{}, nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	closers := []func(){pool.Close}
	release := func() { // the stores first, then their pool
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	unreachable := func(what string, err error) error {
		release()
		return fmt.Errorf("postgres at %s: %s: %w (is it running? set DATABASE_URL)", pool.Config().ConnConfig.Host, what, err)
	}
	var st stores
	if compat != core.ExpressShare {
		native, err := pgstore.New(pool, pgstore.Options{Logger: logger})
		if err != nil {
			release()
			return stores{}, nil, fmt.Errorf("postgres store: %w", err)
		}
		closers = append(closers, func() { native.Close() })
		if err := native.CreateTable(ctx); err != nil {
			return stores{}, nil, unreachable("create table", err)
		}
		st.sessions = native
	}
	if compat == core.ExpressOff {
		return st, release, nil
	}
	// NewExpress creates connect-pg-simple's table, with its own DDL, if
	// the Express app has not yet.
	x, err := pgstore.NewExpress(pool, pgstore.ExpressOptions{Table: expressPgTable, CreateTable: true})
	if err != nil {
		return stores{}, nil, unreachable("Express's table "+expressPgTable, err)
	}
	closers = append(closers, func() { x.Close() })
	if compat == core.ExpressShare {
		st.sessions = x
	} else {
		st.express = x
	}
	return st, release, nil
}
