package pgstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// TestRangeVisitsEveryPage saves more rows than fit in one page and deletes
// each record from inside fn on a one-connection pool: Range must visit every
// live record exactly once, skip expired ones, and not hold the only
// connection while fn runs.
func TestRangeVisitsEveryPage(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t, func(c *pgxpool.Config) { c.MaxConns = 1 })
	s := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	const live = 250
	want := map[string]bool{}
	for i := range live + 5 {
		key := storetest.NewKey(t)
		exp := time.Now().Add(time.Hour)
		if i >= live {
			exp = time.Now().Add(-time.Second)
		} else {
			want[key] = true
		}
		if err := s.Save(ctxT(t), key, core.Record{Values: map[string][]byte{"i": []byte(fmt.Sprint(i))}, Expiry: exp}); err != nil {
			t.Fatalf("Save #%d: %v", i, err)
		}
	}
	visits := map[string]int{}
	err := s.Range(ctxT(t), func(key string, rec core.Record) bool {
		visits[key]++
		if len(rec.Values) != 1 {
			t.Errorf("Range record %q has values %v; want one", key, rec.Values)
		}
		if err := s.Delete(ctxT(t), key); err != nil {
			t.Errorf("Delete(%q) inside Range = %v; want nil", key, err)
		}
		return true
	})
	if err != nil {
		t.Fatalf("Range = %v; want nil", err)
	}
	for key := range want {
		if visits[key] != 1 {
			t.Errorf("Range visited %q %d times; want 1", key, visits[key])
		}
	}
	if len(visits) != live {
		t.Errorf("Range visited %d records; want %d live ones", len(visits), live)
	}
	if n, err := s.Count(ctxT(t)); err != nil || n != 0 {
		t.Errorf("Count after deleting every visited record = %d, %v; want 0, nil", n, err)
	}
}
