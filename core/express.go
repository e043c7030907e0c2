package core

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"time"

	"github.com/sessionkit/sessionkit/internal/expressjson"
)

// expressSide is a manager's link to an express-session app (see
// Express): Express's cookie codec and, in ExpressMigrate, the store its
// sessions are read from and retired in.
type expressSide struct {
	mode   ExpressMode
	codec  expressCodec
	cookie string // Express's cookie name
	store  *layer // ExpressMigrate: Express's store
}

// expressCookieMember is the member of an Express record that holds its
// cookie; the manager keeps it and hides it from handlers.
const expressCookieMember = "cookie"

func newExpressSide(x Express) expressSide {
	secrets := make([][]byte, len(x.Secrets))
	for i, s := range x.Secrets {
		secrets[i] = append([]byte(nil), s...)
	}
	return expressSide{mode: x.Mode, codec: expressCodec{secrets: secrets}, cookie: x.CookieName}
}

// sharing reports whether sessions are Express's own (ExpressShare).
func (c *Config) sharing() bool { return c.Express.Mode == ExpressShare }

// touches reports whether an unmodified session in use gets store
// touches: with an idle timeout, or in ExpressShare, whose lifetime
// slides as Express's maxAge does.
func (c *Config) touches() bool { return c.IdleTimeout > 0 || c.sharing() }

// reservedKey reports whether a handler may not use name as a key: in
// ExpressShare, the record's cookie, owner and bytes members, and the names
// express-session's Session object never loads from a record.
func (m *Manager) reservedKey(name string) error {
	if !m.cfg.sharing() {
		return nil
	}
	if name == expressCookieMember || name == expressjson.OwnerMember || name == expressjson.BytesMember || expressjson.Reserved(name) {
		return fmt.Errorf("%w: %q", ErrReservedKey, name)
	}
	return nil
}

// expressMigration is where an ExpressMigrate session is in its move.
type expressMigration uint8

const (
	migrationNone    expressMigration = iota
	migrationPending                  // values came from Express's record; not yet saved natively
	migrationDone                     // saved natively: Express's record and cookie go
	migrationDrop                     // Destroy on a pending move: Express's record and cookie go
	migrationGone                     // the Express record is gone: its cookie goes
)

// migration is an ExpressMigrate session's move from Express's record
// under key.
type migration struct {
	step expressMigration
	key  string
}

// expressState is a session's state in the Express modes.
type expressState struct {
	cookie *expressjson.Cookie // ExpressShare: the loaded record's cookie member
	mig    migration           // ExpressMigrate: the move from an Express record
}

// xs returns the session's Express state, creating it.
func (st *state) xs() *expressState {
	if st.x == nil {
		st.x = &expressState{}
	}
	return st.x
}

// mig returns the session's migration; the zero one outside
// ExpressMigrate.
func (st *state) mig() migration {
	if st.x == nil {
		return migration{}
	}
	return st.x.mig
}

// loadedCookie returns the cookie member of the loaded Express record, or
// nil.
func (st *state) loadedCookie() *expressjson.Cookie {
	if st.x == nil {
		return nil
	}
	return st.x.cookie
}

// takeCookie splits the cookie member off a loaded Express record
// (ExpressShare) and takes the session's lifetime and persistence from
// it, as Express does when it loads a session. The record's expiry gives
// the time of its last save or touch. ok is false for a cookie whose
// maxAge has run out, which Express treats as ended.
func (st *state) takeCookie(cfg *Config, rec *Record, now time.Time) (ok bool, err error) {
	raw, found := rec.Values[expressCookieMember]
	if !found {
		return false, fmt.Errorf("%w: an Express record without its cookie member", ErrBadRecord)
	}
	c, err := expressjson.ParseCookie(raw)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrBadRecord, err)
	}
	vals := maps.Clone(rec.Values)
	delete(vals, expressCookieMember)
	rec.Values = vals
	st.xs().cookie = &c
	switch {
	case c.OriginalMaxAge == nil:
		st.ident.persist, st.ident.lifetime = persistNever, 0
	case *c.OriginalMaxAge <= 0:
		return false, nil
	default:
		st.ident.lifetime = time.Duration(*c.OriginalMaxAge) * time.Millisecond
	}
	st.ident.created, st.ident.touched = now, now
	if !rec.Expiry.IsZero() {
		st.ident.touched = rec.Expiry.Add(-st.ident.lifetimeOr(cfg))
	}
	return true, nil
}

// readLifetime loads an unread ExpressShare session whose commit will
// write its expiry or send its cookie (a forced touch, a re-signing, a
// rolling cookie): only its record says its maxAge, which may be far from
// Config.Lifetime, as for a "remember me" session made on the Node side.
func (s *Session) readLifetime(ctx context.Context, d detachment) {
	st := &s.st
	if st.load != unloaded || !(st.touch == touchForced || st.client == clientStale || s.m.cfg.Rolling) {
		return
	}
	if d == detached {
		ctx = context.WithoutCancel(ctx)
	}
	if err := s.load(ctx); err != nil && st.touch == touchForced {
		st.fault.record(err) // a failing explicit touch fails the request
	}
}

