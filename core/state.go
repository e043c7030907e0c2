package core

import (
	"time"
)

// loadState says what the session knows of its stored record.
type loadState uint8

const (
	// unloaded: the client holds a valid token; the store is read on first
	// use.
	unloaded loadState = iota
	// stored: the record exists and values came from it.
	stored
	// fresh: no record exists; the session is new (no token, an unknown or
	// expired one, or Destroy ran).
	fresh
	// failed: the load failed; see state.loadErr.
	failed
	// unverified: the request's tokens are not verified yet (see
	// Manager.lazy); the first use of the session does it.
	unverified
	// foreign: ExpressMigrate, and the client holds a valid Express
	// cookie and no native token; Express's record (the migration's key) is
	// read on first use.
	foreign
)

// client says what the client holds for this session.
type client uint8

const (
	// clientNone: no valid token; a stored session needs a new cookie.
	clientNone client = iota
	// clientCurrent: a valid token for id, signed by the first secret.
	clientCurrent
	// clientStale: a valid token for id signed by an older secret; the next
	// response re-signs it.
	clientStale
)

// cookieAction is what the response must do to the session cookie.
type cookieAction uint8

const (
	cookieKeep  cookieAction = iota // send nothing
	cookieIssue                     // send a fresh token for the current identity
	cookieClear                     // send an expired cookie (Destroy)
)

// phase is where the request is in its lifecycle.
type phase uint8

const (
	// open: the response headers have not been sent.
	open phase = iota
	// sealed: the headers are on their way; only changes that need no new
	// cookie can still be persisted.
	sealed
	// abandoned: the handler panicked or the commit failed; nothing more is
	// committed.
	abandoned
)

// touchState is this request's idle-touch state.
type touchState uint8

const (
	touchThrottled touchState = iota // touch when TouchInterval has passed
	touchSkipped                     // as touchThrottled, once a commit skipped the touch or wrote the record
	touchForced                      // Touch was called: touch at the next commit
	touchAttempted                   // a touch ran (or failed) in this request
)

// persistence is the cookie's persistence chosen for this session.
type persistence int8

const (
	persistDefault persistence = 0  // follow CookieConfig.SessionOnly
	persistAlways  persistence = 1  // RememberMe(true)
	persistNever   persistence = -1 // RememberMe(false)
)

// transport is how the client carries its token.
type transport uint8

const (
	// transportCookie: the cookie only. Browsers are such clients: the
	// token never goes into a response header that page scripts could read.
	transportCookie transport = iota
	// transportHeader: the client was identified by the configured
	// Config.Header, or sent it (empty, before it has a token) without a
	// session cookie, and gets the token in that header too.
	transportHeader
)

// identity is everything the client's token carries.
type identity struct {
	id       string
	created  time.Time     // start of the absolute lifetime
	touched  time.Time     // last idle touch recorded in the token
	lifetime time.Duration // per-session absolute lifetime; 0: Config.Lifetime
	persist  persistence
}

// changes is what this request changed and has not committed yet.
type changes struct {
	set         map[string]struct{}
	del         map[string]struct{}
	meta        bool // lifetime or persistence changed
	regenerated bool // the session moved to a new ID: saved whole
	undo        *regenUndo
	metaUndo    *metaUndo
	ownerUndo   *Owner // the binding before SetOwner changed it: saved whole
}

// metaUndo is what Reload needs to take back an uncommitted SetLifetime
// or RememberMe.
type metaUndo struct {
	lifetime time.Duration
	persist  persistence
}

// changeMeta records a lifetime or persistence change, remembering the
// values before the first one.
func (st *state) changeMeta(lifetime time.Duration, persist persistence) {
	if lifetime == st.ident.lifetime && persist == st.ident.persist {
		return
	}
	if st.changes.metaUndo == nil {
		st.changes.metaUndo = &metaUndo{lifetime: st.ident.lifetime, persist: st.ident.persist}
	}
	st.ident.lifetime, st.ident.persist = lifetime, persist
	st.changes.meta = true
}

// dirty reports whether anything must be written.
func (c *changes) dirty() bool {
	return len(c.set) > 0 || len(c.del) > 0 || c.regenerated || c.meta || c.ownerUndo != nil
}

// rebound reports whether SetOwner changed the binding.
func (c *changes) rebound() bool { return c.ownerUndo != nil }

// resave reports whether the record must be saved whole for its owner's
// sake: the binding changed, or the lifetime of a bound session did, so
// that Owner.Ends, which the owner index relies on, stays the end of the
// record's life.
func (st *state) resave() bool {
	c := &st.changes
	return c.rebound() || st.owner.Bound() && c.metaUndo != nil && c.metaUndo.lifetime != st.ident.lifetime
}

// regenUndo is what Reload needs to take back an uncommitted Regenerate.
type regenUndo struct {
	id      identity
	key     string
	retired int
}

// retirement orders the deletion of records Regenerate and Destroy left
// behind.
type retirement uint8

const (
	// retireAfterSave: a Regenerate's old record goes once the new one is
	// safe, so a failed save does not also lose the old session.
	retireAfterSave retirement = iota
	// retireFirst: Destroy is a logout and takes effect even if saving
	// what the handler set afterwards fails.
	retireFirst
)

// fault is the first error of the request that the commit must report.
type fault struct {
	err   error
	owned bool // the handler saw it (Err or Load) and answers for it
}

// record keeps the first error, or replaces one the handler already owns.
// The same error again (a failed load, met by every later operation) stays
// as owned as it was.
func (f *fault) record(err error) {
	if err == f.err {
		return
	}
	if f.err == nil || f.owned {
		f.err, f.owned = err, false
	}
}

// state is a session's mutable state. The commit plans from it and
// settles into it; nothing else of Session changes during a request.
type state struct {
	load    loadState
	loadErr error
	fault   fault

	client  client
	ident   identity
	key     string // store key of ident.id; "" until an ID is assigned
	values  map[string][]byte
	owned   bool // values is a private copy, safe to modify
	owner   Owner
	changes changes

	retired []string // records to delete at commit
	retire  retirement

	touch     touchState
	cookie    cookieAction // decided by a commit, written before the headers
	phase     phase
	transport transport
	used      usage
	candidate int // position of the client's token among the request's (see Manager.verify)
	size      int // bytes of keys and values; -1 until measured

	// x is the Express modes' state (see Express); nil until they need
	// it, so native sessions carry one pointer for it.
	x *expressState
}

// usage says whether the handler used the session, for the cache headers.
type usage uint8

const (
	unused usage = iota
	used
)

// adopt takes on the identity a client's token verified.
func (st *state) adopt(id identity, c client, candidate int, key string) {
	st.load, st.loadErr = unloaded, nil
	st.ident, st.client, st.candidate, st.key = id, c, candidate, key
	if candidate != headerCandidate {
		st.transport = transportCookie
	}
}
