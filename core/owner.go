package core

import (
	"context"
	"time"
)

// Owner binds a stored session to the principal it belongs to, usually a
// user, and describes the device it was bound on. The zero Owner means the
// session is bound to no one. Session.SetOwner sets it; stores persist it
// with the record and, if they implement OwnerIndex, index the record
// under Owner.ID.
type Owner struct {
	// ID is the owner's ID, for example a user ID: 1 to MaxOwnerIDLen
	// bytes of valid UTF-8 without NUL. "" means no owner.
	ID string

	// Created is when the session started: its creation or its last
	// Regenerate, whichever is later. The EvictOldest policy evicts by
	// it.
	Created time.Time

	// Ends is the end of the session's absolute lifetime. The record's
	// Expiry never passes it, so a store may use it to bound how long an
	// index entry can be needed.
	Ends time.Time

	// Seen is when the session was last active, as far as the store
	// knows: Save stores the Seen it is given (the manager passes the
	// commit's time), and Patch, Touch and Pop of an owned record set it
	// to the time of the call (time.Now in the calling process). With
	// Config.IdleTimeout a session in use is touched once per
	// TouchInterval, so Seen is at most that stale; without it, a
	// session that is only read keeps the time of its last write.
	Seen time.Time

	// UserAgent is the request's User-Agent at binding, cut to
	// MaxUserAgentLen bytes.
	UserAgent string

	// IP is the client's address at binding, only when the app opts in
	// with OwnerConfig.ClientIP; "" otherwise.
	IP string
}

// Bound reports whether o names an owner.
func (o Owner) Bound() bool { return o.ID != "" }

// Limits on Owner's text fields.
const (
	MaxOwnerIDLen   = 256
	MaxUserAgentLen = 256
)

// OwnedRecord is one live record an OwnerIndex found.
type OwnedRecord struct {
	// Key is the record's store key.
	Key string
	// Expiry is the record's expiry.
	Expiry time.Time
	// Owner is the record's owner, with its Seen time.
	Owner Owner
}

// OwnerIndex is implemented by stores that find an owner's sessions
// without scanning the store, for Manager.OwnerSessions and the
// revocations built on it.
//
// Owned returns the live records whose Owner.ID is owner, in any order,
// at a cost in proportion to that owner's records: never a scan of the
// whole store. It never returns an expired record, a deleted one, or one
// since saved with another owner; an index that can be stale must check
// each entry against the record it names, and may prune the dead entries
// it meets. An owner with no records has an empty result and no error.
//
// Save indexes a record under rec.Owner.ID, and moves it from its old
// owner's index when the owner changes; Patch and Touch keep the owner;
// Delete, expiry and a Save without an owner take the record out of the
// index, at once or lazily, as long as Owned never returns it.
type OwnerIndex interface {
	Owned(ctx context.Context, owner string) ([]OwnedRecord, error)
}
