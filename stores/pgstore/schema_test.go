package pgstore_test

import (
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// TestCreateTableConcurrently calls CreateTable on one new table from two
// pools, as two processes starting together would, several times each: every
// call must succeed and leave one table with its expiry index.
func TestCreateTableConcurrently(t *testing.T) {
	t.Parallel()
	poolA, _ := newPool(t)
	poolB, _ := newPool(t)
	table := newTable(t, poolA)
	const callsPerPool = 4
	var wg sync.WaitGroup
	errs := make(chan error, 2*callsPerPool)
	for _, pool := range []*pgxpool.Pool{poolA, poolB} {
		s, err := pgstore.New(pool, pgstore.Options{Table: table, CleanupInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		for range callsPerPool {
			wg.Go(func() { errs <- s.CreateTable(ctxT(t)) })
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent CreateTable = %v; want nil", err)
		}
	}

	var cols, indexes int
	err := poolA.QueryRow(ctxT(t), `SELECT
		(SELECT count(*) FROM information_schema.columns WHERE table_name = $1 AND
			(column_name, data_type, is_nullable) IN (('key', 'text', 'NO'), ('data', 'jsonb', 'NO'), ('expiry', 'timestamp with time zone', 'NO'))),
		(SELECT count(*) FROM pg_indexes WHERE tablename = $1 AND indexname = $1 || '_expiry_idx' AND indexdef LIKE '%(expiry)')`,
		table).Scan(&cols, &indexes)
	if err != nil {
		t.Fatal(err)
	}
	if cols != 3 || indexes != 1 {
		t.Errorf("table has %d of the 3 documented columns and %d expiry indexes; want 3 and 1", cols, indexes)
	}
}
