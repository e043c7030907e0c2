package redisstore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
)

// DefaultPrefix is the key prefix used when Options.Prefix is empty.
const DefaultPrefix = "sessionkit:"

// Hash layout. Every session value lives in the field valuePrefix+key, so
// no session key, not even "", can collide with markerField. The marker
// keeps a session with no values alive: Redis deletes a hash whose last
// field goes. Its value is the layout version.
const (
	valuePrefix   = "v:"
	markerField   = "m"
	layoutVersion = "1"
)

// Options configures New. The zero value is ready to use.
type Options struct {
	// Prefix is prepended to every session key to form the Redis key, so
	// one Redis database can hold several applications' sessions and
	// Range and Count see only this store's. The default is DefaultPrefix,
	// "sessionkit:".
	//
	// Prefix must not contain "{" or "}": in a Redis Cluster a hash tag
	// would put every session in one slot, on one master. Glob characters
	// (*, ?, [, ], \) are allowed; SCAN patterns escape them.
	Prefix string
}

// Store is a core.Store backed by Redis. It implements core.Patcher,
// core.Toucher, core.Popper and core.Iterator. It needs no core.Cleaner:
// Redis expires keys by itself.
//
// Each session is one Redis hash under Prefix+key, so every operation
// touches a single key and works unchanged on Redis Cluster. The hash's
// TTL is set with PEXPIREAT to the record's expiry; a zero Expiry means no
// TTL. Expiries are absolute instants, so the clocks of the application
// servers and of Redis must agree (run NTP): Redis drops a record when its
// own clock passes the expiry, and Load, Patch, Touch and Pop treat a
// record as gone when the application's clock does, so a write never
// revives, and a pop never reads, a session Load has reported gone.
//
// Store requires Redis 7.0 or later (PEXPIRETIME). It is safe for
// concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var (
	_ core.Store    = (*Store)(nil)
	_ core.Patcher  = (*Store)(nil)
	_ core.Toucher  = (*Store)(nil)
	_ core.Popper   = (*Store)(nil)
	_ core.Iterator = (*Store)(nil)
)

// New returns a Store that talks to Redis through client: a *redis.Client,
// a *redis.ClusterClient, a Sentinel-backed failover client or a
// *redis.Ring. The caller keeps ownership of client and closes it after
// the last use of the Store.
//
// The client must be created with ContextTimeoutEnabled set, and New
// returns an error for a *redis.Client, *redis.ClusterClient or *redis.Ring
// without it. Otherwise go-redis ignores context deadlines on the socket,
// so core.Config.StoreTimeout could not cut short a call to a Redis that
// hangs rather than refuses connections: the call would wait for
// go-redis's own DialTimeout, ReadTimeout or WriteTimeout instead.
//
// New does not contact Redis, so it cannot fail because the server is
// down; it returns an error only for a nil client, a client without
// ContextTimeoutEnabled or a bad Options.Prefix.
func New(client redis.UniversalClient, opts Options) (*Store, error) {
	if client == nil {
		return nil, errors.New("redisstore: new: nil client")
	}
	if !honoursDeadlines(client) {
		return nil, errors.New("redisstore: new: create the client with ContextTimeoutEnabled: true so calls honour their context deadline")
	}
	prefix := opts.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if strings.ContainsAny(prefix, "{}") {
		return nil, fmt.Errorf("redisstore: new: prefix %q contains a hash tag brace", prefix)
	}
	return &Store{client: client, prefix: prefix}, nil
}

// honoursDeadlines reports whether go-redis will cut a call short at its
// context's deadline. Client types it cannot inspect are trusted.
func honoursDeadlines(client redis.UniversalClient) bool {
	switch c := client.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		return c.Options().ContextTimeoutEnabled
	}
	return true
}

// Close releases nothing and returns nil: the Store starts no goroutines
// and does not own the client. Close the client yourself. Close exists so
// a Store can be handled like any other closable store.
func (s *Store) Close() error { return nil }

func (s *Store) redisKey(key string) string { return s.prefix + key }

// expiryArg encodes an expiry for the scripts as Unix milliseconds: "0"
// for no expiry, and at least "1" (long past) for a set one, so 0 stays
// unambiguous.
func expiryArg(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(max(t.UnixMilli(), 1), 10)
}

// expired reports whether a record with expiry t is over by the
// application's clock.
func expired(t time.Time, now time.Time) bool {
	return !t.IsZero() && !now.Before(t)
}

// hashArgs appends the field/value pairs for vals to args.
func hashArgs(args []any, vals map[string][]byte) []any {
	for k, v := range vals {
		args = append(args, valuePrefix+k, v)
	}
	return args
}
