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
//   - Patch: yes, atomic. One Lua script sets and deletes single fields of
//     an existing session, so concurrent requests on one session that
//     change different keys never lose each other's writes.
//   - Touch: yes. One script moves the expiry of an existing session.
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
// Redis key (plus one the first time a Redis server runs each script, to
// load it), except that a Save or Delete involving an owner then makes a
// second round trip to the owner's index. Load, Patch, Touch and Pop cost
// the same commands whether or not the session has an owner.
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
// key, holding the value's JSON; the field "m" holds the layout version,
// "1", and keeps a session with no values in existence. The hash's TTL is
// set with PEXPIREAT to the session's expiry.
//
// An owned session (core.Record.Owner) also has the fields "o:id" (the
// owner ID), "o:c" (Owner.Created, in Unix microseconds, so that logins
// within one millisecond keep their order), "o:n" and "o:s" (Owner.Ends
// and Seen, in Unix milliseconds; "0" for none in all three), "o:ua" and
// "o:ip" (UserAgent and IP),
// and "o:g", a random generation each Save writes afresh. No value's field
// can collide with them, since every value's starts with "v:". A record
// without them, such as one written before owners existed, is unowned.
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
//   - Load, Patch, Touch, Pop: unchanged, one script, one round trip. Patch,
//     Touch and a Pop that removes a value set Owner.Seen to the
//     application's clock inside that script (one HSET more within it).
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
package redisstore
