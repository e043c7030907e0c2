package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// rangePage is how many rows Range reads per query. Sessions are usually
// small, but one may hold megabytes, so a page is kept modest.
const rangePage = 100

// Range implements core.Iterator. It reads live rows in key order, one page
// of 100 per query, and calls fn between queries with no connection held: fn
// may use the store (for example to delete records) even on a pool of one
// connection, and a slow fn pins neither a connection nor a snapshot. The
// price is that records saved or deleted during the walk may or may not be
// visited, as core.Iterator allows.
func (s *Store) Range(ctx context.Context, fn func(key string, rec core.Record) bool) error {
	type keyed struct {
		key string
		row
	}
	query, args := s.q.first, []any{time.Now(), rangePage}
	for {
		rows, err := s.pool.Query(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("pgstore: range: %w", err)
		}
		var page []keyed
		for rows.Next() {
			var r keyed
			if err := rows.Scan(append([]any{&r.key}, r.dest()...)...); err != nil {
				rows.Close()
				return fmt.Errorf("pgstore: range: %w", err)
			}
			page = append(page, r)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("pgstore: range: %w", err)
		}
		for _, r := range page {
			rec, err := r.record()
			if err != nil {
				return fmt.Errorf("pgstore: range: key %q: %w", r.key, err)
			}
			if !fn(r.key, rec) {
				return nil
			}
		}
		if len(page) < rangePage {
			return nil
		}
		query, args = s.q.next, []any{time.Now(), rangePage, page[len(page)-1].key}
	}
}

// Count implements core.Iterator. It counts the live rows with one query,
// which scans the expiry index or the table.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, s.q.count, time.Now()).Scan(&n); err != nil {
		return 0, fmt.Errorf("pgstore: count: %w", err)
	}
	return n, nil
}
