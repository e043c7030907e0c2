package pgstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// lazyPool returns a pool that never connects: New must not touch the
// database, so validation needs no server.
func lazyPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func TestNewValidatesOptions(t *testing.T) {
	t.Parallel()
	pool := lazyPool(t)
	tests := []struct {
		name string
		pool *pgxpool.Pool
		opts pgstore.Options
		ok   bool
	}{
		{"zero options", pool, pgstore.Options{}, true},
		{"schema-qualified", pool, pgstore.Options{Table: "auth.sessions"}, true},
		{"quote and semicolon are quoted", pool, pgstore.Options{Table: `a"b; DROP TABLE x; --`}, true},
		{"upper case", pool, pgstore.Options{Table: "Sessions"}, true},
		{"longest table", pool, pgstore.Options{Table: strings.Repeat("t", 52)}, true},
		{"longest schema", pool, pgstore.Options{Table: strings.Repeat("s", 63) + ".t"}, true},
		{"cleanup disabled", pool, pgstore.Options{CleanupInterval: -1}, true},
		{"nil pool", nil, pgstore.Options{}, false},
		{"negative batch", pool, pgstore.Options{CleanupBatch: -1}, false},
		{"lone dot", pool, pgstore.Options{Table: "."}, false},
		{"empty table part", pool, pgstore.Options{Table: "auth."}, false},
		{"empty schema part", pool, pgstore.Options{Table: ".sessions"}, false},
		{"two dots", pool, pgstore.Options{Table: "db.auth.sessions"}, false},
		{"NUL byte", pool, pgstore.Options{Table: "a\x00b"}, false},
		{"invalid UTF-8", pool, pgstore.Options{Table: "a\xffb"}, false},
		{"table too long for its index name", pool, pgstore.Options{Table: strings.Repeat("t", 53)}, false},
		{"schema too long", pool, pgstore.Options{Table: strings.Repeat("s", 64) + ".t"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := pgstore.New(tc.pool, tc.opts)
			if tc.ok {
				if err != nil {
					t.Fatalf("New(%+v) = %v; want nil", tc.opts, err)
				}
				if err := s.Close(); err != nil {
					t.Errorf("Close = %v; want nil", err)
				}
				return
			}
			if !errors.Is(err, pgstore.ErrInvalidOptions) {
				t.Errorf("New(%+v) error = %v; want ErrInvalidOptions", tc.opts, err)
			}
			if s != nil {
				t.Errorf("New(%+v) returned a store with its error", tc.opts)
			}
		})
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	t.Parallel()
	s, err := pgstore.New(lazyPool(t), pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := s.Close(); err != nil {
			t.Errorf("Close #%d = %v; want nil", i+1, err)
		}
	}
}

// TestTableNamesAreQuoted uses a schema and a table whose names would break
// out of unquoted SQL, next to a canary table they name: everything must
// work on exactly the named objects and the canary must survive.
func TestTableNamesAreQuoted(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	suffix := randHex(t)
	canary := "canary_" + suffix
	schema := `sk "schema"; ` + suffix
	table := `Sess"; DROP TABLE ` + canary + `; --`
	for _, q := range []string{
		`CREATE TABLE ` + canary + ` (x int)`,
		`CREATE SCHEMA ` + pgx.Identifier{schema}.Sanitize(),
	} {
		if _, err := pool.Exec(ctxT(t), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		for _, q := range []string{
			`DROP SCHEMA ` + pgx.Identifier{schema}.Sanitize() + ` CASCADE`,
			`DROP TABLE ` + canary,
		} {
			if _, err := pool.Exec(context.Background(), q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})

	s := newStore(t, pool, pgstore.Options{Table: schema + "." + table, CleanupInterval: -1})
	key := storetest.NewKey(t)
	rec := core.Record{Values: map[string][]byte{"a": []byte(`"b"`)}, Expiry: time.Now().Add(time.Hour)}
	if err := s.Save(ctxT(t), key, rec); err != nil {
		t.Fatalf("Save = %v", err)
	}
	if got, found, err := s.Load(ctxT(t), key); err != nil || !found || string(got.Values["a"]) != `"b"` {
		t.Fatalf("Load = %q, %v, %v; want a=\"b\", found", got.Values, found, err)
	}

	var tables, indexes, canaries int
	err := pool.QueryRow(ctxT(t), `SELECT
		(SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = $2),
		(SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexname = $3),
		(SELECT count(*) FROM pg_tables WHERE tablename = $4)`,
		schema, table, table+"_expiry_idx", canary).Scan(&tables, &indexes, &canaries)
	if err != nil {
		t.Fatal(err)
	}
	if tables != 1 || indexes != 1 || canaries != 1 {
		t.Errorf("tables, expiry indexes, canaries = %d, %d, %d; want 1, 1, 1", tables, indexes, canaries)
	}
}
