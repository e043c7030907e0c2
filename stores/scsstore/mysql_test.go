package scsstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/mysqlstore"
	"github.com/go-sql-driver/mysql"
	"github.com/sessionkit/sessionkit/internal/testenv"
)

// newMySQLBackend returns a mysqlstore over a database of its own, created
// for this test and dropped after it, so nothing else can change the counts
// the conformance suite checks. mysqlstore has no table-name option, hence a
// database rather than a table per test.
//
// A cleanupInterval of zero starts no cleanup goroutine. mysqlstore records
// its stop channel from inside that goroutine, so only tests that run long
// enough for the goroutine to tick should start one.
func newMySQLBackend(t *testing.T, cleanupInterval time.Duration) (*mysqlstore.MySQLStore, *sql.DB) {
	t.Helper()
	dsn := testenv.MariaDBDSN(t)
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("ParseDSN(%q) = %v", dsn, err)
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("sql.Open = %v", err)
	}
	name := "sessionkit_test_" + strings.ToLower(rand.Text())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("CREATE DATABASE %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE "+name); err != nil {
			t.Errorf("DROP DATABASE %s: %v", name, err)
		}
		admin.Close()
	})

	cfg.DBName = name
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatalf("sql.Open = %v", err)
	}
	// mysqlstore's schema, with MEDIUMBLOB instead of BLOB so records over
	// 64 KiB fit, and without its suggested index on expiry: with that index
	// the cleanup's DELETE and concurrent commits lock the index and the
	// primary key in opposite orders, and InnoDB aborts one with a deadlock
	// (error 1213), failing that request.
	const schema = "CREATE TABLE sessions (token CHAR(43) PRIMARY KEY, data MEDIUMBLOB NOT NULL, expiry TIMESTAMP(6) NOT NULL)"
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		t.Fatalf("%s: %v", schema, err)
	}
	st := mysqlstore.NewWithCleanupInterval(db, cleanupInterval)
	t.Cleanup(func() {
		if cleanupInterval > 0 {
			st.StopCleanup()
		}
		db.Close()
	})
	return st, db
}
