package core

import (
	"context"
	"time"
)

// Record is one session as a store holds it.
type Record struct {
	// Values maps each session key to its JSON encoding. Keys are valid
	// UTF-8 without NUL. Stores treat the bytes as opaque JSON: they may
	// normalise whitespace or object key order (as a PostgreSQL jsonb
	// column does) but must preserve the JSON value.
	Values map[string][]byte

	// Expiry is the instant the record stops existing. The manager always
	// sets it; stores only enforce it. A store may treat a zero Expiry as
	// "never expires" or reject it.
	Expiry time.Time

	// Owner is who the session belongs to (see Session.SetOwner); zero
	// for a session bound to no one. Every store keeps it with the record
	// and returns it from Load and Range; Patch, Touch and Pop leave it
	// as it is but for Owner.Seen.
	Owner Owner
}

// Store is the contract every session store satisfies. Keys are derived by
// the manager (Manager.StoreKey: a hash of the session ID); a store never
// sees a raw session ID. Implementations must be safe for concurrent use
// and honour the context's deadline and cancellation.
type Store interface {
	// Load returns the record under key. found is false, with a nil error,
	// when the key is absent or expired: an expired record is never
	// returned.
	Load(ctx context.Context, key string) (rec Record, found bool, err error)
	// Save stores rec under key, replacing any record already there.
	Save(ctx context.Context, key string, rec Record) error
	// Delete removes the record under key; an absent key is not an error.
	Delete(ctx context.Context, key string) error
}

// Patch is a per-key change to one record. A key is never in both Set and
// Delete.
type Patch struct {
	Set    map[string][]byte // values to add or replace, JSON as in Record
	Delete []string          // keys to remove; absent keys are ignored
	Expiry time.Time         // the record's new expiry
}

// Patcher applies a Patch atomically, so concurrent requests that change
// different keys of one session never lose each other's writes. Without
// it the manager falls back to read-modify-write, which only narrows that
// race. Patch never creates a record: found is false, and nothing is
// written, when the key is absent or expired.
type Patcher interface {
	Patch(ctx context.Context, key string, p Patch) (found bool, err error)
}

// Toucher moves a record's expiry without rewriting it; without it the
// manager touches through Load and Save. Like Patch it never recreates a
// record.
type Toucher interface {
	Touch(ctx context.Context, key string, expiry time.Time) (found bool, err error)
}

// Iterator enumerates live records, for admin pages and metrics. Records
// saved or deleted during Range may or may not be visited; Count may be
// approximate for records expiring during the call.
type Iterator interface {
	Range(ctx context.Context, fn func(key string, rec Record) bool) error
	Count(ctx context.Context) (int, error)
}

// Cleaner deletes expired records on demand and reports how many. Stores
// whose backend expires keys by itself need not implement it.
type Cleaner interface {
	Cleanup(ctx context.Context) (int, error)
}

// Popper removes one value from a record and returns it in one atomic
// step: of concurrent pops of the same value, exactly one sees it, so a
// flash message is shown once even when requests race. found is false when
// the record or the value is absent. Pop moves no expiry and never creates
// a record. Without it, Key.Pop is atomic only within one request.
type Popper interface {
	Pop(ctx context.Context, key, name string) (value []byte, found bool, err error)
}

// Declarer is implemented by stores that declare their capabilities
// instead of having them found by type assertion, as store middleware
// built on StoreWrapper does. The manager uses exactly the declared
// capabilities, and storetest fails a store whose declared capability does
// not hold.
type Declarer interface {
	Capabilities() Capabilities
}
