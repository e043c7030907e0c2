// Package pgstore keeps sessionkit sessions in PostgreSQL, through a
// github.com/jackc/pgx/v5 pgxpool.Pool.
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
// Each session is one row: the hashed session key, the values as one jsonb
// object {"name": value, ...}, and the expiry. CreateTable runs, for the
// default table:
//
//	CREATE TABLE IF NOT EXISTS sessionkit_sessions (
//		key    text PRIMARY KEY,
//		data   jsonb NOT NULL,
//		expiry timestamptz NOT NULL
//	);
//	CREATE INDEX IF NOT EXISTS sessionkit_sessions_expiry_idx
//		ON sessionkit_sessions (expiry);
//
// Teams that manage the schema with their own migrations can run these
// statements instead and skip CreateTable. For a custom Options.Table, name
// the table exactly as configured and the index after it with the suffix
// _expiry_idx, in the table's schema. The store quotes both names, so write
// them quoted in the migration when they are not all lower case:
// Options{Table: "auth.Sessions"} means "auth"."Sessions" with the index
// "Sessions_expiry_idx".
//
// # Capabilities
//
// Store implements every optional sessionkit interface:
//
//   - core.Patcher: yes, one UPDATE merging into the jsonb object, so
//     concurrent requests on one session never lose each other's keys.
//   - core.Toucher: yes, one UPDATE of the expiry column.
//   - core.Iterator: yes, Range pages through live rows by key; Count is one
//     query.
//   - core.Cleaner: yes, in bounded batches; a background job runs it every
//     5 minutes by default (Options.CleanupInterval).
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
// jsonb normalises the JSON it stores: whitespace and object key order are
// not kept, as core.Record allows. It cannot hold the character U+0000 in a
// string or object key, so a value containing "\u0000" fails to save with
// an error.
package pgstore
