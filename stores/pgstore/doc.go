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
//
// # Sharing sessions with Express
//
// NewExpress returns an ExpressStore, the store for core.Express: it
// reads and writes the rows of connect-pg-simple, the PostgreSQL store of
// an express-session app, in place, so that a user's session is the same
// on the Node app and on the Go app. Its table is connect-pg-simple's
// (ExpressOptions.Table and Schema are its tableName and schemaName), which
// ExpressOptions.CreateTable creates as connect-pg-simple's
// createTableIfMissing does, less WITH (OIDS=FALSE), which PostgreSQL 12
// and later reject:
//
//	CREATE TABLE IF NOT EXISTS "session" (
//		"sid" varchar NOT NULL COLLATE "default",
//		"sess" json NOT NULL,
//		"expire" timestamp(6) NOT NULL,
//		CONSTRAINT "session_pkey" PRIMARY KEY ("sid"));
//	CREATE INDEX IF NOT EXISTS "IDX_session_expire" ON "session" ("expire");
//
// For another table the constraint and index are named after it,
// table+"_pkey" and "IDX_"+table+"_expire". Creation takes the advisory
// lock of Store.CreateTable, so instances may start at once, and reads the
// catalog first, so on an existing table it takes no lock on it.
//
// sid is the raw Express session ID, the key the manager passes in its
// express-session mode. sess is the session object's JSON:
//
//	{"cookie":{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","secure":false,"httpOnly":true,"path":"/"},"passport":{"user":"106"}}
//
// Each top-level member is one value of core.Record, byte for byte, the
// cookie member included, which the manager maintains. A json column keeps
// the text it is given, so a value Node wrote loads with its exact bytes
// (numbers beyond float64, escapes, spacing), and a Go write rewrites only
// the members it names; a Node save re-serialises the whole object,
// values Go wrote included, through JSON.parse and JSON.stringify. The record's owner (core.Record.Owner) is the
// member "sessionkitOwner": Express keeps it as a property of its session
// and writes it back with every save, and its regenerate and destroy drop
// it with the session. A value whose text is not UTF-8, which only Go can
// produce and a json column cannot hold, is written with each invalid byte
// as \ufffd, which Node reads as U+FFFD, and its exact bytes are kept in
// base64 in the member "sessionkitBytes", from which Go restores them for
// as long as the stored value means the same to JavaScript. Values named
// "sessionkitOwner" or "sessionkitBytes" are refused with core.ErrBadRecord.
//
// expire is a timestamp without time zone. Go writes it as connect-pg-simple
// does, with to_timestamp on the server, so it holds the expiry's local
// time in the connection's TimeZone, and reads it back in that TimeZone.
// The Go app's connections must therefore use the same TimeZone as the
// Express app's: both get the database's default unless they set one, so
// set none (no timezone in the URL or the pool's RuntimeParams) or the same
// on both. A reader in another TimeZone sees every expiry shifted by the
// difference. Run both apps, or the database's timezone setting, in UTC:
// in a zone with daylight saving, an expiry in the repeated hour of the
// autumn change reads back an hour late, in Go and in Node alike. Note
// that pgx honours the PGTZ environment variable and node-postgres does
// not, and that a role or database timezone setting applies to both.
// Liveness is expire > now(): unlike Store, an ExpressStore follows the
// database server's clock.
//
// Go writes the exact expiry it is given, to the millisecond, where
// connect-pg-simple rounds up to the second, so Express's rows live up to
// a second longer than their cookie's Expires. The browser drops the
// cookie at its Expires, which has one-second precision (rounded down), so
// an exact expiry keeps the row at least as long as the browser sends the
// cookie, and Express never finds a row Go wrote expired while its cookie
// is valid. A zero Expiry never expires: it is the timestamp infinity, as
// in Store.
//
// Express saves a session by overwriting the whole object, and that cannot
// change. So Patch, Touch and Pop compare and set: they read sess, compute
// the new text, and write it with one UPDATE that matches only while sess
// still holds the text read. When another writer got there first, they
// do it again under the row's lock (SELECT … FOR UPDATE and the UPDATE,
// in one transaction), which every other writer, Express's upserts
// included, waits for: at most two attempts, so one hot session under
// many concurrent requests costs waiting, never a failure, whatever the
// connections' default_transaction_isolation. Go thus never loses an
// Express write, nor another Go write, through these (Patch, Touch and Pop; a whole Save, which the manager makes for a
// new or regenerated session and for SetOwner without Regenerate,
// replaces the record as Express's own save does).
// An Express write can still lose a Go write:
// an Express save of a request that loaded the session before the Go write
// committed overwrites it, since Express saves the object as it loaded it
// (with express-session's resave: false, only requests that changed the
// session save). Express's touch writes only expire and loses nothing.
//
// ExpressStore implements:
//
//   - core.Store: Load is one SELECT; Save one upsert (INSERT … ON
//     CONFLICT), or one DELETE for an expiry already past; Delete one
//     DELETE.
//   - core.Patcher, core.Toucher and core.Popper: one SELECT and one UPDATE,
//     which carries the text read as well as the new one; after a lost
//     race, a transaction of a locking SELECT and the UPDATE. Touch of a session without an owner
//     writes only expire, still matching sess, so a concurrent binding is
//     not missed; Pop of a value that is not there is the SELECT alone.
//   - core.Iterator: Range reads pages of 100 live rows in sid order, one
//     SELECT each; Count is one SELECT.
//   - core.Cleaner: as Store's, in DELETEs of at most 1000 expired rows;
//     a background job runs it every 5 minutes by default
//     (ExpressOptions.CleanupInterval). connect-pg-simple's own pruning may
//     run beside it.
//   - No core.OwnerIndex: the manager finds an owner's sessions through
//     Range.
package pgstore
