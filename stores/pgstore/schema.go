package pgstore

import (
	"context"
	"fmt"
	"hash/fnv"
)

// CreateTable creates the table and its expiry index if they do not exist.
// It is idempotent and safe to call from several processes at once: a
// transaction-scoped advisory lock, keyed by the table name, serialises
// concurrent callers, which would otherwise race inside CREATE TABLE IF NOT
// EXISTS and fail with a unique violation. The schema of a qualified name
// must already exist. The statements are those shown in the package
// documentation.
func (s *Store) CreateTable(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: create table: %w", err)
	}
	// A no-op after Commit; otherwise it also releases the lock.
	defer func() { _ = tx.Rollback(ctx) }()
	stmts := []struct {
		sql  string
		args []any
	}{
		{`SELECT pg_advisory_xact_lock($1)`, []any{s.lockID()}},
		{createTableSQL(s.table), nil},
		{createIndexSQL(s.table, s.index), nil},
	}
	for _, st := range stmts {
		if _, err := tx.Exec(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("pgstore: create table: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: create table: %w", err)
	}
	return nil
}

func createTableSQL(table string) string {
	return `CREATE TABLE IF NOT EXISTS ` + table + ` (key text PRIMARY KEY, data jsonb NOT NULL, expiry timestamptz NOT NULL)`
}

func createIndexSQL(table, index string) string {
	return `CREATE INDEX IF NOT EXISTS ` + index + ` ON ` + table + ` (expiry)`
}

// lockID derives the advisory lock key from the quoted table name, so
// different tables do not wait for each other.
func (s *Store) lockID() int64 {
	h := fnv.New64a()
	h.Write([]byte("sessionkit/pgstore:" + s.table))
	return int64(h.Sum64())
}
