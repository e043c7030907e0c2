package core

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
)

// OwnedSession is one of an owner's live sessions, as OwnerSessions lists
// it: what a "your devices" page shows. It holds no session ID.
type OwnedSession struct {
	// Handle names the session for RevokeSession. It is derived from the
	// session's store key by a one-way hash: it is not the session ID, it
	// is not a cookie, and no cookie can be made from it. It stays the
	// same for the life of the session's ID (a Regenerate changes it).
	Handle string
	// Current is true for the session of the request that listed.
	Current bool
	// Created is when the session started: its login (the Regenerate
	// that precedes SetOwner) or, without one, its creation. A later
	// Regenerate starts it again, and makes the session the newest for
	// OwnerConfig.MaxSessions.
	Created time.Time
	// LastSeen is when the session was last active, as the store
	// recorded it: its last change or idle touch (Owner.Seen). With
	// Config.IdleTimeout a session in use is touched once per
	// TouchInterval, so LastSeen is at most that stale; without idle
	// expiry a session that is only read keeps the time of its last
	// change.
	LastSeen time.Time
	// Expires is when the session ends if it stays idle.
	Expires time.Time
	// UserAgent is the User-Agent the session was bound with.
	UserAgent string
	// IP is the client address the session was bound with, only with
	// OwnerConfig.ClientIP; "" otherwise.
	IP string
}

// handleOf derives a session's public handle from its store key, which
// is itself a hash of the ID: 128 bits, base64url.
func handleOf(key string) string {
	sum := sha256.Sum256([]byte("sessionkit/handle\x00" + key))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// OwnerSessions lists owner's live sessions, newest first: for an admin
// page, or a support tool. It costs one store call on a store with an
// OwnerIndex (the Redis, PostgreSQL and memory stores), and a scan of
// every session on a store that can only iterate (see ErrNoOwnerIndex).
// Expired and revoked sessions are never listed.
func (m *Manager) OwnerSessions(ctx context.Context, owner string) ([]OwnedSession, error) {
	recs, err := m.ownedRecords(ctx, owner)
	if err != nil {
		return nil, err
	}
	return listing(recs, ""), nil
}

// RevokeSession ends the session of owner whose handle is handle: its
// record is deleted at once, so its next request, on any instance sharing
// the store, starts a fresh, empty session. A handle that names none of
// owner's live sessions, another owner's included, revokes nothing and
// returns an error wrapping ErrUnknownSession.
func (m *Manager) RevokeSession(ctx context.Context, owner, handle string) error {
	recs, err := m.ownedRecords(ctx, owner)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if handleOf(r.Key) == handle {
			return m.revoke(ctx, r.Key, ReasonRevoked)
		}
	}
	return ErrUnknownSession
}

// RevokeOwner ends every session of owner ("sign out everywhere", after a
// password reset, say) and returns how many it ended. A session of the
// owner created while it runs may survive it.
func (m *Manager) RevokeOwner(ctx context.Context, owner string) (int, error) {
	return m.revokeAllBut(ctx, owner, "")
}

