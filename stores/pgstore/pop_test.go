package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// TestPopRacersQueuedOnTheRow makes every racer's statement find the row
// while another transaction holds it: 50 pops, each on a connection of its
// own, wait on the row lock until that transaction commits. Each must then
// judge the row as the transaction left it, so the value goes to exactly
// one of them when it is still there, to none when the transaction removed
// it, and as the transaction changed it.
func TestPopRacersQueuedOnTheRow(t *testing.T) {
	t.Parallel()
	const racers = 50
	saved := map[string][]byte{"flash": []byte(`"saved!"`), "keep": []byte(`"k"`)}
	tests := []struct {
		name     string
		holder   map[string][]byte // the values the holding transaction writes
		want     string            // the value one racer gets; "" for none
		wantLeft map[string][]byte
	}{
		{"row rewritten unchanged", saved, `"saved!"`, map[string][]byte{"keep": []byte(`"k"`)}},
		{"value removed meanwhile", map[string][]byte{"keep": []byte(`"k2"`)}, "", map[string][]byte{"keep": []byte(`"k2"`)}},
		{"value changed meanwhile", map[string][]byte{"flash": []byte(`"new"`), "keep": []byte(`"k2"`)}, `"new"`, map[string][]byte{"keep": []byte(`"k2"`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pool, app := newPool(t, func(c *pgxpool.Config) { c.MaxConns = racers + 2 }) // and the holder, and one to watch
			table := newTable(t, pool)
			s := newStore(t, pool, pgstore.Options{Table: table, CleanupInterval: -1})
			exp := time.Now().Add(time.Hour)
			key, source := storetest.NewKey(t), storetest.NewKey(t)
			for k, vals := range map[string]map[string][]byte{key: saved, source: tc.holder} {
				if err := s.Save(ctxT(t), k, core.Record{Values: vals, Expiry: exp}); err != nil {
					t.Fatalf("Save: %v", err)
				}
			}

			// Open every connection now, so each racer has its own at once.
			var conns []*pgxpool.Conn
			for range racers + 2 {
				c, err := pool.Acquire(ctxT(t))
				if err != nil {
					t.Fatalf("Acquire: %v", err)
				}
				conns = append(conns, c)
			}
			for _, c := range conns {
				c.Release()
			}

			// The holder copies the source row's data over the row, in
			// the store's own representation, and keeps the lock.
			tx, err := pool.Begin(ctxT(t))
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(context.Background())
			q := `UPDATE ` + pgx.Identifier{table}.Sanitize() + ` AS d SET data = src.data
				FROM ` + pgx.Identifier{table}.Sanitize() + ` AS src WHERE d.key = $1 AND src.key = $2`
			if _, err := tx.Exec(ctxT(t), q, key, source); err != nil {
				t.Fatalf("holding the row: %v", err)
			}

			var (
				wg  sync.WaitGroup
				mu  sync.Mutex
				got []string
			)
			for i := range racers {
				wg.Go(func() {
					v, found, err := s.Pop(ctxT(t), key, "flash")
					switch {
					case err != nil:
						t.Errorf("queued Pop %d = %v; want nil", i, err)
					case found:
						mu.Lock()
						got = append(got, string(v))
						mu.Unlock()
					}
				})
			}
			waitLockWaiters(t, pool, app, racers)
			if err := tx.Commit(ctxT(t)); err != nil {
				t.Fatalf("Commit: %v", err)
			}
			wg.Wait()

			want := []string{}
			if tc.want != "" {
				want = []string{tc.want}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%d queued pops got %q; want %q", racers, got, want)
			}
			rec, found, err := s.Load(ctxT(t), key)
			if err != nil || !found {
				t.Fatalf("Load after the pops = %v, %v; want the record", found, err)
			}
			if fmt.Sprintf("%q", rec.Values) != fmt.Sprintf("%q", tc.wantLeft) {
				t.Errorf("Load after the pops = %q; want %q", rec.Values, tc.wantLeft)
			}
		})
	}
}

// waitLockWaiters polls until n backends of the pool named app wait on a
// lock, failing t after ten seconds.
func waitLockWaiters(t *testing.T, pool *pgxpool.Pool, app string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		err := pool.QueryRow(ctxT(t), `SELECT count(*) FROM pg_stat_activity
			WHERE application_name = $1 AND wait_event_type = 'Lock'`, app).Scan(&waiting)
		if err != nil {
			t.Fatalf("counting lock waiters: %v", err)
		}
		if waiting == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d pops wait on the held row after 10s; want all", waiting, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPopJudgesExpiryByTheApplicationsClock checks Pop compares the row's
// expiry with the application's clock, as Load does, whatever the
// server's clock says.
func TestPopJudgesExpiryByTheApplicationsClock(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	s := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	key := storetest.NewKey(t)
	exp := time.Now().Add(time.Hour)
	if err := s.Save(ctxT(t), key, core.Record{Values: map[string][]byte{"flash": []byte(`"hi"`), "keep": []byte(`1`)}, Expiry: exp}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	tests := []struct {
		name      string
		now       time.Time
		wantFound bool
	}{
		{"at the expiry", exp, false},
		{"after the expiry", exp.Add(time.Minute), false},
		{"before the expiry", exp.Add(-time.Second), true},
	}
	for _, tc := range tests {
		v, found, err := s.PopAt(ctxT(t), key, "flash", tc.now)
		if err != nil || found != tc.wantFound || (found && string(v) != `"hi"`) {
			t.Errorf("Pop with the application's clock %s = %s, %v, %v; want found %v", tc.name, v, found, err, tc.wantFound)
		}
		rec, _, err := s.Load(ctxT(t), key)
		if _, ok := rec.Values["flash"]; err != nil || ok == tc.wantFound {
			t.Errorf("Load after the Pop %s: flash present = %v, %v; want %v", tc.name, ok, err, !tc.wantFound)
		}
	}
}
