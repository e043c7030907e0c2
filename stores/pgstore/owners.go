package pgstore

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/sessionkit/sessionkit/core"
)

// ownedQuery builds the one statement Owned runs on table t: $1 is the
// owner and $2 the application's clock.
//
// The CTE deletes the owner's expired rows and the SELECT reads its live
// ones; both find their rows through the partial owner index, so the cost
// is in proportion to the owner's rows, never a scan of other owners'.
// PostgreSQL runs a data-modifying CTE to completion even though nothing
// reads it. The two parts see the same snapshot and disjoint rows (expiry
// at most $2, or after it). A row a concurrent Save revives or re-binds is
// re-checked by the DELETE once that Save commits, as in Cleanup, so a
// live row is never deleted.
func ownedQuery(t string) string {
	return `WITH pruned AS (
			DELETE FROM ` + t + ` WHERE owner = $1 AND expiry <= $2)
		SELECT key, expiry, created, ends, seen, user_agent, ip FROM ` + t + `
		WHERE owner = $1 AND expiry > $2`
}

// Owned implements core.OwnerIndex with one statement (see ownedQuery)
// that returns owner's live rows and deletes its expired ones, through the
// partial index on the owner column. An owner with no rows has an empty
// result.
func (s *Store) Owned(ctx context.Context, owner string) ([]core.OwnedRecord, error) {
	rows, err := s.pool.Query(ctx, s.q.owned, owner, time.Now())
	if err != nil {
		return nil, fmt.Errorf("pgstore: owned: %w", err)
	}
	defer rows.Close()
	var out []core.OwnedRecord
	for rows.Next() {
		var (
			key                 string
			ua, ip              pgtype.Text
			exp, cr, ends, seen pgtype.Timestamptz
		)
		if err := rows.Scan(&key, &exp, &cr, &ends, &seen, &ua, &ip); err != nil {
			return nil, fmt.Errorf("pgstore: owned: %w", err)
		}
		out = append(out, core.OwnedRecord{
			Key:    key,
			Expiry: fromTimestamp(exp),
			Owner: core.Owner{
				ID: owner, Created: fromTimestamp(cr), Ends: fromTimestamp(ends), Seen: fromTimestamp(seen),
				UserAgent: ua.String, IP: ip.String,
			},
		})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: owned: %w", err)
	}
	return out, nil
}

// row is one row as Load and Range read it: the columns of recordCols.
type row struct {
	data              []byte
	exp               pgtype.Timestamptz
	owner, ua, ip     pgtype.Text
	created, ends, at pgtype.Timestamptz // at is the seen column
}

// dest returns the scan targets for recordCols.
func (r *row) dest() []any {
	return []any{&r.data, &r.exp, &r.owner, &r.created, &r.ends, &r.at, &r.ua, &r.ip}
}

// record decodes r. A NULL owner is the zero Owner, whatever the other
// owner columns hold.
func (r *row) record() (core.Record, error) {
	var o core.Owner
	if r.owner.Valid && r.owner.String != "" {
		o = core.Owner{
			ID: r.owner.String, Created: fromTimestamp(r.created), Ends: fromTimestamp(r.ends), Seen: fromTimestamp(r.at),
			UserAgent: r.ua.String, IP: r.ip.String,
		}
	}
	return decode(r.data, r.exp, o)
}

// ownerArgs returns the values Save writes to the owner columns (owner,
// created, ends, seen, user_agent, ip): all NULL for an unbound owner, and
// NULL for each zero time. Text that is not UTF-8 without NUL, which a text
// column cannot hold, is an error wrapping core.ErrBadRecord.
func ownerArgs(o core.Owner) ([]any, error) {
	if !o.Bound() {
		return []any{nil, nil, nil, nil, nil, nil}, nil
	}
	for _, f := range []struct{ name, v string }{{"ID", o.ID}, {"UserAgent", o.UserAgent}, {"IP", o.IP}} {
		if !utf8.ValidString(f.v) || strings.IndexByte(f.v, 0) >= 0 {
			return nil, fmt.Errorf("%w: Owner.%s is not UTF-8 text without NUL", core.ErrBadRecord, f.name)
		}
	}
	return []any{o.ID, nullTime(o.Created), nullTime(o.Ends), nullTime(o.Seen), nullText(o.UserAgent), nullText(o.IP)}, nil
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// nullText maps "" to NULL.
func nullText(s string) pgtype.Text {
	return pgtype.Text{String: s, Valid: s != ""}
}
