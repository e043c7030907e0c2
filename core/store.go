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

	// Expiry is the instant the record stops existing. The manager
	// computes it as the earlier of the absolute deadline and the idle
	// deadline, and always sets it; stores only enforce it. A zero Expiry
	// never comes from the manager: a store may treat it as "never
	// expires" or reject it.
	Expiry time.Time
}

// Store is the contract every session store satisfies. Keys are already
// hashed by the manager (StoreKey: 43 base64url characters): a store never
// sees a raw session ID.
//
// Implementations must be safe for concurrent use and must honour the
// context's deadline and cancellation.
type Store interface {
	// Load returns the record stored under key. found is false, with a nil
	// error, when the key is absent or its record has expired: an expired
	// record is never returned.
	Load(ctx context.Context, key string) (rec Record, found bool, err error)

	// Save stores rec under key, replacing any record already there.
	Save(ctx context.Context, key string, rec Record) error

	// Delete removes the record under key. Deleting an absent key is not an
	// error.
	Delete(ctx context.Context, key string) error
}

// Patch is a per-key change to one record: set some values, delete others
// and move the expiry. A key must not appear in both Set and Delete.
type Patch struct {
	// Set holds the values to add or replace, JSON-encoded as in Record.
	Set map[string][]byte

	// Delete lists the keys to remove; absent keys are ignored.
	Delete []string

	// Expiry is the record's new expiry, as in Record.
	Expiry time.Time
}

// Patcher is implemented by stores that apply a Patch atomically. With a
// Patcher, concurrent requests on one session that change different keys never
// lose each other's writes. Without one the manager falls back to
// read-modify-write through Load and Save, which only narrows that race.
type Patcher interface {
	// Patch applies p to the record under key in one atomic step. It does
	// not create a record: found is false, and nothing is written, when the
	// key is absent or expired.
	Patch(ctx context.Context, key string, p Patch) (found bool, err error)
}

// Toucher is implemented by stores that can move a record's expiry without
// rewriting it. Without one the manager touches through Load and Save.
type Toucher interface {
	// Touch sets the expiry of the record under key. It never recreates a
	// record: found is false, and nothing is written, when the key is absent
	// or expired.
	Touch(ctx context.Context, key string, expiry time.Time) (found bool, err error)
}

// Iterator is implemented by stores that can enumerate their live records,
// for admin pages and metrics.
type Iterator interface {
	// Range calls fn for every unexpired record until fn returns false.
	// Records saved or deleted during the call may or may not be visited.
	Range(ctx context.Context, fn func(key string, rec Record) bool) error

	// Count reports the number of unexpired records. It may be approximate
	// for records that expire during the call.
	Count(ctx context.Context) (int, error)
}

// Cleaner is implemented by stores that can delete expired records on
// demand. Stores whose backend expires keys by itself need not implement it.
type Cleaner interface {
	// Cleanup deletes expired records and reports how many it removed.
	Cleanup(ctx context.Context) (int, error)
}
