// Package scsstore keeps sessionkit sessions in any session store written for
// github.com/alexedwards/scs/v2, so every backend the scs ecosystem supports
// is available without a dedicated sessionkit store.
//
// A minimal program, with scs's in-memory store:
//
//	backend := memstore.NewWithCleanupInterval(time.Minute)
//	defer backend.StopCleanup()
//
//	mgr, err := core.New(core.Config{
//		Secrets: [][]byte{secret}, // secret: 32+ random bytes
//		Store:   scsstore.New(backend),
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer mgr.Close()
//	views := core.Key[int]("views")
//	mux := http.NewServeMux()
//	mux.HandleFunc("POST /count", func(w http.ResponseWriter, r *http.Request) {
//		s := core.FromRequest(r)
//		n := views.Get(s) + 1
//		views.Set(s, n) // a store failure becomes a 500 at commit
//		fmt.Fprintln(w, n)
//	})
//	http.ListenAndServe("localhost:8080", mgr.Handler(mux))
//
// Use NewIterable instead of New when the scs store can list its sessions
// (it implements scs.IterableStore) and you want core.Iterator for admin
// pages or metrics.
//
// # Backends
//
// Any scs.Store works. The scs repository ships stores for BadgerDB, BBolt,
// BuntDB, LevelDB, SQLite (sqlite3store), MySQL and MariaDB (mysqlstore),
// PostgreSQL (pgxstore, postgresstore), CockroachDB, Microsoft SQL Server,
// MongoDB, Redis, Consul, etcd, Google Cloud Firestore, and the GORM and Bun
// ORMs; third-party implementations of scs.Store, for services such as
// DynamoDB, plug in the same way. Stores that implement scs.CtxStore receive
// each call's context.
//
// Each session is one blob (core.EncodeRecord's JSON, with the expiry
// inside) committed under the hashed session key, with the session's expiry
// as the scs deadline. Load re-checks that expiry, so an expired session is
// never returned even by a backend whose own expiry is coarse or lazy. The
// scs store's own cleanup goroutine removes expired blobs; this package does
// not start or stop it.
//
// # Concurrent requests
//
// This is a whole-record store: it implements neither core.Patcher nor
// core.Toucher, and core.CapabilitiesOf reports neither capability, so the
// manager changes a session by reading the whole record, modifying it and
// writing the whole record back. When two requests for the
// same session run at once and change different keys, the later write
// replaces the whole record and can drop the earlier request's change (last
// writer wins). The manager narrows that window by re-reading the record
// just before writing and applying only the keys its request changed, but it
// cannot close it. Idle-timeout touches are whole-record writes as well, and
// for the same reason a request that read the session just before another
// request destroyed it (a logout in a second tab, say) can write it back.
//
// Many applications never notice, because a user's concurrent requests
// rarely write the session. When they do (a page that fires parallel requests
// which each record something in the session, for example), use a store with
// atomic per-key patches, such as redisstore or pgstore.
//
// Flash messages are affected the same way. Nor does the package implement
// core.Popper: an scs store can only read and write whole blobs, so it cannot
// take one value out in one atomic step, and Key.Pop is atomic within one
// request only. Concurrent requests that load the session before the first
// of them commits each see the flash, so a flash message may show more than
// once (in every tab or parallel request that loaded it), though it is gone
// for the requests that follow. redisstore, pgstore and core.MemoryStore pop
// natively and show it exactly once.
//
// # Per-user sessions
//
// The owner a session is bound to (core.Session.SetOwner) travels in the
// blob with the values, and the manager's Load-then-Save writes keep it
// and its last-seen time. The package has no owner index: an scs store can
// only look blobs up by token. So the owner operations (OwnerSessions,
// RevokeSession, RevokeOthers, Manager.RevokeOwner, and the
// OwnerConfig.MaxSessions check at login) work through NewIterable only,
// by scanning every session in the store and decoding each blob: O(all
// sessions) per call, fine for an app with a few thousand sessions, slow
// for one with millions. Through New they fail with an error wrapping
// core.ErrNoOwnerIndex and change nothing, and core.New refuses
// OwnerConfig.MaxSessions with ErrInvalidConfig. Use redisstore or
// pgstore, which index sessions by owner, when these operations matter at
// scale.
//
// # MySQL and MariaDB through mysqlstore
//
// Two changes to the schema mysqlstore's README gives, both checked by this
// package's tests against MariaDB:
//
//   - Make data MEDIUMBLOB (or LONGBLOB): a BLOB holds 64 KiB, and a larger
//     session fails to save.
//   - Leave out the index on expiry. With it, mysqlstore's cleanup DELETE and
//     concurrent commits lock the index and the primary key in opposite
//     orders, and InnoDB now and then aborts a commit with a deadlock (error
//     1213), failing that request. Without it each cleanup, every five
//     minutes by default, scans the table.
//
// The table then reads:
//
//	CREATE TABLE sessions (
//		token CHAR(43) PRIMARY KEY,
//		data MEDIUMBLOB NOT NULL,
//		expiry TIMESTAMP(6) NOT NULL
//	);
package scsstore
