package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/sessionkit/sessionkit/core"
)

// Range implements core.Iterator. It reads live rows in sid order, one
// page of 100 per query, and calls fn between queries with no connection
// held, as Store.Range does: fn may use the store, and records saved or
// deleted during the walk may or may not be visited. A row that does not
// decode (one whose sess is not an object, say) is
// skipped, so that one bad record cannot break every owner's listing;
// Load reports it, with an error wrapping core.ErrBadRecord.
func (s *ExpressStore) Range(ctx context.Context, fn func(sid string, rec core.Record) bool) error {
	query, args := s.q.first, []any{rangePage}
	for {
		rows, err := s.pool.Query(ctx, query, args...)
		if err != nil {
			return expressErr("range", err)
		}
		page, err := pgx.CollectRows(rows, scanExpressRow)
		if err != nil {
			return expressErr("range", err)
		}
		for _, r := range page {
			rec, err := expressRecord(r.sess, r.exp)
			if errors.Is(err, core.ErrBadRecord) {
				continue // not a session Go can read; Load reports it
			}
			if err != nil {
				return expressErr("range", err)
			}
			if !fn(r.sid, rec) {
				return nil
			}
		}
		if len(page) < rangePage {
			return nil
		}
		query, args = s.q.next, []any{rangePage, page[len(page)-1].sid}
	}
}

// sidRow is a row as Range reads it.
type sidRow struct {
	sid, sess string
	exp       pgtype.Int8
}

func scanExpressRow(r pgx.CollectableRow) (sidRow, error) {
	var row sidRow
	err := r.Scan(&row.sid, &row.sess, &row.exp)
	return row, err
}

// Count implements core.Iterator with one query counting the live rows,
// which scans the expire index or the table.
func (s *ExpressStore) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, s.q.count).Scan(&n); err != nil {
		return 0, expressErr("count", err)
	}
	return n, nil
}

// Cleanup implements core.Cleaner as Store.Cleanup does, on the expire
// column: DELETEs of at most 1000 expired rows each, until one deletes
// fewer, skipping rows another writer holds. It reports how many rows it
// removed. connect-pg-simple's own pruning may run beside it.
func (s *ExpressStore) Cleanup(ctx context.Context) (int, error) { return s.base.Cleanup(ctx) }
