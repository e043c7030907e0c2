package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// createTable creates connect-pg-simple's table and its expire index if
// they are missing, in one transaction under Store.CreateTable's advisory
// lock, so that instances starting at once do not race inside CREATE
// TABLE IF NOT EXISTS. It reads the catalog before creating the index:
// CREATE INDEX IF NOT EXISTS would lock the table against writes even
// when the index exists. table is the unqualified table name, from which
// connect-pg-simple's DDL names the constraint and the index.
func (s *ExpressStore) createTable(ctx context.Context, table string) error {
	t, index := s.base.names.table, "IDX_"+table+"_expire"
	err := s.base.locked(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, expressTableSQL(t, table)); err != nil {
			return err
		}
		var have bool
		// Any index on expire alone will do: connect-pg-simple names its
		// index IDX_session_expire whatever the table is called.
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
			WHERE i.indrelid = $1::text::regclass AND i.indnatts = 1 AND a.attname = 'expire')`, t).Scan(&have)
		if err != nil || have {
			return err
		}
		_, err = tx.Exec(ctx, `CREATE INDEX IF NOT EXISTS `+pgx.Identifier{index}.Sanitize()+` ON `+t+` ("expire")`)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: express create table: %w", err)
	}
	return nil
}

// expressTableSQL is connect-pg-simple's table.sql for the quoted table t
// named table, less WITH (OIDS=FALSE), which PostgreSQL 12 and later
// reject.
func expressTableSQL(t, table string) string {
	return `CREATE TABLE IF NOT EXISTS ` + t + ` (
		"sid" varchar NOT NULL COLLATE "default",
		"sess" json NOT NULL,
		"expire" timestamp(6) NOT NULL,
		CONSTRAINT ` + pgx.Identifier{table + "_pkey"}.Sanitize() + ` PRIMARY KEY ("sid"))`
}
