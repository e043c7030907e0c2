package redisstore

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
)

// DefaultPrefix is the key prefix used when Options.Prefix is empty.
const DefaultPrefix = "sessionkit:"

// Hash layout. Every session value lives in the field valuePrefix+key, so
// no session key, not even "", can collide with markerField, expiryField
// or the owner fields, none of which starts with valuePrefix. The marker
// makes a hash a record, and keeps a session with no values alive: Redis
// deletes a hash whose last field goes. Its value is the layout version
// of the Save that wrote it: "1" before expiryField existed, "2" since;
// the owner fields were added without a new version, since a record
// without them reads as unowned. A Patch or Touch never writes the
// marker (so that one of a missing key leaves no record behind), but
// gives a "1" record the expiry field, so a record's version says only
// that the field is there since its Save.
const (
	valuePrefix   = "v:"
	markerField   = "m"
	layoutVersion = "2"
	// expiryField holds the record's expiry in Unix milliseconds, "0"
	// for none, the same instant as the key's TTL, so that Load needs one
	// HGETALL and no PEXPIRETIME.
	expiryField = "e"
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

	// Logger receives the one warning New logs for a client created
	// without ContextTimeoutEnabled. The Store logs nothing else, and never
	// a session key or ID. The default is slog.Default(), as it is when New
	// is called.
	Logger *slog.Logger
}

// Store is a core.Store backed by Redis. It implements core.Patcher,
// core.Toucher, core.Popper, core.Iterator and core.OwnerIndex. It needs
// no core.Cleaner: Redis expires keys by itself.
//
// Each session is one Redis hash under Prefix+key, so every operation on
// a session touches a single key and works unchanged on Redis Cluster; an
// owned session also has an entry in its owner's index, another key (see
// the package doc's "Owner index"). The hash's
// TTL is set with PEXPIREAT to the record's expiry; a zero Expiry means no
// TTL. Expiries are absolute instants, so the clocks of the application
// servers and of Redis must agree (run NTP): Redis drops a record when its
// own clock passes the expiry, and Load, Patch, Touch and Pop treat a
// record as gone when the application's clock does, so a pop never reads,
// and a write never revives for good, a session Load has reported gone
// (see the package doc's "Patch and Touch of a missing session" for the
// one round trip in which a write of one can be seen).
//
// Store requires Redis 7.0 or later (PEXPIRETIME). It is safe for
// concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
}

var (
	_ core.Store      = (*Store)(nil)
	_ core.Patcher    = (*Store)(nil)
	_ core.Toucher    = (*Store)(nil)
	_ core.Popper     = (*Store)(nil)
	_ core.Iterator   = (*Store)(nil)
	_ core.OwnerIndex = (*Store)(nil)
)

// New returns a Store that talks to Redis through client: a *redis.Client
// (standalone, or Sentinel-backed from redis.NewFailoverClient), a
// *redis.ClusterClient, a *redis.Ring, or whatever redis.NewUniversalClient
// returns. Pass the client the application already has; the caller keeps
// ownership of it and closes it after the last use of the Store.
//
// Create the client with ContextTimeoutEnabled: true, so that a call ends
// at its context's deadline and core.Config.StoreTimeout bounds it even
// when Redis hangs rather than refuses connections. Without it go-redis
// ignores context deadlines on the socket: a call to a frozen Redis lasts
// until the client's own ReadTimeout or WriteTimeout runs out (3 seconds
// each by default; a negative one never does), whatever StoreTimeout says.
// New accepts such a client and logs one warning through Options.Logger
// naming the fix. A client type of your own, which New cannot inspect, is
// trusted.
//
// New does not contact Redis, so it cannot fail because the server is
// down; it returns an error only for a nil client or a bad Options.Prefix.
func New(client redis.UniversalClient, opts Options) (*Store, error) {
	if client == nil {
		return nil, errors.New("redisstore: new: nil client")
	}
	prefix := opts.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if strings.ContainsAny(prefix, "{}") {
		return nil, fmt.Errorf("redisstore: new: prefix %q contains a hash tag brace", prefix)
	}
	if ignoresDeadlines(client) {
		logger := opts.Logger
		if logger == nil {
			logger = slog.Default()
		}
		logger.Warn(deadlineWarning, "client", fmt.Sprintf("%T", client), "effect", deadlineEffect)
	}
	return &Store{client: client, prefix: prefix}, nil
}

// The warning New logs for a client that ignores context deadlines. It
// names the client's type, never its address or credentials.
const (
	deadlineWarning = "redisstore: the Redis client ignores context deadlines; set ContextTimeoutEnabled: true in redis.Options / ClusterOptions / RingOptions / FailoverOptions / UniversalOptions"
	deadlineEffect  = "core.Config.StoreTimeout cannot bound a Redis call; each waits up to the client's ReadTimeout or WriteTimeout (go-redis default 3s)"
)

// ignoresDeadlines reports whether go-redis will let a call outlast its
// context's deadline. Client types it cannot inspect are trusted.
func ignoresDeadlines(client redis.UniversalClient) bool {
	switch c := client.(type) {
	case *redis.Client:
		return !c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return !c.Options().ContextTimeoutEnabled
	case *redis.Ring:
		return !c.Options().ContextTimeoutEnabled
	}
	return false
}

// Close releases nothing and returns nil: the Store starts no goroutines
// and does not own the client. Close the client yourself. Close exists so
// a Store can be handled like any other closable store.
func (s *Store) Close() error { return nil }

func (s *Store) redisKey(key string) string { return s.prefix + key }

// expiryArg encodes an expiry for expiryField, PEXPIREAT and the scripts
// as Unix milliseconds: "0"
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
