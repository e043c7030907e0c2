package main

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// defaultDatabaseURL is the PostgreSQL the driver uses when DATABASE_URL
// is unset.
const defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// pgSchema holds the driver's tables: scs's pgxstore needs its table to be
// called "sessions", so each run gets a schema of its own, dropped after.
type pgSchema struct {
	url    string
	name   string
	admin  *pgx.Conn
	tables string // every table the contenders use, for TRUNCATE
}

func openSchema(ctx context.Context, url string) (*pgSchema, error) {
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL at DATABASE_URL: %w", err)
	}
	s := &pgSchema{url: url, name: fmt.Sprintf("sessionkit_bench_%d", os.Getpid()), admin: admin}
	q := pgx.Identifier{s.name}.Sanitize()
	s.tables = q + ".sessions, " + q + ".sessionkit_sessions"
	for _, stmt := range []string{
		`DROP SCHEMA IF EXISTS ` + q + ` CASCADE`,
		`CREATE SCHEMA ` + q,
		`CREATE TABLE ` + q + `.sessions (token TEXT PRIMARY KEY, data BYTEA NOT NULL, expiry TIMESTAMPTZ NOT NULL)`,
		`CREATE INDEX sessions_expiry_idx ON ` + q + `.sessions (expiry)`,
	} {
		if _, err := admin.Exec(ctx, stmt); err != nil {
			s.drop(ctx)
			return nil, fmt.Errorf("prepare schema: %w", err)
		}
	}
	return s, nil
}

func (s *pgSchema) version(ctx context.Context) string {
	var v string
	if err := s.admin.QueryRow(ctx, `SHOW server_version`).Scan(&v); err != nil {
		return "unknown"
	}
	return v
}

// reset empties the tables between runs.
func (s *pgSchema) reset(ctx context.Context) error {
	_, err := s.admin.Exec(ctx, `TRUNCATE `+s.tables)
	return err
}

// drop removes the schema and everything in it.
func (s *pgSchema) drop(ctx context.Context) {
	_, _ = s.admin.Exec(context.WithoutCancel(ctx), `DROP SCHEMA IF EXISTS `+pgx.Identifier{s.name}.Sanitize()+` CASCADE`)
	_ = s.admin.Close(context.WithoutCancel(ctx))
}

// pool opens a pool of size connections whose search_path is the schema,
// counting every query it sends.
func (s *pgSchema) pool(ctx context.Context, size int, queries *atomic.Int64) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(s.url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(size)
	cfg.ConnConfig.RuntimeParams["search_path"] = s.name
	cfg.ConnConfig.Tracer = queryCounter{queries}
	return pgxpool.NewWithConfig(ctx, cfg)
}

// queryCounter counts the queries a pool sends, one round trip each
// (pgx's extended protocol sends parse, bind and execute together).
type queryCounter struct{ n *atomic.Int64 }

func (q queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	return ctx
}

func (queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// pgContenders returns sessionkit's pgstore and scs's pgxstore in the
// schema, each with its own pool of poolSize connections and no
// background cleanup.
func pgContenders(ctx context.Context, s *pgSchema, poolSize int) ([]*contender, error) {
	var skQ, scsQ atomic.Int64
	skPool, err := s.pool(ctx, poolSize, &skQ)
	if err != nil {
		return nil, err
	}
	scsPool, err := s.pool(ctx, poolSize, &scsQ)
	if err != nil {
		skPool.Close()
		return nil, err
	}
	closePools := func() { skPool.Close(); scsPool.Close() }
	store, err := pgstore.New(skPool, pgstore.Options{Table: s.name + ".sessionkit_sessions", CleanupInterval: -1})
	if err == nil {
		err = store.CreateTable(ctx)
	}
	if err != nil {
		closePools()
		return nil, err
	}
	sk, err := sessionkitContender(store, &skQ, func() { _ = store.Close(); skPool.Close() })
	if err != nil {
		closePools()
		return nil, err
	}
	sc := scsContender(pgxstore.NewWithCleanupInterval(scsPool, 0), &scsQ, scsPool.Close)
	return []*contender{sk, sc}, nil
}
