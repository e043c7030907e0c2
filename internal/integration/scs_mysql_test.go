package integration_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/mysqlstore"
	"github.com/go-sql-driver/mysql"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/scsstore"
)

// TestConformanceSCSMySQL runs the conformance suite on scs's mysqlstore
// through scsstore, against the real MariaDB.
func TestConformanceSCSMySQL(t *testing.T) {
	t.Parallel()
	m, db := newMySQLBackend(t, 100*time.Millisecond)
	st := scsstore.NewIterable(m)
	t.Run("Suite", func(t *testing.T) { storetest.Run(t, st) })

	t.Run("CommitsRecordExpiry", func(t *testing.T) {
		key := storetest.NewKey(t)
		exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
		if err := st.Save(testCtx(t), key, core.Record{Values: vals("a", "1"), Expiry: exp}); err != nil {
			t.Fatalf("Save = %v", err)
		}
		var got time.Time
		if err := db.QueryRowContext(testCtx(t), "SELECT expiry FROM sessions WHERE token = ?", key).Scan(&got); err != nil {
			t.Fatalf("SELECT expiry: %v", err)
		}
		if d := got.Sub(exp); d > time.Millisecond || d < -time.Millisecond {
			t.Errorf("expiry column = %v; want %v", got, exp)
		}
	})

	t.Run("SavePastExpiryDeletesRow", func(t *testing.T) {
		key := storetest.NewKey(t)
		if err := st.Save(testCtx(t), key, core.Record{Values: vals("a", "1"), Expiry: time.Now().Add(time.Hour)}); err != nil {
			t.Fatalf("Save(live) = %v", err)
		}
		if err := st.Save(testCtx(t), key, core.Record{Values: vals("a", "2"), Expiry: time.Now().Add(-time.Second)}); err != nil {
			t.Fatalf("Save(past expiry) = %v; want nil", err)
		}
		// Unlike Find and All, this sees expired rows too.
		var n int
		if err := db.QueryRowContext(testCtx(t), "SELECT COUNT(*) FROM sessions WHERE token = ?", key).Scan(&n); err != nil {
			t.Fatalf("SELECT COUNT(*): %v", err)
		}
		if n != 0 {
			t.Errorf("rows for the token after saving a past expiry = %d; want 0", n)
		}
	})

	t.Run("CorruptBlob", func(t *testing.T) {
		key := storetest.NewKey(t)
		if err := m.Commit(key, []byte("\x00garbage"), time.Now().Add(time.Hour)); err != nil {
			t.Fatalf("Commit = %v", err)
		}
		if _, _, err := st.Load(testCtx(t), key); !errors.Is(err, core.ErrBadRecord) {
			t.Errorf("Load(corrupt) error = %v; want one wrapping core.ErrBadRecord", err)
		}
		if _, err := st.Count(testCtx(t)); !errors.Is(err, core.ErrBadRecord) {
			t.Errorf("Count with a corrupt blob = %v; want an error wrapping core.ErrBadRecord", err)
		}
	})
}

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

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func vals(kv ...string) map[string][]byte {
	m := map[string][]byte{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = []byte(kv[i+1])
	}
	return m
}
