package core

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// SetOwner binds the session to its owner, usually the user who just
// logged in, so that the owner's sessions can be listed and revoked (see
// OwnerSessions, RevokeSession, RevokeOthers and Manager.RevokeOwner).
// Call it at login, after Regenerate:
//
//	s.Regenerate()
//	s.SetOwner(user.ID)
//
// The binding is saved at the commit, with the request's User-Agent and,
// if OwnerConfig.ClientIP is set, the client's address. It survives
// Regenerate, and Destroy removes it with the record. SetOwner("")
// unbinds the session; binding it to its current owner again changes
// nothing. With OwnerConfig.MaxSessions the commit refuses the binding
// before saving it, or evicts the owner's oldest sessions after, as
// OwnerConfig.OnLimit says.
//
// A change of owner rewrites the record whole, as Regenerate does, and so
// does SetLifetime on a bound session, so that the binding's Ends follows
// the lifetime. Before such a rewrite of a bound session the manager
// checks, with one Load, that its record still exists: a session revoked
// while the request ran is not written back, and the request ends with a
// fresh session. Rebinding a stored session needs no new cookie, so it
// works even after the response headers are sent.
//
// The owner ID is stored as given (pick a stable ID, not an email address
// that may change) and must be at most MaxOwnerIDLen bytes of valid UTF-8
// without NUL; another is kept as an error wrapping ErrInvalidOwner and
// fails the commit.
func (s *Session) SetOwner(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return
	}
	if err := checkOwnerID(id); err != nil {
		s.fail(err)
		return
	}
	if id == s.st.owner.ID {
		return
	}
	if s.st.changes.ownerUndo == nil {
		old := s.st.owner
		s.st.changes.ownerUndo = &old
	}
	s.st.owner = Owner{}
	if id != "" {
		s.st.owner = Owner{ID: id, UserAgent: cut(s.req.UserAgent(), MaxUserAgentLen)}
		if ip := s.m.cfg.Owners.ClientIP; ip != nil {
			s.st.owner.IP = cut(ip(s.req), maxIPLen)
		}
	}
}

// maxIPLen bounds a recorded client address.
const maxIPLen = 64

// checkOwnerID reports an owner ID SetOwner cannot store. "" is valid:
// it means no owner.
func checkOwnerID(id string) error {
	if len(id) > MaxOwnerIDLen || !utf8.ValidString(id) || strings.IndexByte(id, 0) >= 0 {
		return fmt.Errorf("%w: want at most %d bytes of valid UTF-8 without NUL", ErrInvalidOwner, MaxOwnerIDLen)
	}
	return nil
}

// cut shortens s to at most n bytes without splitting a UTF-8 sequence,
// replacing invalid bytes.
func cut(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Owner returns the ID of the session's owner, "" when it is bound to no
// one or could not be loaded. It includes an uncommitted SetOwner.
func (s *Session) Owner() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return ""
	}
	return s.st.owner.ID
}

// Handle returns the session's public handle, as OwnerSessions lists it
// (see OwnedSession.Handle), or "" before the session has an ID.
func (s *Session) Handle() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() || s.st.key == "" {
		return ""
	}
	return handleOf(s.st.key)
}

// OwnerSessions lists the live sessions of this session's owner, newest
// first, with this one marked Current: the data of a "your devices" page.
// It returns an error wrapping ErrNoOwner when the session is bound to no
// one. It costs one store call with an OwnerIndex; see
// Manager.OwnerSessions.
func (s *Session) OwnerSessions(ctx context.Context) ([]OwnedSession, error) {
	owner, current, err := s.ownerAndKey()
	if err != nil {
		return nil, err
	}
	recs, err := s.m.ownedRecords(ctx, owner)
	if err != nil {
		return nil, err
	}
	return listing(recs, current), nil
}

// RevokeSession ends one of the sessions of this session's owner, by its
// handle, at once (see Manager.RevokeSession): "log out that laptop". A
// handle that names none of the owner's live sessions revokes nothing
// and returns an error wrapping ErrUnknownSession. Revoking this very
// session works as Destroy does: the record goes now, the cookie is
// cleared at the commit.
func (s *Session) RevokeSession(ctx context.Context, handle string) error {
	owner, current, err := s.ownerAndKey()
	if err != nil {
		return err
	}
	if current != "" && handleOf(current) == handle {
		if err := s.m.revoke(ctx, current, ReasonRevoked); err != nil {
			return err
		}
		s.Destroy()
		return nil
	}
	return s.m.RevokeSession(ctx, owner, handle)
}

// RevokeOthers ends every other session of this session's owner ("sign
// out everywhere else", after a password change, say) and returns how
// many it ended. This session stays.
func (s *Session) RevokeOthers(ctx context.Context) (int, error) {
	owner, current, err := s.ownerAndKey()
	if err != nil {
		return 0, err
	}
	return s.m.revokeAllBut(ctx, owner, current)
}

// ownerAndKey loads the session and returns its owner and, if it is
// stored, its store key.
func (s *Session) ownerAndKey() (owner, key string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(); err != nil {
		return "", "", err
	}
	if !s.st.owner.Bound() {
		return "", "", ErrNoOwner
	}
	switch {
	case s.st.mig().step == migrationPending:
		// Still moving: this session's record is the Express one.
		key = expressOwnedMark + s.st.x.mig.key
	case s.st.load != stored:
	case s.st.changes.undo != nil:
		// Regenerated, not yet committed: the stored record is the one
		// the session leaves behind.
		key = s.st.changes.undo.key
	default:
		key = s.st.key
	}
	return s.st.owner.ID, key, nil
}
