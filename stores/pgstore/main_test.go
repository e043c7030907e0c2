package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// TestMain fails the package if any goroutine (the cleanup job, the pools,
// the managers, the test servers) outlives the tests, and reports a
// missing PostgreSQL once, where go test without -v shows it.
func TestMain(m *testing.M) {
	testenv.Main(m)
}

func randHex(t testing.TB) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newPool returns a pool whose connections carry a unique application_name,
// so a test can find (and kill) exactly its own backends. Each edit runs on
// the config first. The pool is closed when the test ends.
func newPool(t testing.TB, edits ...func(*pgxpool.Config)) (pool *pgxpool.Pool, appName string) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(testenv.DatabaseURL(t))
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	appName = "pgstore_test_" + randHex(t)
	cfg.ConnConfig.RuntimeParams["application_name"] = appName
	for _, edit := range edits {
		edit(cfg)
	}
	pool, err = pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewWithConfig: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool, appName
}

// newTable returns a fresh table name and drops that table when the test
// ends.
func newTable(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	name := "sessionkit_test_" + randHex(t)
	dropTable(t, pool, pgx.Identifier{name})
	return name
}

func dropTable(t testing.TB, pool *pgxpool.Pool, ident pgx.Identifier) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := pool.Exec(ctx, `DROP TABLE IF EXISTS `+ident.Sanitize()); err != nil {
			t.Errorf("DROP TABLE %s: %v", ident.Sanitize(), err)
		}
	})
}

// newStore returns a store on a fresh table created with CreateTable. The
// store is closed and the table dropped when the test ends.
func newStore(t testing.TB, pool *pgxpool.Pool, opts pgstore.Options) *pgstore.Store {
	t.Helper()
	if opts.Table == "" {
		opts.Table = newTable(t, pool)
	}
	// Create the table before the job can first run.
	setup, err := pgstore.New(pool, pgstore.Options{Table: opts.Table, CleanupInterval: -1})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := setup.CreateTable(ctxT(t)); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	s, err := pgstore.New(pool, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close = %v; want nil", err)
		}
	})
	return s
}

// countRows counts the rows of table matching cond, read directly with SQL.
func countRows(t testing.TB, pool *pgxpool.Pool, table, cond string) int {
	t.Helper()
	var n int
	q := `SELECT count(*) FROM ` + pgx.Identifier{table}.Sanitize() + ` WHERE ` + cond
	if err := pool.QueryRow(ctxT(t), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
