package pgstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ownerColumns are the columns that hold core.Record.Owner, which the
// first release's table lacks; CreateTable adds them. All are nullable: a
// row without an owner has NULL in each.
var ownerColumns = []struct{ name, typ string }{
	{"owner", "text"},
	{"created", "timestamptz"},
	{"ends", "timestamptz"},
	{"seen", "timestamptz"},
	{"user_agent", "text"},
	{"ip", "text"},
}

// CreateTable creates the table and its indexes if they do not exist, and
// upgrades a table created by an earlier release: it adds the owner
// columns and the owner index that table lacks, leaving its rows as they
// are. It is idempotent and safe to call from several processes at once: a
// transaction-scoped advisory lock, keyed by the table name, serialises
// concurrent callers, which would otherwise race inside CREATE TABLE IF NOT
// EXISTS and fail with a unique violation. The schema of a qualified name
// must already exist. The statements are those shown in the package
// documentation.
//
// CreateTable reads the catalog first and runs only the statements still
// needed, so on a current table it takes no lock on it. An upgrade runs in
// two transactions: ALTER TABLE, which holds an ACCESS EXCLUSIVE lock for a
// moment (adding nullable columns rewrites no rows), and then CREATE INDEX,
// which blocks writes to the table, not reads, while it scans the table.
// The context bounds both, including the wait for their locks (see the
// package documentation on large tables).
func (s *Store) CreateTable(ctx context.Context) error {
	for _, step := range []func(context.Context, pgx.Tx) error{s.createColumns, s.createIndexes} {
		if err := s.locked(ctx, step); err != nil {
			return fmt.Errorf("pgstore: create table: %w", err)
		}
	}
	return nil
}

// locked runs fn in a transaction that holds the table's advisory lock.
func (s *Store) locked(ctx context.Context, fn func(context.Context, pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	// A no-op after Commit; otherwise it also releases the lock.
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, s.lockID()); err != nil {
		return err
	}
	// An upgrade's ALTER TABLE queues behind every transaction using the
	// table, and the table's queries queue behind it: give up after
	// upgradeLockTimeout rather than stall the sessions.
	if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d`, s.lockTimeout.Milliseconds())); err != nil {
		return err
	}
	if err := fn(ctx, tx); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "55P03" { // lock_not_available
			return fmt.Errorf("the table is in use by a long transaction; the schema change waited %v for its lock (retry, or run it at a quiet time): %w", s.lockTimeout, err)
		}
		return err
	}
	return tx.Commit(ctx)
}

// upgradeLockTimeout is how long CreateTable waits for the lock a schema
// change needs (the PostgreSQL lock_timeout of its transaction).
const upgradeLockTimeout = 10 * time.Second

// createColumns creates the table, or adds the owner columns it lacks.
func (s *Store) createColumns(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, createTableSQL(s.names.table)); err != nil {
		return err
	}
	cols := make([]string, len(ownerColumns))
	for i, c := range ownerColumns {
		cols[i] = c.name
	}
	var have int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM pg_attribute
		WHERE attrelid = $1::text::regclass AND attname = ANY($2::text[]) AND NOT attisdropped`,
		s.names.table, cols).Scan(&have)
	if err != nil || have == len(cols) {
		return err
	}
	_, err = tx.Exec(ctx, addColumnsSQL(s.names.table))
	return err
}

// createIndexes creates the indexes the table lacks.
func (s *Store) createIndexes(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE i.indrelid = $1::text::regclass AND c.relname = ANY($2::text[])`,
		s.names.table, []string{s.names.expiryIndex, s.names.ownerIndex})
	if err != nil {
		return err
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, ix := range []struct{ name, sql string }{
		{s.names.expiryIndex, createIndexSQL(s.names.table, s.names.expiryIndex)},
		{s.names.ownerIndex, createOwnerIndexSQL(s.names.table, s.names.ownerIndex)},
	} {
		if slices.Contains(have, ix.name) {
			continue
		}
		if _, err := tx.Exec(ctx, ix.sql); err != nil {
			return err
		}
	}
	return nil
}

func createTableSQL(table string) string {
	var b strings.Builder
	b.WriteString(`CREATE TABLE IF NOT EXISTS ` + table + ` (key text PRIMARY KEY, data jsonb NOT NULL, expiry timestamptz NOT NULL`)
	for _, c := range ownerColumns {
		b.WriteString(", " + c.name + " " + c.typ)
	}
	b.WriteString(")")
	return b.String()
}

func addColumnsSQL(table string) string {
	adds := make([]string, len(ownerColumns))
	for i, c := range ownerColumns {
		adds[i] = `ADD COLUMN IF NOT EXISTS ` + c.name + ` ` + c.typ
	}
	return `ALTER TABLE ` + table + ` ` + strings.Join(adds, ", ")
}

func createIndexSQL(table, index string) string {
	return `CREATE INDEX IF NOT EXISTS ` + pgx.Identifier{index}.Sanitize() + ` ON ` + table + ` (expiry)`
}

func createOwnerIndexSQL(table, index string) string {
	return `CREATE INDEX IF NOT EXISTS ` + pgx.Identifier{index}.Sanitize() + ` ON ` + table + ` (owner, expiry) WHERE owner IS NOT NULL`
}

// lockID derives the advisory lock key from the table's own name, not
// its schema: "sessions" and "public.sessions", which may name one table,
// take the same lock, and tables of other names do not wait for each
// other. (Tables of one name in two schemas share it, which costs only a
// brief wait at start-up.)
func (s *Store) lockID() int64 {
	h := fnv.New64a()
	h.Write([]byte("sessionkit/pgstore:" + strings.TrimSuffix(s.names.expiryIndex, "_expiry_idx")))
	return int64(h.Sum64())
}
