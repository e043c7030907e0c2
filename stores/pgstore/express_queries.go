package pgstore

// expressQueries holds every statement an ExpressStore runs, built once
// from the quoted table name.
//
// expire is a timestamp without time zone, which connect-pg-simple writes
// as to_timestamp(seconds): the server converts the instant to local time
// in the session's TimeZone. The statements do the same, and convert back
// the same way (expire::timestamptz, and comparisons with now()), so Go
// and Node agree on every instant as long as their connections use the
// same TimeZone (see the package documentation). No comparison happens in
// Go, and none sees a timestamp without its zone.
//
// The sess column is written from text cast to json, which PostgreSQL
// keeps as that exact text, and read back as sess::text. No statement
// applies a json operator to it: those would parse it, and fail on the
// \u0000 escapes a json column otherwise holds.
type expressQueries struct {
	load, save, delete, cas, lock string
	first, next, count            string
	cleanup                       string
}

// expressExpiry reads expire as Unix microseconds, NULL for infinity.
const expressExpiry = `CASE WHEN isfinite(expire) THEN (extract(epoch FROM expire::timestamptz) * 1000000)::int8 END`

// expressExpire is the value written to expire for the parameter p, an
// expiry in Unix milliseconds (see expireArg).
func expressExpire(p string) string { return `to_timestamp(` + p + `::float8 / 1000)` }

func newExpressQueries(t string) expressQueries {
	return expressQueries{
		load: `SELECT sess::text, ` + expressExpiry + ` FROM ` + t + ` WHERE sid = $1 AND expire > now()`,
		save: `INSERT INTO ` + t + ` (sid, sess, expire) VALUES ($1, $2::text::json, ` + expressExpire("$3") + `)
			ON CONFLICT (sid) DO UPDATE SET sess = EXCLUDED.sess, expire = EXCLUDED.expire`,
		delete: `DELETE FROM ` + t + ` WHERE sid = $1`,
		// The compare-and-set: $2 is the sess text the caller read, $3 the
		// new text or NULL to keep it, $4 the new expiry or NULL to keep
		// it. A kept sess is not rewritten, nor re-stored out of line.
		cas: `UPDATE ` + t + ` SET sess = COALESCE($3::text::json, sess), expire = COALESCE(` + expressExpire("$4") + `, expire)
			WHERE sid = $1 AND sess::text = $2::text AND expire > now()`,
		lock: `SELECT sess::text FROM ` + t + ` WHERE sid = $1 AND expire > now() FOR UPDATE`,
		first: `SELECT sid, sess::text, ` + expressExpiry + ` FROM ` + t + ` WHERE expire > now()
			ORDER BY sid LIMIT $1`,
		next: `SELECT sid, sess::text, ` + expressExpiry + ` FROM ` + t + ` WHERE expire > now() AND sid > $2
			ORDER BY sid LIMIT $1`,
		count: `SELECT count(*) FROM ` + t + ` WHERE expire > now()`,
		// Run by Store.Cleanup, which passes the application's clock as $1
		// and the batch size as $2. A row is deleted only once both clocks
		// have passed its expire, so a row the server still serves is
		// never deleted; SKIP LOCKED and FOR UPDATE work as in Store's.
		cleanup: `DELETE FROM ` + t + ` WHERE sid IN (
			SELECT sid FROM ` + t + ` WHERE expire <= LEAST(now(), $1::timestamptz) LIMIT $2 FOR UPDATE SKIP LOCKED)`,
	}
}