// dressExpress completes an ExpressShare commit's writes as Express's
// save does: a whole save carries the cookie member, with expires now
// plus the session's maxAge, and the record's expiry is that expires
// (Config.Lifetime from now when the cookie has none); a patch carries
// it only when the handler changed it (RememberMe, SetLifetime), since
// the Express stores refresh the stored one themselves. A touch moves only
// the store's expiry; like every written touch it re-sends the cookie,
// with the new Expires, so the browser keeps the cookie as long as the
// store keeps the session (Express's own touch leaves the browser's
// cookie at its last save's expiry unless it is rolling).
func (s *Session) dressExpress(p *plan, now time.Time) error {
	st := &s.st
	c := s.expressCookie(now)
	expiry := c.Expires
	if expiry.IsZero() {
		expiry = now.Add(s.m.cfg.Lifetime)
	}
	switch p.op {
	case opTouch:
		p.expiry = expiry
		return nil
	case opSave, opPatch:
	default:
		return nil
	}
	raw, err := c.AppendJSON(nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSave, err)
	}
	p.expiry = expiry
	if p.op == opSave {
		vals := make(map[string][]byte, len(p.values)+1)
		maps.Copy(vals, p.values)
		vals[expressCookieMember] = raw
		p.values = vals
		if p.owner.Bound() {
			p.owner.Ends = expiry
			if !st.changes.rebound() && !st.owner.Created.IsZero() {
				p.owner.Created = st.owner.Created // the login time; the sliding expiry moves the rest
			}
		}
		return nil
	}
	if st.changes.meta {
		// RememberMe or SetLifetime changed the cookie itself. Otherwise
		// the store refreshes the record's own cookie member inside its
		// compare-and-set, as Express's save would, so a concurrent Node
		// change to it (a "remember me" maxAge, say) is kept.
		p.patch.Set[expressCookieMember] = raw
	}
	p.patch.Expiry = expiry
	if st.ident.persist != persistNever && st.phase != sealed {
		p.cookie = cookieIssue // Express re-sends a modified session's cookie
	}
	return nil
}

// expressCookie is the cookie member the session's next write carries:
// the loaded one, or for a new session one made from Config.Cookie as
// Express makes it from its cookie options, with this session's maxAge
// and expires now plus that maxAge.
func (s *Session) expressCookie(now time.Time) expressjson.Cookie {
	var c expressjson.Cookie
	if lc := s.st.loadedCookie(); lc != nil {
		c = lc.WithDefaults()
	} else {
		c = s.m.newExpressCookie(s.req)
	}
	c.OriginalMaxAge = nil
	// A loaded cookie keeps its maxAge, or its lack of one (persistNever),
	// until RememberMe changes it; a new one follows Cookie.SessionOnly.
	persist := s.st.ident.persist
	if persist == persistAlways || persist == persistDefault && (s.st.loadedCookie() != nil || !s.m.cfg.Cookie.SessionOnly) {
		ms := s.st.ident.lifetimeOr(&s.m.cfg).Milliseconds()
		c.OriginalMaxAge = &ms
	}
	return c.Touch(now)
}

// newExpressCookie is the cookie member of a session created on the Go
// side, from the request's cookie options.
func (m *Manager) newExpressCookie(r *http.Request) expressjson.Cookie {
	ck := m.cookieFor(r)
	hc := m.baseCookie(r, ck)
	c := expressjson.Cookie{HTTPOnly: expressjson.FlagOf(hc.HttpOnly), Path: hc.Path, Domain: hc.Domain}
	if ck.Secure != SecureAuto || hc.Secure {
		c.Secure = expressjson.FlagOf(hc.Secure)
	}
	switch hc.SameSite {
	case http.SameSiteLaxMode:
		c.SameSite = expressjson.SameSiteLax
	case http.SameSiteStrictMode:
		c.SameSite = expressjson.SameSiteStrict
	case http.SameSiteNoneMode:
		c.SameSite = expressjson.SameSiteNone
	}
	if ck.Priority != PriorityNone {
		c.Priority = ck.Priority.String()
	}
	if hc.Partitioned {
		c.Partitioned = expressjson.FlagTrue
	}
	return c
}

// findExpress returns the store key of the first Express cookie the
// request carries that verifies (ExpressMigrate).
func (m *Manager) findExpress(ctx context.Context, r *http.Request) (string, bool) {
	sc := scanCookies(r.Header, m.express.cookie)
	for range maxCandidates {
		v, ok := sc.next()
		if !ok {
			break
		}
		id, _, bad := m.express.codec.decode(v)
		if bad == 0 {
			return m.express.codec.storeKey(id.id), true
		}
		if m.obs != nil {
			m.rejected(ctx, bad, 0)
		}
	}
	return "", false
}

