package pgstore

// queries holds every statement the store runs, built once from the quoted
// table name. Each takes the current time as a parameter rather than calling
// now(), so expiry follows the application's clock (see Store).
type queries struct {
	load, save, delete string
	patch, touch, pop  string
	first, next, count string
	cleanup            string
	owned              string
}

// recordCols are the columns a row.dest scans, in its order.
const recordCols = `data, expiry, owner, created, ends, seen, user_agent, ip`

// seenAt is the SET clause by which Patch, Touch and Pop record the time of
// the call, the parameter now, on an owned row, in the UPDATE they run
// anyway; an unowned row keeps its NULL.
func seenAt(now string) string {
	return `seen = CASE WHEN owner IS NOT NULL THEN ` + now + `::timestamptz END`
}

func newQueries(t string) queries {
	return queries{
		load: `SELECT ` + recordCols + ` FROM ` + t + ` WHERE key = $1 AND expiry > $2`,
		save: `INSERT INTO ` + t + ` (key, data, expiry, owner, created, ends, seen, user_agent, ip)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry,
				owner = EXCLUDED.owner, created = EXCLUDED.created, ends = EXCLUDED.ends,
				seen = EXCLUDED.seen, user_agent = EXCLUDED.user_agent, ip = EXCLUDED.ip`,
		delete: `DELETE FROM ` + t + ` WHERE key = $1`,
		patch: `UPDATE ` + t + ` SET data = (data || $2::jsonb) - $3::text[], expiry = $4, ` + seenAt("$5") + `
			WHERE key = $1 AND expiry > $5`,
		touch: `UPDATE ` + t + ` SET expiry = $2, ` + seenAt("$3") + ` WHERE key = $1 AND expiry > $3`,
		pop:   popQuery(t),
		first: `SELECT key, ` + recordCols + ` FROM ` + t + ` WHERE expiry > $1
			ORDER BY key LIMIT $2`,
		next: `SELECT key, ` + recordCols + ` FROM ` + t + ` WHERE expiry > $1 AND key > $3
			ORDER BY key LIMIT $2`,
		count: `SELECT count(*) FROM ` + t + ` WHERE expiry > $1`,
		// SKIP LOCKED lets several instances clean concurrently without
		// queueing on each other, and FOR UPDATE re-checks the expiry of a
		// row a concurrent Save has just revived, so a live row is never
		// deleted.
		cleanup: `DELETE FROM ` + t + ` WHERE key IN (
			SELECT key FROM ` + t + ` WHERE expiry <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
		owned: ownedQuery(t),
	}
}
