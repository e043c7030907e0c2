// Package redisstore keeps sessionkit sessions in Redis, so every instance
// of an application sees the same sessions.
//
// A minimal program:
//
//	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
//	defer client.Close()
//	store, err := redisstore.New(client, redisstore.Options{})
//	if err != nil {
//		log.Fatal(err)
//	}
//	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}, Store: store})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer mgr.Close()
//	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mgr.Handler(mux)))
//
// # Capabilities
//
//   - Patch: yes, atomic. One MULTI/EXEC, no script, sets and deletes
//     single fields of an existing session, so concurrent requests on one
//     session that change different keys never lose each other's writes.
//   - Touch: yes. One MULTI/EXEC moves the expiry of an existing session.
//   - Pop: yes, atomic. One script reads and deletes one field (HGET and
//     HDEL) of an existing session, so of concurrent requests popping one
//     flash message exactly one sees it.
//   - Iterate: yes, with SCAN (never KEYS), on every master of a cluster.
//   - IndexOwners: yes. Each owner has an index of its sessions, so
//     core.Manager.OwnerSessions and the revocations find them without a
//     scan (see "Owner index").
//   - Cleanup: not needed. Redis deletes expired keys itself.
//   - Clients: standalone, Cluster, Sentinel (failover) and Ring clients
//     from github.com/redis/go-redis/v9, v9.3.0 or later (the first release
//     whose Ring and Sentinel-backed cluster clients take
//     ContextTimeoutEnabled). Redis 7.0 or later.
//
// Every operation but Range, Count and Owned is one round trip on one
// Redis key, except as listed below. Per call, with the commands Redis
// runs:
//
//   - Load: one plain HGETALL, no script: the hash carries its own expiry
//     (see "Layout"). A record saved by a version before layout "2" and
//     not written since, or one whose expiry field says it has expired,
//     costs a second round trip, PEXPIRETIME, since only its TTL knows its
//     expiry.
//   - Patch: one MULTI/EXEC of HEXISTS and PEXPIRETIME (the state before
//     the write, read at the same instant), HSET, HDEL when the patch
//     deletes, and PEXPIREAT (PERSIST for a zero expiry); a patch of over
//     1000 values splits HSET and HDEL into several commands. Touch: the
//     same without HDEL.
//   - Pop: one script (EVALSHA), since it must not write anything unless
//     the value is there. Save and Delete: one script each, which returns
//     the previous owner, plus the owner index round trip below.
//
// The scripts cost one more round trip the first time a Redis server runs
// each, to load it. Load, Patch, Touch and Pop cost the same commands
// whether or not the session has an owner.
//
// # Patch and Touch of a missing session
//
// A transaction cannot make its writes depend on its reads, so a Patch or
// Touch of a session that is missing, or has expired by the application's
// clock while Redis, whose clock may lag, still holds it, writes anyway;
// its own reads then show that, it reports found false and, in a second
// round trip, takes the write back with a small script: the key of a
// missing session is deleted if it still lacks the marker, that of an
// expired one if its expiry field is still the one just written. Neither
// ever creates or revives a record for good, and neither deletes one a
// Save has written since. What remains:
//
//   - Between the transaction and the delete (one round trip), the key of
//     a missing session exists without the marker: Load, Range, Pop and
//     Owned never take it for a session, but Count, which counts keys,
//     includes it.
//   - In that same window, a session that had expired by the application's
//     clock reads as live again, with the new expiry, to a concurrent
//     Load or Range.
//   - If the delete fails (it runs on a context of its own, two tries of
//     two seconds each, and Patch or Touch then returns its error) or the
//     process dies before it, the leftover stays until the expiry just
//     written (for ever with a zero one): a missing session's leftover is
//     counted by Count and nothing else; an expired session stays revived.
//   - A Save racing the take-back of an expired session with exactly the
//     same expiry, to the millisecond, is deleted by it. The manager saves
//     a fresh ID rather than an expired one, so this takes a direct
//     caller.
//
// The manager loads a session before it patches or touches it, so these
// paths run only when the session is deleted or expires during a request.
// A key under Prefix that is not a hash is not the store's: Patch and
// Touch fail on it with WRONGTYPE, but their PEXPIREAT still moves its
// TTL.
//
// # Deadlines
//
// An operation whose context is already done returns at once, and a call
// in flight ends at its context's deadline, so core.Config.StoreTimeout
// bounds it, provided the client was created with ContextTimeoutEnabled:
// true, as above. New also accepts the client an application already
// shares without it, and then logs one warning (through Options.Logger,
// by default slog.Default()) with the fix: such a client ignores context
// deadlines on the socket, so a call to a Redis that hangs rather than
// refuses connections lasts until the client's own ReadTimeout or
// WriteTimeout runs out (3 seconds each by default), whatever StoreTimeout
// says.
//
// # Layout
//
// A session is a Redis hash under Options.Prefix followed by the session's
// store key (the SHA-256 of its ID, so a dump of Redis yields no usable
// cookie). Each session value is the field "v:" followed by the value's
// key, holding the value's JSON. The field "m", the marker, makes the
// hash a record (a hash without it reads as absent to every operation)
// and keeps a session with no values in existence; it holds the layout
// version of the Save that wrote it. The field "e" holds the session's
// expiry in Unix milliseconds ("0" for none), and the hash's TTL is set
// with PEXPIREAT to the same instant: Redis deletes the key, and Load
// judges the expiry by the application's clock from "e" alone, one
// command.
//
// Layout "2", written by this version's Save, has "e". Layout "1",
// written by earlier versions, has no "e": Load reads its expiry from the
// TTL in a second round trip, and the first Patch or Touch of it writes
// "e" (the marker stays "1", since a Patch never writes the marker), so
// rolling deploys keep every session. Earlier versions read layout "2" as
// their own, ignoring "e"; but their Patch and Touch move the TTL without
// moving "e", so while they still run, a session they last touched may
// carry an "e" older than its TTL. Load and Range then read the TTL
// (the second round trip) once "e" has passed, so they never lose such a
// session, but may report an Expiry earlier than the TTL while "e" has
// not; and a record saved with no expiry that an earlier version then
// gave one reads as having none.
//
// An owned session (core.Record.Owner) also has the fields "o:id" (the
// owner ID), "o:c" (Owner.Created, in Unix microseconds, so that logins
// within one millisecond keep their order), "o:n" and "o:s" (Owner.Ends
// and Seen, in Unix milliseconds; "0" for none in all three), "o:ua" and
// "o:ip" (UserAgent and IP),
// and "o:g", a random generation each Save writes afresh. No value's field
// can collide with them, since every value's starts with "v:". A record
// without "o:id", such as one written before owners existed, is unowned,
// whatever else it has: every Patch and Touch writes "o:s" (the
// transaction cannot tell whether the session is owned), and readers
// ignore it without "o:id".
//
// Owner's index is a Redis hash under Options.Prefix followed by "owner:"
// and the hex SHA-256 of the owner ID, so no key names a user; Range and
// Count never take it for a session. Its fields are the store keys of the
// owner's sessions, each holding the generation of the Save that wrote
// it.
//
// # Owner index
//
// Cost per operation:
//
//   - Owned: two round trips. HGETALL of the index, then one pipelined
//     script per entry that reads the session's owner fields and expiry
//     at one instant. A third, one script on the index, prunes the stale
//     entries it met, only when there are any. Never a SCAN: the cost follows the
//     owner's entries.
//   - Save of an owned session: two round trips, one more than an unowned
//     one. The script that writes the hash returns the owner it replaced;
//     then one script writes the index entry (and, if the owner changed,
//     another deletes the old owner's, in the same pipeline). A Save that
//     unbinds a session makes the second round trip only to delete the
//     old entry.
//   - Delete of an owned session: two round trips. The script that deletes
//     the hash returns its owner, then the entry goes. An unowned
//     session's Delete makes one.
//   - Load, Patch, Touch, Pop: unchanged, one round trip each. Patch and
//     Touch set Owner.Seen to the application's clock in the HSET they
//     make anyway, for every session; a Pop that removes a value sets it
//     inside its script (one HSET more within it), for owned ones only.
//
// TTL: an index lives at least until the latest Owner.Ends (or expiry, if
// later) of the sessions saved into it; each Save only ever extends it
// (its TTL is raised, never lowered), so the index never dies
// before a session in it can: the manager sets Ends, the end of the
// absolute lifetime, past which no Touch moves an expiry. A session saved
// without Ends (by a direct caller) or without an expiry makes its index
// persistent, since a Touch could then move its expiry anywhere. An index
// whose last entry goes is deleted by Redis.
//
// Growth: each entry's value, the Save's generation, starts with its
// session's end ("<Unix ms>.<random>"), and every Save to an owner first
// drops the entries of that owner whose end has passed; Owned drops them
// too. So an owner's index holds the owner's sessions that can still be
// live, and those ended since the owner's last login or listing, without
// a background scan. An application server whose clock runs ahead drops
// an entry early by that much: a session within that skew of its end may
// go unlisted.
//
// Consistency, on Redis Cluster and a Ring as on one server: a session and
// its owner's index sit in different slots, so no write is atomic across
// the two. Owned therefore trusts no entry: it lists a session only if
// its own hash, read by that one script, names the owner and has not
// expired by the application's clock. So Owned never returns a session
// deleted, expired, or saved since to another owner or to none, whatever
// the index still holds. What can be momentarily stale:
//
//   - A session just saved to an owner is not listed until its Save's
//     second round trip has written the entry: a Save that has returned is
//     always listed, but an Owned running concurrently with it may miss
//     it (and OwnerConfig.MaxSessions may then count one session fewer).
//   - An entry of a session deleted, expired or re-bound stays in the
//     index until the Delete's or Save's second round trip, or the next
//     Owned, deletes it; it is never listed meanwhile.
//   - Entries are deleted only while they hold the generation that was
//     checked, so a prune or a Delete racing a new Save of the same
//     session to the same owner never removes the entry that Save wrote,
//     and concurrent re-bindings of one session never leave it missing
//     from its final owner's index.
//   - Owned prunes only what Redis itself reports (a hash gone, or bound
//     to another owner or none) and entries past their session's end. A
//     session that has only expired by the application's clock is left
//     out of the result but keeps its entry, since a Touch may have just
//     extended it; once Redis expires the hash, the next Owned prunes it.
//
// A Save whose index write fails deletes the hash it just wrote (unless
// another Save has replaced it) and returns the error. The index write
// fails most often because the call's context ended, so that delete runs
// on a context of its own (two tries of two seconds each). If it fails
// too, because Redis is unreachable, or the process dies between the two
// round trips, the session exists but is missing from its owner's index,
// and so from Owned and the revocations, until it is saved again or
// expires.
//
// # Sharing sessions with Express
//
// NewExpress returns an ExpressStore, which keeps sessions in the format
// of connect-redis (v7 to v9), the Redis store of Node's express-session,
// so that a Go application and a running Express app share them: the
// manager, in its express-session mode, reads Express's signed cookie and
// passes the raw Express session ID as the store key, and both sides
// read and write the same records in place.
//
//	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
//	store, err := redisstore.NewExpress(client, redisstore.ExpressOptions{}) // connect-redis's "sess:" prefix
//
// Layout: a session is a Redis string under ExpressOptions.Prefix
// ("sess:" by default, connect-redis's) followed by the session ID,
// holding the JSON of Express's session object, for example
//
//	{"cookie":{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","httpOnly":true,"path":"/"},"passport":{"user":"106"}}
//
// with the key's TTL as the session's expiry, as connect-redis writes it
// (SET key json EX ttl). Every top-level member is one value of the
// core.Record, the "cookie" member included (the manager maintains it),
// and every value keeps its exact bytes both ways: a member Node wrote
// reads back byte for byte, and a Go write leaves the members it does
// not name as they were, so numbers beyond float64, escapes and spacing
// survive, until Node next saves the session: Express re-serialises the
// whole object, values Go wrote included, through JSON.parse and
// JSON.stringify. The one exception is the member "sessionkitOwner", which holds
// core.Record.Owner: Express loads it as a property of its session and
// writes it back with each save, so a binding made on the Go side
// survives Express's writes; Express's regenerate and destroy drop it, as
// they drop the session. An unowned record has no such member, and Go
// writes none into it.
//
// Capabilities and their cost, with no Lua anywhere (Lua's cjson would
// re-encode the document, turning [] into {} and reordering members):
//
//   - Load: one round trip, GET and PTTL in one MULTI/EXEC. Expiry is the
//     time of the call plus the PTTL; a key without a TTL has a zero
//     Expiry. A document that is not a JSON object is an error wrapping
//     core.ErrBadRecord, which never quotes the document; a malformed
//     owner member (Node code may write anything there) reads as no
//     owner.
//   - Save: one round trip, SET with PXAT (or without a TTL for a zero
//     Expiry), replacing the whole document as Express does; an expiry
//     already past DELetes the key instead. Delete: one DEL.
//   - Patch: atomic per key, by compare-and-set (below). The new document
//     is SET with PXAT the record's new expiry, computed as Express's save
//     computes it: its own cookie member (as stored now, so a concurrent
//     Node change to it is kept) gets expires now plus its maxAge, which
//     is the expiry; a record without a cookie member takes the patch's.
//   - Touch: by compare-and-set, to now plus the record's own cookie
//     maxAge (the touch's expiry for a record without one), as Express's
//     touch. For an unowned record, PEXPIREAT (PERSIST
//     for a zero expiry) in the transaction, and the document is not
//     rewritten; for an owned one, the document is rewritten with
//     Owner.Seen moved, SET with PXAT.
//   - Pop: atomic, by compare-and-set: the document without the member is
//     SET with KEEPTTL, so the expiry does not move, and of concurrent
//     pops of one value exactly one gets it.
//   - Iterate: Range and Count walk the string keys under the prefix with
//     SCAN … TYPE string (never KEYS), on every master of a cluster or
//     every shard of a ring, skipping keys of other types: one SCAN per
//     500 keys examined, and for Range one pipelined round trip (GET and
//     PTTL per key) per page found. A record that does not decode ends
//     Range with an error wrapping core.ErrBadRecord, so keep the prefix
//     to express-session's records.
//   - Cleanup: not needed; Redis expires keys. IndexOwners: no; the
//     manager lists an owner's sessions through Range, which costs a walk
//     of every session.
//
// Every operation touches one key, so ExpressStore works unchanged on a
// standalone Redis (or Sentinel), a Cluster and a Ring, and honours its
// context's deadline as Store does (see "Deadlines"). It needs Redis 6.2
// or later (SET PXAT and KEEPTTL, SCAN TYPE).
//
// Compare-and-set: Patch, Touch and Pop WATCH the key, GET the document,
// decide the write, and send it in MULTI/EXEC, which Redis refuses if any
// client wrote the key since the WATCH; they then read again and retry,
// after a short random backoff (below 25 ms). That is three round trips
// per attempt, WATCH, GET and MULTI…EXEC, plus the UNWATCH go-redis sends
// as it releases the connection; a Pop of an absent value and a call on
// an absent key stop after the GET. After 64 attempts that all lost
// their race, which takes about a second of a session rewritten faster
// than each round trip, the call returns an error saying the session is
// under write contention and has written nothing. A Patch, Touch or Pop
// whose key is absent, or whose new expiry has passed, reports found
// false and writes nothing: none creates or revives a record.
//
// What can still be lost: Go never loses an Express write, since a Go
// write commits only onto the very document it read (Patch, Touch and Pop; a whole Save, which the manager makes for a
// new or regenerated session and for SetOwner without Regenerate,
// replaces the record as Express's own save does). Express, though,
// saves the whole session object it loaded at the start of its request,
// and that cannot change: an Express save of a session loaded before a Go
// write committed overwrites that Go write, so a Go write is safe from
// Express only once every Express request that loaded the session before
// it has finished. Express's touch (EXPIRE) and its saves also reset the
// TTL to its own cookie's expiry.
//
// Expiry precision: Go writes the exact expiry it is given, to the
// millisecond (PXAT, rounded up to the next millisecond), where
// connect-redis rounds the TTL up to the second, so a record Express
// writes lives up to a second longer than its cookie. A browser drops a
// cookie at its Expires, which has one-second precision (rounded down),
// so an exact expiry keeps the record at least as long as the browser
// sends the cookie, and Express, reading a record Go wrote, never finds
// it expired while its cookie is valid. Go's expiries are absolute
// (PXAT, PEXPIREAT), as Store writes them, so a slow round trip does not
// lengthen them; Redis's clock and the application's must agree, as for
// Store. connect-redis's TTLs are relative. A loaded Expiry is exact to
// within one round trip.
package redisstore