// fetchExpress reads the Express record an ExpressMigrate session moves
// from. Found, its values become a new, modified session, to be saved
// under a new ID at the commit; gone, the session starts afresh.
func (s *Session) fetchExpress(ctx context.Context) {
	st := &s.st
	key := st.mig().key
	rec, found, err := s.m.express.store.Load(ctx, key)
	now := time.Now()
	switch {
	case err != nil:
		st.load, st.loadErr = failed, fmt.Errorf("%w: %w", ErrLoad, err)
		return
	case !found || (!rec.Expiry.IsZero() && !now.Before(rec.Expiry)):
		st.startFresh(now)
		st.xs().mig = migration{step: migrationGone}
		return
	}
	persist := persistDefault
	if raw, ok := rec.Values[expressCookieMember]; ok {
		if c, err := expressjson.ParseCookie(raw); err == nil && c.OriginalMaxAge == nil {
			persist = persistNever // a browser-session cookie stays one
		}
	}
	st.startFresh(now)
	st.xs().mig = migration{step: migrationPending, key: key}
	st.ident.persist = persist
	st.owner = rec.Owner
	st.values, st.owned, st.size = make(map[string][]byte, len(rec.Values)), true, -1
	st.changes.set, st.changes.del = make(map[string]struct{}, len(rec.Values)), make(map[string]struct{})
	for k, v := range rec.Values {
		if k == expressCookieMember || expressjson.Reserved(k) {
			continue // Express's own, or never loaded by Express either
		}
		st.values[k] = v
		st.changes.set[k] = struct{}{}
	}
	if len(st.values) == 0 {
		st.changes.meta = true // an empty session still moves, so the Express one goes
	}
}

// retireExpress deletes the Express record a migrated or destroyed
// ExpressMigrate session came from. A failure is logged, not returned:
// the user's session is safe in the native store, and the Express
// record expires by itself.
func (m *Manager) retireExpress(ctx context.Context, key string) {
	if err := m.express.store.Delete(ctx, key); err != nil {
		m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "sessionkit: could not delete a migrated Express session; it expires by itself",
			slog.String(logKeyEvent, logEventMigrateFailed), slog.Any(logKeyError, err))
	}
}

// writeExpiredExpressCookie clears Express's cookie, with the Path and
// Domain of Config.Cookie.
func (s *Session) writeExpiredExpressCookie() {
	ck := s.m.cookieFor(s.req)
	c := s.m.baseCookie(s.req, ck)
	c.Name = s.m.express.cookie
	c.MaxAge = -1
	c.Expires = time.Unix(1, 0)
	s.setCookie(c, ck.Priority)
}

// linkExpress sets up the Express side New configured: Express's codec
// for the session cookie (ExpressShare), or Express's store to migrate
// from (ExpressMigrate).
func (m *Manager) linkExpress() error {
	x := m.cfg.Express
	m.express = newExpressSide(x)
	m.cfg.warnWeakSecrets()
	if x.Mode == ExpressShare {
		m.codec = m.express.codec
		return nil
	}
	l, err := newLayer(x.Store, m.cfg.StoreTimeout, m.cfg.Observer)
	if err != nil {
		m.Close()
		return fmt.Errorf("Express.Store: %w", err)
	}
	m.express.store = l
	return nil
}

// settleMigration retires the Express session an ExpressMigrate commit
// has moved (its native save succeeded) or destroyed: its record is
// deleted now and its cookie cleared with the response's cookies.
func (s *Session) settleMigration(ctx context.Context, p *plan, err error) {
	st := &s.st
	switch mig := st.mig(); {
	case mig.step == migrationPending && p.op == opSave && err == nil:
	case mig.step == migrationDrop && err == nil:
	default:
		return
	}
	s.m.retireExpress(context.WithoutCancel(ctx), st.x.mig.key)
	st.x.mig.step = migrationDone
	if st.phase == sealed {
		st.x.mig = migration{} // the cookie can no longer be cleared
	}
}

// dropExpress makes a Destroy in ExpressMigrate end the Express session
// too: the one the session is moving from, or, for a session already
// native, one the request still carries, so that logging out cannot leave
// a live Express session behind a cookie the browser still holds.
func (s *Session) dropExpress() {
	if s.m.express.mode != ExpressMigrate {
		return
	}
	st := &s.st
	switch mig := st.mig(); {
	case st.load == foreign || mig.step == migrationPending:
		st.x.mig.step = migrationDrop
	case mig.step == migrationNone:
		if key, ok := s.m.findExpress(s.req.Context(), s.req); ok {
			st.xs().mig = migration{step: migrationDrop, key: key}
		}
	}
}
