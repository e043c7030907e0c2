package core

import "fmt"

// EventKind says what an Event reports. Its String form ("created",
// "cookie_rejected", ...) is stable, for metric attributes and logs.
type EventKind uint8

// The event kinds. Each names the Event fields it sets besides Store.
const (
	// EventCreated: a new session was stored for the first time, by the
	// commit of a request that modified it (or with
	// Config.SaveUninitialized, any new session).
	EventCreated EventKind = iota + 1
	// EventLoaded: a session was read from the store.
	EventLoaded
	// EventRegenerated: a stored session moved to a new ID
	// (Session.Regenerate), and its new record was saved.
	EventRegenerated
	// EventDestroyed: the records Session.Destroy ended were deleted.
	EventDestroyed
	// EventExpired (Reason: ReasonIdle or ReasonAbsolute): a request
	// presented the token of a session that has ended. It follows the
	// token's EventCookieRejected, and is reported each time a client
	// presents that token; no sweeper reports expiries.
	EventExpired
	// EventCookieRejected (Reason): a token the request carried, in the
	// cookie or Config.Header, was not accepted. Forged and malformed
	// tokens never reach the store; ReasonUnknownID is reported once the
	// store has been asked.
	EventCookieRejected
	// EventVerified (Secret): a token verified, under the secret at index
	// Secret, and its session may be alive.
	EventVerified
	// EventTouched (Outcome): with Config.IdleTimeout, the commit of an
	// unmodified session either wrote an idle touch (OutcomeWritten) or
	// skipped it, because TouchInterval had not passed or touches are
	// paused after a failure (OutcomeThrottled). A failed touch is an
	// EventStoreOp with OutcomeError.
	EventTouched
	// EventSaved (Size): the commit wrote the session's values, whole or
	// as a patch.
	EventSaved
	// EventStoreOp (Op, Outcome, Start, Duration, Err on failure): one
	// store call returned.
	EventStoreOp
	// EventCommitFailed (Err): a commit failed, and the request is
	// answered by the error path (or, after the headers, the error is
	// reported). A load failure the handler owned is not a commit
	// failure.
	EventCommitFailed
	// EventRevoked (Reason: ReasonRevoked or ReasonEvicted): one of an
	// owner's sessions was deleted by RevokeSession, RevokeOthers or
	// RevokeOwner, or to keep the owner within OwnerConfig.MaxSessions.
	// It is reported in the context of the request (or caller) that
	// revoked, not of the revoked session.
	EventRevoked
)

var eventKindNames = [...]string{"", "created", "loaded", "regenerated", "destroyed", "expired",
	"cookie_rejected", "verified", "touched", "saved", "store_op", "commit_failed", "revoked"}

// String returns the kind's stable name, such as "cookie_rejected".
func (k EventKind) String() string { return enumName(eventKindNames[:], "EventKind", k) }

// Reason says why a token was rejected or a session ended.
type Reason uint8

// The reasons.
const (
	// ReasonMalformed: the token is not one the manager issues: wrong
	// length, not base64url, or an unknown version or flag.
	ReasonMalformed Reason = iota + 1
	// ReasonBadSignature: no secret in Config.Secrets verifies the token:
	// forged, tampered with, or signed by a secret since dropped.
	ReasonBadSignature
	// ReasonExpired: the token names a session that has ended; the
	// EventExpired that follows says how.
	ReasonExpired
	// ReasonUnknownID: the token verified, but the store holds no live
	// record for it (destroyed, regenerated away, or lost by the store).
	ReasonUnknownID
	// ReasonIdle: the session was unused for longer than
	// Config.IdleTimeout.
	ReasonIdle
	// ReasonAbsolute: the session outlived its lifetime (Config.Lifetime,
	// Session.SetLifetime, or a lowered Config.MaxLifetime).
	ReasonAbsolute
	// ReasonRevoked: the session was revoked by its owner or an admin.
	ReasonRevoked
	// ReasonEvicted: the session was revoked to make room for a newer one
	// of its owner, under OwnerConfig.MaxSessions with EvictOldest.
	ReasonEvicted
)

var reasonNames = [...]string{"", "malformed", "bad_signature", "expired", "unknown_id", "idle", "absolute", "revoked", "evicted"}

// String returns the reason's stable name, such as "bad_signature".
func (r Reason) String() string { return enumName(reasonNames[:], "Reason", r) }

// StoreOp is a store operation, as the manager's store layer makes it.
type StoreOp uint8

// The store operations: one per Store, Patcher, Toucher and Popper
// method. For a store without a native Patch or Touch, StorePatch and
// StoreTouch time the emulating Load and Save together.
const (
	StoreLoad StoreOp = iota + 1
	StoreSave
	StoreDelete
	StorePatch
	StoreTouch
	StorePop
	// StoreOwned is OwnerIndex.Owned, or the Iterator scan that stands in
	// for it.
	StoreOwned
)

var storeOpNames = [...]string{"", "load", "save", "delete", "patch", "touch", "pop", "owned"}

// String returns the operation's stable name, such as "load".
func (o StoreOp) String() string { return enumName(storeOpNames[:], "StoreOp", o) }

// Outcome is how a store operation or a touch turned out.
type Outcome uint8

// The outcomes.
const (
	// OutcomeOK: the store operation succeeded.
	OutcomeOK Outcome = iota + 1
	// OutcomeNotFound: the store operation succeeded but found no record
	// (Load, Patch, Touch) or no value (Pop).
	OutcomeNotFound
	// OutcomeError: the store operation failed.
	OutcomeError
	// OutcomeTimeout: the store operation failed with
	// context.DeadlineExceeded, as when Config.StoreTimeout runs out.
	OutcomeTimeout
	// OutcomeWritten: an idle touch was written.
	OutcomeWritten
	// OutcomeThrottled: an idle touch was skipped.
	OutcomeThrottled
)

var outcomeNames = [...]string{"", "ok", "not_found", "error", "timeout", "written", "throttled"}

// String returns the outcome's stable name, such as "not_found".
func (o Outcome) String() string { return enumName(outcomeNames[:], "Outcome", o) }

// Phase is a part of a request's lifecycle that calls the store; see
// PhaseObserver.
type Phase uint8

// The phases.
const (
	// PhaseLoad reads the session, on its first use in a request with a
	// valid token. When the record is gone, it goes on to the request's
	// next valid token, if any, within the same phase.
	PhaseLoad Phase = iota + 1
	// PhaseCommit writes, touches or deletes the session's record, just
	// before the response headers, after the handler (for changes made
	// after the headers) or in Session.Save.
	PhaseCommit
)

var phaseNames = [...]string{"", "load", "commit"}

// String returns the phase's stable name: "load" or "commit".
func (p Phase) String() string { return enumName(phaseNames[:], "Phase", p) }

func enumName[T ~uint8](names []string, typ string, v T) string {
	if v > 0 && int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(v))
}
