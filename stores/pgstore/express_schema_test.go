package pgstore_test

import (
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// newSchema creates a schema of the test's own and drops it, with what is
// in it, when the test ends.
func newSchema(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	name := "sessionkit_test_" + randHex(t)
	if _, err := pool.Exec(ctxT(t), `CREATE SCHEMA `+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("CREATE SCHEMA: %v", err)
	}
	t.Cleanup(func() {
		if _, err := pool.Exec(ctxT(t), `DROP SCHEMA `+pgx.Identifier{name}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("DROP SCHEMA: %v", err)
		}
	})
	return name
}

func TestExpressCreateTableIsConnectPgSimples(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	for _, table := range []string{pgstore.DefaultExpressTable, "My Sessions"} {
		t.Run(table, func(t *testing.T) {
			schema := newSchema(t, pool)
			opts := pgstore.ExpressOptions{Schema: schema, CleanupInterval: -1, CreateTable: true}
			if table != pgstore.DefaultExpressTable {
				opts.Table = table
			}
			// Twice at once, then once more: every call succeeds.
			var wg sync.WaitGroup
			errs := make(chan error, 2)
			for range 2 {
				wg.Go(func() {
					s, err := pgstore.NewExpress(pool, opts)
					if err == nil {
						s.Close()
					}
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("concurrent NewExpress(CreateTable) = %v; want nil", err)
				}
			}
			s, err := pgstore.NewExpress(pool, opts)
			if err != nil {
				t.Fatalf("NewExpress(CreateTable) on an existing table = %v; want nil", err)
			}
			s.Close()
			checkExpressSchema(t, pool, schema, table)
		})
	}
}

// checkExpressSchema compares the table with connect-pg-simple's table.sql.
func checkExpressSchema(t *testing.T, pool *pgxpool.Pool, schema, table string) {
	t.Helper()
	rows, err := pool.Query(ctxT(t), `SELECT column_name, data_type, coalesce(datetime_precision, -1), is_nullable, coalesce(collation_name, '')
		FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`, schema, table)
	if err != nil {
		t.Fatal(err)
	}
	type column struct {
		name, typ string
		precision int
		nullable  string
		collation string
	}
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (column, error) {
		var c column
		err := r.Scan(&c.name, &c.typ, &c.precision, &c.nullable, &c.collation)
		return c, err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []column{
		{"sid", "character varying", -1, "NO", ""},
		{"sess", "json", -1, "NO", ""},
		{"expire", "timestamp without time zone", 6, "NO", ""},
	}
	if len(cols) != len(want) {
		t.Fatalf("columns = %+v; want %+v", cols, want)
	}
	for i := range want {
		if cols[i] != want[i] {
			t.Errorf("column %d = %+v; want %+v", i, cols[i], want[i])
		}
	}

	var pkey, pkeyDef string
	err = pool.QueryRow(ctxT(t), `SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
		WHERE conrelid = $1::text::regclass AND contype = 'p'`, pgx.Identifier{schema, table}.Sanitize()).Scan(&pkey, &pkeyDef)
	if err != nil {
		t.Fatalf("primary key: %v", err)
	}
	if pkey != table+"_pkey" || pkeyDef != "PRIMARY KEY (sid)" {
		t.Errorf("primary key = %s %s; want %s_pkey PRIMARY KEY (sid)", pkey, pkeyDef, table)
	}

	var indexDef, wantDef string
	err = pool.QueryRow(ctxT(t), `SELECT indexdef, format('CREATE INDEX %I ON %I.%I USING btree (expire)', indexname, schemaname, tablename)
		FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexname = $3`,
		schema, table, "IDX_"+table+"_expire").Scan(&indexDef, &wantDef)
	if err != nil {
		t.Fatalf("index IDX_%s_expire: %v", table, err)
	}
	if indexDef != wantDef {
		t.Errorf("index = %s; want %s", indexDef, wantDef)
	}
}

// A table the Express app created is used as it is: NewExpress without
// CreateTable does not touch the database, and with it changes nothing.
func TestExpressUsesExistingTable(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"session", "app_sessions"} {
		t.Run(name, func(t *testing.T) { testExpressUsesExistingTable(t, name) })
	}
}

// testExpressUsesExistingTable: a table connect-pg-simple created, under
// any name (its table.sql names the key and the index for "session"
// whatever the table is called), is used as it is.
func testExpressUsesExistingTable(t *testing.T, name string) {
	pool, _ := newPool(t)
	schema := newSchema(t, pool)
	table := pgx.Identifier{schema, name}.Sanitize()
	// connect-pg-simple's table.sql as it ships, but for OIDS.
	for _, q := range []string{
		`CREATE TABLE ` + table + ` ("sid" varchar NOT NULL COLLATE "default", "sess" json NOT NULL, "expire" timestamp(6) NOT NULL)`,
		`ALTER TABLE ` + table + ` ADD CONSTRAINT "session_pkey" PRIMARY KEY ("sid") NOT DEFERRABLE INITIALLY IMMEDIATE`,
		`CREATE INDEX "IDX_session_expire" ON ` + table + ` ("expire")`,
	} {
		if _, err := pool.Exec(ctxT(t), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, create := range []bool{false, true} {
		s, err := pgstore.NewExpress(pool, pgstore.ExpressOptions{Schema: schema, Table: name, CreateTable: create, CleanupInterval: -1})
		if err != nil {
			t.Fatalf("NewExpress(CreateTable: %v) = %v; want nil", create, err)
		}
		if n, err := s.Count(ctxT(t)); err != nil || n != 0 {
			t.Errorf("Count = %d, %v; want 0, nil", n, err)
		}
		s.Close()
	}
	var indexes int
	if err := pool.QueryRow(ctxT(t), `SELECT count(*) FROM pg_indexes WHERE schemaname = $1`, schema).Scan(&indexes); err != nil {
		t.Fatal(err)
	}
	if indexes != 2 {
		t.Errorf("indexes after NewExpress(CreateTable) = %d; want connect-pg-simple's 2", indexes)
	}
}
