package core

import (
	"fmt"
	"time"
)

// Deadlines are the instants a session ends: whichever comes first.
type Deadlines struct {
	// Absolute is the end of the session's lifetime, counted from its
	// creation or its last Regenerate: Config.Lifetime, or the lifetime
	// set with SetLifetime. Activity does not move it.
	Absolute time.Time

	// Idle is when the session ends if no further request uses it after
	// this one. It is zero without Config.IdleTimeout.
	Idle time.Time
}

// End returns the earlier of the two deadlines.
func (d Deadlines) End() time.Time {
	if !d.Idle.IsZero() && d.Idle.Before(d.Absolute) {
		return d.Idle
	}
	return d.Absolute
}

// Deadlines reports when the session ends, as of this request: for a
// session that is modified or due for an idle touch, the idle deadline
// counts from now. A session that cannot be loaded reports zero deadlines.
func (s *Session) Deadlines() Deadlines {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return Deadlines{}
	}
	now := time.Now()
	cfg := &s.m.cfg
	d := Deadlines{Absolute: s.st.absolute(cfg)}
	if cfg.IdleTimeout > 0 {
		from := s.st.ident.touched
		if s.st.load == fresh || s.st.changes.dirty() || s.st.touchDue(cfg, now) {
			from = now
		}
		d.Idle = from.Add(cfg.IdleTimeout)
	}
	return d
}

// SetLifetime sets this session's absolute lifetime, counted from its
// creation or last Regenerate, in place of Config.Lifetime: for example 30
// days for a "remember me" login, together with RememberMe(true). It may
// not exceed Config.MaxLifetime; a longer or negative d is kept as an
// error wrapping ErrLifetime and fails the commit. Zero restores
// Config.Lifetime. It counts as a modification, so a new session is
// stored, and the new deadline reaches the store and the cookie at the
// commit.
func (s *Session) SetLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.use() {
		return
	}
	if d < 0 || d > s.m.cfg.MaxLifetime {
		s.fail(fmt.Errorf("%w: %v is outside 0 to Config.MaxLifetime (%v)", ErrLifetime, d, s.m.cfg.MaxLifetime))
		return
	}
	s.st.changeMeta(d, s.st.ident.persist)
}

// lifetime is the session's absolute lifetime.
func (id *identity) lifetimeOr(cfg *Config) time.Duration {
	if id.lifetime > 0 {
		return id.lifetime
	}
	return cfg.Lifetime
}

func (st *state) absolute(cfg *Config) time.Time {
	return st.ident.created.Add(st.ident.lifetimeOr(cfg))
}

// expiry is when the session ends if it stays idle from now on.
func (st *state) expiry(cfg *Config, now time.Time) time.Time {
	e := st.absolute(cfg)
	if it := cfg.IdleTimeout; it > 0 && now.Add(it).Before(e) {
		e = now.Add(it)
	}
	return e
}

// touchDue reports whether the commit should move the idle deadline.
func (st *state) touchDue(cfg *Config, now time.Time) bool {
	switch st.touch {
	case touchForced:
		return true
	case touchThrottled, touchSkipped:
		return cfg.touches() && now.Sub(st.ident.touched) >= st.touchInterval(cfg)
	}
	return false
}

// touchInterval is the throttle of the session's idle touches. In
// ExpressShare it is at most half the session's own maxAge, which may be
// far shorter than Config.Lifetime, and zero with Config.Rolling, whose
// cookie promises the browser the session lives maxAge from each
// response.
func (st *state) touchInterval(cfg *Config) time.Duration {
	if !cfg.sharing() {
		return cfg.TouchInterval
	}
	if cfg.Rolling {
		return 0
	}
	return min(cfg.TouchInterval, st.ident.lifetimeOr(cfg)/2)
}

// ended reports whether, and how, the session a token names has ended,
// judged from the signed timestamps alone: 0 while it can still be alive.
// The store has the final word.
func (m *Manager) ended(id identity, now time.Time) Reason {
	// A lifetime above MaxLifetime was granted under an older, longer
	// configuration; it is not honoured after the maximum shrinks.
	if id.lifetime > m.cfg.MaxLifetime || !now.Before(id.created.Add(id.lifetimeOr(&m.cfg))) {
		return ReasonAbsolute
	}
	if it := m.cfg.IdleTimeout; it > 0 && !now.Before(id.touched.Add(it+m.cfg.TouchInterval)) {
		return ReasonIdle
	}
	return 0
}
