package pgstore_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// insertSeries inserts n rows as connect-pg-simple would, sids s0001 to
// sNNNN, expiring after the given interval of the server's clock.
func insertSeries(t *testing.T, pool *pgxpool.Pool, table, prefix string, n int, after string) {
	t.Helper()
	_, err := pool.Exec(ctxT(t), `INSERT INTO `+pgx.Identifier{table}.Sanitize()+` (sid, sess, expire)
		SELECT $1 || lpad(i::text, 4, '0'), json_build_object('cookie', json_build_object('path', '/'), 'i', i),
			to_timestamp(ceil(extract(epoch FROM now() + $3::interval)))
		FROM generate_series(1, $2) AS i`, prefix, n, after)
	if err != nil {
		t.Fatalf("insert %d rows: %v", n, err)
	}
}

// Range pages through the live rows in sid order, visiting each once even
// when fn deletes what it visits on a one-connection pool, and skips the
// expired ones, as Count does.
func TestExpressRangeVisitsEveryPage(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t, func(c *pgxpool.Config) { c.MaxConns = 1 })
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	const live = 250
	insertSeries(t, pool, table, "live", live, "1 hour")
	insertSeries(t, pool, table, "gone", 7, "-1 second")
	if n, err := s.Count(ctxT(t)); err != nil || n != live {
		t.Errorf("Count = %d, %v; want %d, nil", n, err, live)
	}
	var visited []string
	err := s.Range(ctxT(t), func(sid string, rec core.Record) bool {
		visited = append(visited, sid)
		if _, ok := rec.Values["cookie"]; !ok || rec.Expiry.Before(time.Now()) {
			t.Errorf("Range record %q = %q expiring %v; want a live record with its cookie", sid, rec.Values, rec.Expiry)
		}
		if err := s.Delete(ctxT(t), sid); err != nil {
			t.Errorf("Delete(%q) inside Range = %v", sid, err)
		}
		return true
	})
	if err != nil {
		t.Fatalf("Range = %v", err)
	}
	if len(visited) != live {
		t.Fatalf("Range visited %d rows; want %d", len(visited), live)
	}
	for i, sid := range visited {
		if i > 0 && sid <= visited[i-1] {
			t.Fatalf("Range visited %q after %q; want each once, in sid order", sid, visited[i-1])
		}
	}
}

// The background job, which ExpressStore shares with Store, deletes the
// expired rows and leaves the live ones.
func TestExpressCleanupJob(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	newExpress(t, pool, pgstore.ExpressOptions{Table: table, CleanupInterval: 10 * time.Millisecond})
	insertSeries(t, pool, table, "live", 3, "1 hour")
	insertSeries(t, pool, table, "gone", 5, "-1 second")
	deadline := time.Now().Add(10 * time.Second)
	for countRows(t, pool, table, "true") != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("rows = %d 10s after the job should have run; want the 3 live ones", countRows(t, pool, table, "true"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := countRows(t, pool, table, `sid LIKE 'live%'`); n != 3 {
		t.Errorf("live rows left = %d; want 3", n)
	}
}
