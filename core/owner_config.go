package core

import (
	"net"
	"net/http"
)

// OwnerConfig configures per-owner sessions (see Session.SetOwner). The
// zero value sets no cap and records the User-Agent but no IP.
type OwnerConfig struct {
	// MaxSessions caps each owner's live sessions. Binding a session to
	// an owner who already has MaxSessions others applies OnLimit. Zero,
	// the default, sets no cap. The cap costs one listing of the owner's
	// sessions at each binding (a login), nothing on other requests: a
	// lookup in the owner index, or a scan of every session on a store
	// that can only iterate. New
	// refuses a cap, with ErrInvalidConfig, on a store that can neither
	// find an owner's sessions (OwnerIndex) nor scan them (Iterator).
	//
	// Two logins of one owner that commit at the same instant may each
	// see room for themselves, so the owner can briefly hold one session
	// more per racing login; the next binding applies the cap again.
	MaxSessions int

	// OnLimit is what binding a session past MaxSessions does. The
	// default, EvictOldest, revokes the owner's oldest sessions once the
	// new one is saved, as a "log out the oldest device" policy does (a
	// failed eviction is logged, and the next login tries again);
	// RefuseNew fails the login instead, before anything is written.
	OnLimit LimitPolicy

	// ClientIP, when set, returns the client address to record with a
	// session when it is bound, for a user's list of their devices. The
	// default, nil, records no address: a list of the places a user logs
	// in from is personal data, so it is opt-in. Behind a proxy, return
	// the address the proxy reports, as the app's other middleware does;
	// RemoteIP suits a server that faces clients directly. The value is
	// cut to 64 bytes.
	ClientIP func(*http.Request) string
}

// LimitPolicy says what binding a session past OwnerConfig.MaxSessions
// does.
type LimitPolicy uint8

const (
	// EvictOldest revokes the owner's sessions with the oldest Created
	// time (ties broken by the oldest Seen) once the new one is saved,
	// until the owner is within the cap, but never one newer than the new
	// session, so that logins racing each other keep the newest rather
	// than sign each other out. It is the default.
	EvictOldest LimitPolicy = iota
	// RefuseNew fails the commit that binds the new session with an
	// error wrapping ErrTooManySessions, and saves nothing: the user
	// stays logged out until they revoke a session. A login handler that
	// wants to answer for it calls Session.Save and checks errors.Is;
	// otherwise the error handler answers. After the refusal the
	// session is no longer bound: the rest of the request's changes
	// commit as they would without SetOwner.
	RefuseNew
)

// String returns the policy's name, "EvictOldest" or "RefuseNew".
func (p LimitPolicy) String() string {
	switch p {
	case EvictOldest:
		return "EvictOldest"
	case RefuseNew:
		return "RefuseNew"
	}
	return "LimitPolicy(?)"
}

func (c OwnerConfig) validate() error {
	if c.MaxSessions < 0 {
		return invalid("Owners.MaxSessions is negative (%d); use 0 for no cap", c.MaxSessions)
	}
	if c.OnLimit > RefuseNew {
		return invalid("Owners.OnLimit is %d; want EvictOldest or RefuseNew", uint8(c.OnLimit))
	}
	return nil
}

// RemoteIP returns the host part of r.RemoteAddr: the address of the
// peer that connected, for OwnerConfig.ClientIP on a server with no proxy
// in front.
func RemoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
