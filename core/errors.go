package core

import "errors"

// Sentinel errors callers may branch on with errors.Is.
var (
	// ErrInvalidConfig wraps every error returned by New for bad
	// configuration.
	ErrInvalidConfig = errors.New("sessionkit: invalid config")

	// ErrTypeMismatch is kept by Key's Get, Lookup and Pop, and reported at
	// the commit or by Session.Err, when the stored value does not decode
	// into the key's type. It wraps the json error.
	ErrTypeMismatch = errors.New("sessionkit: stored value does not match requested type")

	// ErrEncode is kept by Key.Set, and reported at the commit or by
	// Session.Err, when a value cannot be encoded as JSON or the key is not
	// valid UTF-8 without NUL. The error names the key.
	ErrEncode = errors.New("sessionkit: cannot encode value")

	// ErrTooLarge is kept by Key.Set, and reported at the commit or by
	// Session.Err, when a value, the number of keys or the whole session
	// would exceed Config.Limits. The value is not set.
	ErrTooLarge = errors.New("sessionkit: session too large")

	// ErrLifetime is kept by Session.SetLifetime for a lifetime that is
	// negative or longer than Config.MaxLifetime.
	ErrLifetime = errors.New("sessionkit: session lifetime out of range")

	// ErrLoad wraps a store failure while loading the session. After it
	// nothing is committed, so an empty view is never saved over the real
	// record.
	ErrLoad = errors.New("sessionkit: load session")

	// ErrSave wraps a store failure while committing the session.
	ErrSave = errors.New("sessionkit: save session")

	// ErrHeadersSent is reported to the error handler when a change made
	// after the response headers went out could not be persisted, for
	// example data set on a brand-new session whose cookie was never sent.
	ErrHeadersSent = errors.New("sessionkit: response headers already sent")

	// ErrNoSession is returned by accessors when no session middleware ran
	// for the request.
	ErrNoSession = errors.New("sessionkit: no session in context; is the session middleware installed?")

	// ErrStoreFull is returned by the memory store when its MaxSessions cap
	// is reached and no expired session can be evicted.
	ErrStoreFull = errors.New("sessionkit: memory store full")

	// ErrInvalidOwner is kept by Session.SetOwner, and reported at the
	// commit or by Session.Err, for an owner ID that is longer than
	// MaxOwnerIDLen bytes, is not valid UTF-8 or holds a NUL. The
	// Manager's owner operations return it for such an ID, and for "".
	ErrInvalidOwner = errors.New("sessionkit: invalid owner ID")

	// ErrNoOwner is returned by the Session methods that act on the
	// session's owner when the session is bound to no one.
	ErrNoOwner = errors.New("sessionkit: session has no owner")

	// ErrUnknownSession is returned by RevokeSession for a handle that
	// names none of the owner's live sessions; nothing is revoked.
	ErrUnknownSession = errors.New("sessionkit: no such session for this owner")

	// ErrTooManySessions fails the commit that binds a session to an
	// owner who already has OwnerConfig.MaxSessions sessions, under the
	// RefuseNew policy. Nothing is saved.
	ErrTooManySessions = errors.New("sessionkit: too many sessions for this owner")

	// ErrNoOwnerIndex is returned by the operations that list an owner's
	// sessions when the store can neither find them by owner (OwnerIndex)
	// nor scan its records (Iterator).
	ErrNoOwnerIndex = errors.New("sessionkit: store cannot list sessions by owner")

	// ErrBadRecord is returned by DecodeRecord for bytes that are not a
	// record.
	ErrBadRecord = errors.New("sessionkit: malformed session record")

	// ErrReservedKey is kept by Key.Set, and reported at the commit, for
	// a key an express-session record cannot hold (ExpressShare): cookie,
	// sessionkitOwner, sessionkitBytes, and the names Express's Session object never loads
	// from a record (id, req, its methods, and Object.prototype's names
	// such as constructor and __proto__).
	ErrReservedKey = errors.New("sessionkit: key name reserved by express-session")
)
