package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// popQuery builds the one statement Pop runs on table t: $1 is the key, $2
// the value's name and $3 the application's clock.
//
// The CTE locks the row, but only while it is live and holds the name,
// and reads the value; the UPDATE removes the name from that row, sets an
// owned row's seen to $3, and returns what the CTE read. Under READ
// COMMITTED a pop that finds the row locked by another waits for it, then
// re-checks its WHERE on the row as the other left it, so of concurrent
// pops of one value exactly one finds it. FOR UPDATE is what makes the returned value the one removed: without
// it the CTE would read the row as of the statement's snapshot, which a
// concurrent Patch may since have changed.
func popQuery(t string) string {
	return `WITH old AS (
			SELECT key, data -> $2::text AS value FROM ` + t + `
			WHERE key = $1 AND expiry > $3 AND data ? $2::text
			FOR UPDATE)
		UPDATE ` + t + ` AS s SET data = s.data - $2::text, ` + seenAt("$3") + `
		FROM old WHERE s.key = old.key
		RETURNING old.value`
}

// Pop implements core.Popper with one statement (see popQuery) that takes
// the value out of a live row and returns it, decoded as Load decodes it.
// The expiry and the other values stay as they are; an owned row's Seen
// becomes the time of the call. found is false, and
// nothing is written, when the row is absent or expired or lacks the
// value.
func (s *Store) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	return s.pop(ctx, key, name, time.Now())
}

// pop is Pop with the application's clock reading now.
func (s *Store) pop(ctx context.Context, key, name string, now time.Time) ([]byte, bool, error) {
	var stored []byte
	err := s.pool.QueryRow(ctx, s.q.pop, key, name, now).Scan(&stored)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("pgstore: pop: %w", err)
	}
	v, err := decodeValue(stored)
	if err != nil {
		return nil, false, fmt.Errorf("pgstore: pop: value for key %q: %w", name, err)
	}
	return v, true, nil
}
