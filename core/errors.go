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

	// ErrBadRecord is returned by DecodeRecord for bytes that are not a
	// record.
	ErrBadRecord = errors.New("sessionkit: malformed session record")
)
