package redisstore

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
)

// expressPrefix is connect-redis's default key prefix.
const expressPrefix = "sess:"

// ExpressOptions configures NewExpress. The zero value is ready to use
// with connect-redis's defaults.
type ExpressOptions struct {
	// Prefix is prepended to every key the manager passes to form the
	// Redis key, and must equal connect-redis's prefix option so that
	// Node and Go find the same records. The default is connect-redis's,
	// "sess:". An empty prefix, which connect-redis allows, cannot be
	// had: "" means the default.
	//
	// As for Options.Prefix, it must not contain "{" or "}" (a hash tag
	// would put every session of a Redis Cluster on one master); glob
	// characters are allowed. Range and Count visit every string key
	// under it, so give it to express-session's records alone.
	Prefix string

	// Logger receives the one warning NewExpress logs for a client
	// created without ContextTimeoutEnabled, as Options.Logger does for
	// New. The store logs nothing else, and never a key or session ID.
	// The default is slog.Default(), as it is when NewExpress is called.
	Logger *slog.Logger
}

// ExpressStore is a core.Store that keeps sessions in connect-redis's
// format, so that a Go application and a Node express-session app share
// them (see the package doc's "Sharing sessions with Express"). It
// implements core.Patcher, core.Toucher, core.Popper and core.Iterator;
// it needs no core.Cleaner (Redis expires keys) and has no owner index:
// the manager lists an owner's sessions through Range.
//
// Each session is one Redis string under Prefix followed by the key the
// manager passes, the raw Express session ID in express-session mode,
// holding the session object's JSON, with the key's TTL as its expiry.
// Every operation touches that one key, so ExpressStore works unchanged
// on a standalone Redis, a Cluster and a Ring. It needs Redis 6.2 or
// later (SET PXAT and KEEPTTL, SCAN TYPE), uses no Lua, and is safe for
// concurrent use.
type ExpressStore struct {
	// base holds the client and prefix, and lends its key and node
	// helpers; its own methods, which speak the hash layout, are never
	// called.
	base *Store
}

var (
	_ core.Store    = (*ExpressStore)(nil)
	_ core.Patcher  = (*ExpressStore)(nil)
	_ core.Toucher  = (*ExpressStore)(nil)
	_ core.Popper   = (*ExpressStore)(nil)
	_ core.Iterator = (*ExpressStore)(nil)
)

// NewExpress returns an ExpressStore that talks to Redis through client,
// which it accepts and checks exactly as New does: any client go-redis
// builds, owned and closed by the caller; one warning through
// opts.Logger for a client without ContextTimeoutEnabled, which cannot
// bound a call by its context's deadline. NewExpress does not contact
// Redis; it returns an error only for a nil client or a prefix with a
// hash tag brace.
func NewExpress(client redis.UniversalClient, opts ExpressOptions) (*ExpressStore, error) {
	base, err := New(client, Options{Prefix: cmp.Or(opts.Prefix, expressPrefix), Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	return &ExpressStore{base: base}, nil
}

// Close releases nothing and returns nil: the store starts no goroutines
// and does not own the client, which the caller closes.
func (s *ExpressStore) Close() error { return nil }

// live reports whether a record ending at expiry (zero: never) is still
// to be written at now.
func live(expiry, now time.Time) bool { return expiry.IsZero() || expiry.After(now) }

// expiryMillis is expiry in Unix milliseconds, rounded up so that the
// record never ends before it: the absolute PXAT and PEXPIREAT forms,
// which, unlike a relative TTL, do not grow by the time a command spends
// on its way to the server.
func expiryMillis(expiry time.Time) int64 {
	return (expiry.UnixNano() + int64(time.Millisecond) - 1) / int64(time.Millisecond)
}

// doer sends a raw command: a client or a pipeline.
type doer interface {
	Do(ctx context.Context, args ...any) *redis.Cmd
}

// setDoc SETs doc under key, ending at expiry (PXAT), or without a TTL
// for a zero expiry.
func setDoc(ctx context.Context, c doer, key string, doc []byte, expiry time.Time) *redis.Cmd {
	if expiry.IsZero() {
		return c.Do(ctx, "set", key, doc)
	}
	return c.Do(ctx, "set", key, doc, "pxat", expiryMillis(expiry))
}
