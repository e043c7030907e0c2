package pgstore_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sessionkit/sessionkit/internal/goroutines"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// saveN saves n records expiring at exp and returns their keys.
func saveN(t *testing.T, s *pgstore.Store, n int, exp time.Time) []string {
	t.Helper()
	keys := make([]string, n)
	for i := range keys {
		keys[i] = storetest.NewKey(t)
		if err := s.Save(ctxT(t), keys[i], core.Record{Values: map[string][]byte{"i": []byte("1")}, Expiry: exp}); err != nil {
			t.Fatalf("Save: %v", err)
		}
	}
	return keys
}

func TestCleanupDeletesEveryBatch(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	tests := []struct {
		name           string
		batch, expired int
	}{
		{"several batches and a remainder", 3, 10},
		{"exact multiple of the batch", 3, 9},
		{"fewer than one batch", 1000, 7},
		{"nothing expired", 3, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			table := newTable(t, pool)
			s := newStore(t, pool, pgstore.Options{Table: table, CleanupBatch: tc.batch, CleanupInterval: -1})
			saveN(t, s, tc.expired, time.Now().Add(-time.Minute))
			live := saveN(t, s, 2, time.Now().Add(time.Hour))
			n, err := s.Cleanup(ctxT(t))
			if err != nil || n != tc.expired {
				t.Errorf("Cleanup = %d, %v; want %d, nil", n, err, tc.expired)
			}
			if got := countRows(t, pool, table, "true"); got != len(live) {
				t.Errorf("rows after Cleanup = %d; want the %d live ones", got, len(live))
			}
		})
	}
}

func TestCleanupJobDeletesExpiredRows(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newStore(t, pool, pgstore.Options{Table: table, CleanupInterval: 100 * time.Millisecond, CleanupBatch: 2})
	saveN(t, s, 5, time.Now().Add(-time.Minute))
	saveN(t, s, 5, time.Now().Add(300*time.Millisecond))
	saveN(t, s, 3, time.Now().Add(time.Hour))

	deadline := time.Now().Add(5 * time.Second)
	for countRows(t, pool, table, "true") != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("after 5s: %d rows with expiry <= now(), %d rows in all; want 0 and 3",
				countRows(t, pool, table, "expiry <= now()"), countRows(t, pool, table, "true"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := countRows(t, pool, table, "expiry > now()"); n != 3 {
		t.Errorf("live rows = %d; want 3", n)
	}
}

// syncBuffer is a bytes.Buffer safe for the job's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestCleanupJobLogsFailures(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	var logs syncBuffer
	s, err := pgstore.New(pool, pgstore.Options{
		Table:           "sessionkit_missing_" + randHex(t), // never created
		CleanupInterval: 50 * time.Millisecond,
		Logger:          slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "level=ERROR") {
		if time.Now().After(deadline) {
			t.Fatalf("no error logged after 5s of cleanups on a missing table; log: %q", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := logs.String(); !strings.Contains(got, "does not exist") || !strings.Contains(got, "background cleanup failed") {
		t.Errorf("log = %q; want the failure and its cause", got)
	}
}

// TestCloseInterruptsBlockedCleanup blocks the job's DELETE behind a table
// lock: Close must cancel it and return, without logging an error.
func TestCloseInterruptsBlockedCleanup(t *testing.T) {
	t.Parallel()
	pool, appName := newPool(t)
	table := newTable(t, pool)
	var logs syncBuffer
	s := newStore(t, pool, pgstore.Options{
		Table:           table,
		CleanupInterval: 20 * time.Millisecond,
		Logger:          slog.New(slog.NewTextHandler(&logs, nil)),
	})

	tx, err := pool.Begin(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctxT(t), `LOCK TABLE `+pgx.Identifier{table}.Sanitize()+` IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	// Wait until the job is stuck behind the lock.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var waiting int
		// Not through tx: pg_stat_activity is a snapshot per transaction.
		err := pool.QueryRow(ctxT(t), `SELECT count(*) FROM pg_stat_activity
			WHERE application_name = $1 AND wait_event_type = 'Lock' AND query LIKE 'DELETE%'`, appName).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("cleanup job never blocked on the table lock")
		}
		time.Sleep(20 * time.Millisecond)
	}

	closed := make(chan struct{})
	go func() {
		s.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close still blocked 5s after the job's DELETE was stuck")
	}
	if got := logs.String(); strings.Contains(got, "level=ERROR") {
		t.Errorf("Close interrupting a cleanup logged an error: %q", got)
	}
}

// TestCloseStopsCleanupJob is not parallel: it compares the whole process's
// goroutines before and after.
func TestCloseStopsCleanupJob(t *testing.T) {
	pool, _ := newPool(t)
	if err := pool.Ping(ctxT(t)); err != nil { // start the pool's own goroutines first
		t.Fatal(err)
	}
	table := newTable(t, pool)
	newStore(t, pool, pgstore.Options{Table: table, CleanupInterval: -1})
	before := goroutines.Current()
	s, err := pgstore.New(pool, pgstore.Options{Table: table, CleanupInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := goroutines.Find(before); err == nil || !strings.Contains(err.Error(), "cleanupLoop") {
		t.Fatalf("goroutines after New = %v; want the cleanup job among them", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v; want nil", err)
	}
	goroutines.Verify(t, before)
	if err := pool.Ping(ctxT(t)); err != nil {
		t.Errorf("pool after store Close: Ping = %v; want nil (Close must not close the pool)", err)
	}
}
