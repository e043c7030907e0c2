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
//   - Cleanup: not needed. Redis deletes expired keys itself.
//   - Clients: standalone, Cluster, Sentinel (failover) and Ring clients
//     from github.com/redis/go-redis/v9, v9.3.0 or later (the first release
//     whose Ring and Sentinel-backed cluster clients take
//     ContextTimeoutEnabled). Redis 7.0 or later.
//
// Every operation but Range and Count is one round trip on one Redis key
// (plus one the first time a Redis server runs each script, to load it).
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
package redisstore
