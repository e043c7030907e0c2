package pgstore

import (
	"context"
	"fmt"
	"time"
)

// minCleanupTimeout bounds one background run, so a connection that hangs
// cannot stall the job for good while still letting a large backlog drain.
const minCleanupTimeout = time.Minute

// Cleanup implements core.Cleaner. It deletes the rows that had expired when
// it was called, at most Options.CleanupBatch per DELETE, until a DELETE
// removes fewer than a batch, and reports how many rows it removed. Each
// DELETE is its own short transaction. Rows being written by a concurrent
// request or removed by another instance's Cleanup are skipped, so instances
// sharing a table may all run the job. On error the count so far is returned
// with the error.
func (s *Store) Cleanup(ctx context.Context) (int, error) {
	now, total := time.Now(), 0
	for {
		tag, err := s.pool.Exec(ctx, s.q.cleanup, now, s.opts.CleanupBatch)
		if err != nil {
			return total, fmt.Errorf("pgstore: cleanup: %w", err)
		}
		n := int(tag.RowsAffected())
		total += n
		if n < s.opts.CleanupBatch {
			return total, nil
		}
	}
}

func (s *Store) cleanupLoop(ctx context.Context, interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.cleanupOnce(ctx, max(interval, minCleanupTimeout))
		}
	}
}

func (s *Store) cleanupOnce(stopped context.Context, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(stopped, timeout)
	defer cancel()
	n, err := s.Cleanup(ctx)
	switch {
	case err != nil && stopped.Err() != nil:
		// Close interrupted the run; nothing went wrong.
	case err != nil:
		s.opts.Logger.Error("pgstore: background cleanup failed", "table", s.opts.Table, "deleted", n, "err", err)
	case n > 0:
		s.opts.Logger.Debug("pgstore: background cleanup", "table", s.opts.Table, "deleted", n)
	}
}