// revokeAllBut revokes owner's sessions but the one stored under keep.
func (m *Manager) revokeAllBut(ctx context.Context, owner, keep string) (int, error) {
	recs, err := m.ownedRecords(ctx, owner)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range recs {
		if r.Key == keep {
			continue
		}
		if err := m.revoke(ctx, r.Key, ReasonRevoked); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (m *Manager) revoke(ctx context.Context, key string, why Reason) error {
	store := m.store
	if k, ok := strings.CutPrefix(key, expressOwnedMark); ok && m.express.store != nil {
		store, key = m.express.store, k
	}
	if err := store.Delete(ctx, key); err != nil {
		return fmt.Errorf("sessionkit: revoke session: %w", err)
	}
	m.pauses.resume(key)
	if m.obs != nil {
		m.store.emit(ctx, Event{Kind: EventRevoked, Reason: why})
	}
	return nil
}

// ownedRecords returns owner's live records, through the store's
// OwnerIndex or, failing that, a scan. In ExpressMigrate the owner's
// sessions still in Express's store are among them, their keys marked
// with expressOwnedMark, so that they are listed and revoked like the
// others; that costs a scan of Express's store, which is best-effort: a
// failure is logged and the native records are returned.
func (m *Manager) ownedRecords(ctx context.Context, owner string) ([]OwnedRecord, error) {
	recs, err := m.nativeOwned(ctx, owner)
	if err != nil || m.express.store == nil {
		return recs, err
	}
	old, err := m.express.store.Owned(ctx, owner)
	if err != nil {
		m.logWarn(ctx, "sessionkit: listing an owner's sessions not yet moved from Express failed; they are left out", logEventExpressListFailed, err)
	}
	for _, r := range old {
		r.Key = expressOwnedMark + r.Key
		recs = append(recs, r)
	}
	return recs, nil
}

// nativeOwned returns owner's live records in the manager's own store.
func (m *Manager) nativeOwned(ctx context.Context, owner string) ([]OwnedRecord, error) {
	if err := checkOwnerID(owner); err != nil || owner == "" {
		return nil, fmt.Errorf("%w: the owner ID is empty or invalid", ErrInvalidOwner)
	}
	recs, err := m.store.Owned(ctx, owner)
	if err != nil {
		return nil, fmt.Errorf("sessionkit: list owner's sessions: %w", err)
	}
	return recs, nil
}

// expressOwnedMark prefixes the keys ownedRecords returns from Express's
// store. No native store key holds a NUL.
const expressOwnedMark = "\x00express\x00"

// listing turns records into the list OwnerSessions returns, newest
// first, marking the one stored under current.
func listing(recs []OwnedRecord, current string) []OwnedSession {
	out := make([]OwnedSession, 0, len(recs))
	for _, r := range recs {
		out = append(out, OwnedSession{
			Handle:    handleOf(r.Key),
			Current:   current != "" && r.Key == current,
			Created:   r.Owner.Created,
			LastSeen:  r.Owner.Seen,
			Expires:   r.Expiry,
			UserAgent: r.Owner.UserAgent,
			IP:        r.Owner.IP,
		})
	}
	slices.SortFunc(out, func(a, b OwnedSession) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.Handle, b.Handle)
	})
	return out
}

// capped returns the owner's live sessions that count against
// OwnerConfig.MaxSessions besides the one p saves (and those p retires),
// oldest first, and how many of them must go to make room for it.
func (m *Manager) capped(ctx context.Context, p *plan) ([]OwnedRecord, int, error) {
	// Native sessions only: a login does not scan Express's store.
	recs, err := m.nativeOwned(ctx, p.owner.ID)
	if err != nil {
		return nil, 0, err
	}
	others := slices.DeleteFunc(recs, func(r OwnedRecord) bool {
		return r.Key == p.key || slices.Contains(p.retired, r.Key)
	})
	slices.SortFunc(others, oldestFirst)
	return others, max(0, len(others)-(m.cfg.Owners.MaxSessions-1)), nil
}

// oldestFirst orders records by login, then by last activity, then by
// key, so that ties, which millisecond times make likely, are broken the
// same way every time.
func oldestFirst(a, b OwnedRecord) int {
	if c := a.Owner.Created.Compare(b.Owner.Created); c != 0 {
		return c
	}
	if c := a.Owner.Seen.Compare(b.Owner.Seen); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

// refuseOverCap fails the binding p saves, before anything is written,
// when the owner already holds OwnerConfig.MaxSessions other sessions
// (RefuseNew).
func (m *Manager) refuseOverCap(ctx context.Context, p *plan) error {
	others, excess, err := m.capped(ctx, p)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSave, err)
	}
	if excess > 0 {
		return fmt.Errorf("%w: the owner has %d live sessions; OwnerConfig.MaxSessions is %d", ErrTooManySessions, len(others), m.cfg.Owners.MaxSessions)
	}
	return nil
}

// evictOldest revokes the owner's oldest sessions once p's binding is
// saved, until the owner is within OwnerConfig.MaxSessions (EvictOldest).
// The login has succeeded by then, so a failure is logged, not returned:
// the owner keeps a session too many until the next login.
//
// Only sessions older than the new one go: logins racing each other each
// list the others' brand-new sessions, and if each evicted what it saw,
// two logins at the cap would sign each other out. So the newest of them
// evicts the older ones, and the owner is left with the newest sessions,
// at most one over the cap per login that saw none of the others.
func (m *Manager) evictOldest(ctx context.Context, p *plan) {
	others, excess, err := m.capped(ctx, p)
	self := OwnedRecord{Key: p.key, Owner: p.owner}
	for _, r := range others[:excess] {
		if oldestFirst(r, self) >= 0 {
			break // others is oldest first: the rest are newer too
		}
		if err = m.revoke(ctx, r.Key, ReasonEvicted); err != nil {
			break
		}
	}
	if err != nil {
		m.logWarn(ctx, "sessionkit: evicting an owner's oldest session failed; the owner is over OwnerConfig.MaxSessions until the next login", logEventEvictFailed, err)
	}
}
