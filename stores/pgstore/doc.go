// Package pgstore keeps sessionkit sessions in PostgreSQL, through a
// github.com/jackc/pgx/v5 pgxpool.Pool (pgx v5.1.0 or later: earlier
// releases' pool could wait past a context's deadline for a connection to
// an unresponsive server).
//
// A minimal program:
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer pool.Close()
//
//	store, err := pgstore.New(pool, pgstore.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer store.Close() // stops the cleanup job; the pool stays open
//	if err := store.CreateTable(ctx); err != nil {
//		log.Fatal(err)
//	}
//
//	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}, Store: store})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer mgr.Close()
//	http.ListenAndServe(":8080", mgr.Handler(app))
//
// # Schema
//
// Each session is one row: the hashed session key, the values in one jsonb
// object, the expiry, and the owner the session is bound to, if any (see
// core.Session.SetOwner). CreateTable runs, for the default table:
//
//	CREATE TABLE IF NOT EXISTS sessionkit_sessions (
//		key        text PRIMARY KEY,
//		data       jsonb NOT NULL,
//		expiry     timestamptz NOT NULL,
//		owner      text,
//		created    timestamptz,
//		ends       timestamptz,
//		seen       timestamptz,
//		user_agent text,
//		ip         text
//	);
//	CREATE INDEX IF NOT EXISTS sessionkit_sessions_expiry_idx
//		ON sessionkit_sessions (expiry);
//	CREATE INDEX IF NOT EXISTS sessionkit_sessions_owner_idx
//		ON sessionkit_sessions (owner, expiry) WHERE owner IS NOT NULL;
//
// The last six columns hold core.Record.Owner: owner is Owner.ID and the
// others its fields of the same names. A session bound to no one has NULL
// in all six, and a zero time or empty text is NULL too. The owner index is
// partial, so sessions bound to no one cost it nothing.
//
// The data object maps each name to the value's JSON text, held as a jsonb
// string rather than parsed into jsonb. A session holding the values
// "alice", [1,2] and "a\u0000b" is the row
//
//	key    | Yp2uX1GJ3tC5dVbq0e8sQm7RkLw4zHfNaBjD6oUiE9c
//	data   | {"cart": "[1,2]", "note": "\"a\\u0000b\"", "user": "\"alice\""}
//	expiry | 2030-01-02 15:04:05.123456+00
//
// so data->>'user' is the JSON text "alice", and (data->>'cart')::jsonb the
// value as jsonb where jsonb can hold it. The rare value whose text is not
// UTF-8, which encoding/json passes through from a json.RawMessage, is held
// as an object with its bytes in base64: {"raw": {"base64": "Iv8i"}}.
//
// This format changed before the first release: development versions
// stored each value as jsonb itself, which rejected U+0000 and lone
// surrogate escapes ("\u0000", "\ud800") and rewrote numbers such as 1e+21
// and -0. Rows they wrote fail to load with core.ErrBadRecord; delete them
// (their sessions end) or recreate the table.
//
// Teams that manage the schema with their own migrations can run these
// statements instead and skip CreateTable. For a custom Options.Table, name
// the table exactly as configured and the indexes after it with the
// suffixes _expiry_idx and _owner_idx, in the table's schema: CreateTable
// finds the indexes by these names. The store quotes every name, so write
// them quoted in the migration when they are not all lower case:
// Options{Table: "auth.Sessions"} means "auth"."Sessions" with the indexes
// "Sessions_expiry_idx" and "Sessions_owner_idx".
//
// # Upgrading from the first release
//
// The first release's table has only the key, data and expiry columns and
// the expiry index. An existing deployment need do nothing but call
// CreateTable once, as the minimal program does at every start: it reads
// the catalog, adds what is missing, and leaves every row as it was, so
// sessions survive the upgrade (bound to no one until their next login).
// It runs, in two transactions, each under the advisory lock that makes
// concurrent starts safe:
//
//	ALTER TABLE sessionkit_sessions
//		ADD COLUMN IF NOT EXISTS owner text,
//		ADD COLUMN IF NOT EXISTS created timestamptz,
//		ADD COLUMN IF NOT EXISTS ends timestamptz,
//		ADD COLUMN IF NOT EXISTS seen timestamptz,
//		ADD COLUMN IF NOT EXISTS user_agent text,
//		ADD COLUMN IF NOT EXISTS ip text;
//	CREATE INDEX IF NOT EXISTS sessionkit_sessions_owner_idx
//		ON sessionkit_sessions (owner, expiry) WHERE owner IS NOT NULL;
//
// On a table already current CreateTable runs neither, and takes no lock
// on the table. On a large table mind the locks of the upgrade:
//
//   - ADD COLUMN of a nullable column without a default rewrites no rows
//     on PostgreSQL 11 and later, so it is instant once it has its ACCESS
//     EXCLUSIVE lock. But it waits for every transaction using the table,
//     and the table's other queries queue behind it meanwhile. So
//     CreateTable waits at most 10 seconds for that lock (a lock_timeout
//     on its transaction) and then fails with an error saying the table
//     is in use by a long transaction, rather than stall the sessions:
//     retry the start, or upgrade at a quiet time.
//   - CREATE INDEX scans the whole table, in time proportional to its
//     size, and blocks writes to it, not reads, until it ends. To avoid that,
//     build the index beforehand with CREATE INDEX CONCURRENTLY and the
//     same name and definition; CreateTable then skips it. If a concurrent
//     build fails it leaves an invalid index of that name, which
//     CreateTable would also skip: drop it and build it again.
//
// During a rolling upgrade, instances of the first release keep working
// on the upgraded table, but ignore the owner: their Save leaves the owner
// columns of an existing row as they were, a session they regenerate loses
// its owner, and their writes do not advance seen. Owner lists are exact
// once every instance runs this release.
//
// # Capabilities
//
// Store implements every optional sessionkit interface:
//
//   - core.Patcher: yes, one UPDATE merging into the jsonb object, so
//     concurrent requests on one session never lose each other's keys.
//   - core.Toucher: yes, one UPDATE of the expiry column.
//   - core.Popper: yes, one UPDATE … RETURNING whose CTE locks the row, so
//     of concurrent requests popping one flash message exactly one sees it.
//   - core.Iterator: yes, Range pages through live rows by key; Count is one
//     query.
//   - core.Cleaner: yes, in bounded batches; a background job runs it every
//     5 minutes by default (Options.CleanupInterval).
//   - core.OwnerIndex: yes, one statement (see Owners).
//
// # Owners
//
// Binding sessions to owners adds no statement to any request. Save writes
// the owner columns in its upsert, Load and Range read them in their
// SELECT, and Patch, Touch and Pop of an owned row set seen to the
// application's clock in the UPDATE they run anyway; a request on an owned
// session runs the same statements as on an unowned one.
//
// Owned, on which core.Manager.OwnerSessions, RevokeSession, RevokeOwner,
// core.Session.RevokeOthers and core.OwnerConfig.MaxSessions build, is one
// statement: a CTE deletes the owner's expired rows and a SELECT returns
// its live ones, both through the owner index, so its cost is in
// proportion to that owner's rows and it never scans other owners'. When
// statistics show few expired rows in the table, the planner may find the
// owner's expired rows through the expiry index instead, which is as
// cheap. A revocation then deletes each session it ends with one DELETE.
//
// # Failures
//
// Every method honours its context, so core.Config.StoreTimeout bounds each
// call, and wraps errors with the operation ("pgstore: load: ..."). The pool
// replaces connections the server dropped, so a database restart costs
// failed requests, not an application restart. Set connect_timeout in the
// database URL (for example ?connect_timeout=5): a connection attempt that
// outlives its request finishes in the pool's background, and without a
// timeout an unreachable server keeps it pending until the pool closes.
//
// # Expiry and values
//
// Expiry follows the application's clock: queries compare with a time.Now()
// sent from Go, not the server's now(). A zero core.Record.Expiry, which core
// reads as "never expires", is stored as the timestamp infinity.
//
// Every value that encoding/json produces loads byte for byte as it was
// saved, whitespace, key order, escapes and number spelling included:
// strings holding U+0000 or lone surrogate escapes, objects with such keys,
// numbers beyond float64 such as 12345678901234567890 or 1E400, and values
// nested as deep as encoding/json reads. Only a value that is not JSON, or
// a name that is not UTF-8 text without NUL (which core never sends), fails
// to save, with an error wrapping core.ErrBadRecord. The database must use
// the UTF8 encoding, PostgreSQL's usual default.
package pgstore
