package core

import (
	"context"
	"fmt"
	"log/slog"
)

// ExpressMode selects how a Manager deals with the sessions of an
// express-session app. See Express.
type ExpressMode uint8

const (
	// ExpressOff is sessionkit's own format only. It is the default.
	ExpressOff ExpressMode = iota

	// ExpressShare reads and writes express-session's cookies and its
	// stores' records in place, so one user's session is the same on the
	// Node app and on the Go app while routes move from one to the other.
	ExpressShare

	// ExpressMigrate moves each Express session to sessionkit's own
	// format the first time a handler uses it: a new ID and native cookie,
	// the values kept, the Express record deleted and Express's cookie
	// cleared, so the user stays logged in. For when the Node app is being
	// retired.
	ExpressMigrate
)

// String returns the mode's name, e.g. "ExpressShare".
func (m ExpressMode) String() string {
	switch m {
	case ExpressOff:
		return "ExpressOff"
	case ExpressShare:
		return "ExpressShare"
	case ExpressMigrate:
		return "ExpressMigrate"
	}
	return fmt.Sprintf("ExpressMode(%d)", int(m))
}

// DefaultExpressCookieName is express-session's default cookie name.
const DefaultExpressCookieName = "connect.sid"

// Express describes the express-session app whose sessions a Manager
// shares or migrates: its secrets, its cookie name and its store. Its
// zero value is ExpressOff.
//
// In ExpressShare the Manager has no sessions of its own: Config.Secrets
// and Config.Store must be left unset and Config.Cookie.Name unset or
// equal to CookieName. Config.Cookie's other attributes must match
// Express's cookie options, so that a browser never holds two cookies,
// and Config.Lifetime is Express's cookie.maxAge: like Express, each
// write sets the session's expiry to now plus that lifetime (or the one
// the session's own cookie records, such as a "remember me" maxAge set on
// the Node side), and each request that uses an unmodified session
// extends it with a store touch, at most one per Config.TouchInterval,
// which re-sends the cookie with the new Expires.
// Config.IdleTimeout must be zero, since Express has none.
//
// In ExpressMigrate, Config describes the native sessions as usual, with
// a cookie name other than CookieName; the Express side is only read and
// cleaned up.
type Express struct {
	// Mode selects sharing or migrating. The default is ExpressOff, and
	// the other fields are then ignored.
	Mode ExpressMode

	// Secrets are express-session's secret option, in its order: the
	// first signs, every one verifies. Express accepts secrets of any
	// length, and so do these, but New logs a warning (event
	// "weak_secret") for each one shorter than 32 bytes: a short secret
	// can be guessed offline from one cookie. Required, each non-empty.
	Secrets [][]byte

	// CookieName is express-session's name option. The default is
	// "connect.sid".
	CookieName string

	// Store holds Express's records: one made by
	// redisstore.NewExpress (connect-redis's layout) or
	// pgstore.NewExpress (connect-pg-simple's). Required. A native store
	// cannot be used here: it keys records by a hash Express cannot
	// compute.
	Store Store
}

func (x Express) withDefaults() Express {
	if x.Mode != ExpressOff && x.CookieName == "" {
		x.CookieName = DefaultExpressCookieName
	}
	return x
}

// expressDefaults applies Express's defaults, and in ExpressShare its
// cookie name and a TouchInterval within half the Lifetime, which slides.
func (c Config) expressDefaults() Config {
	c.Express = c.Express.withDefaults()
	if c.Express.Mode != ExpressShare {
		return c
	}
	if c.Cookie.Name == "" {
		c.Cookie.Name = c.Express.CookieName
	}
	if c.TouchInterval > c.Lifetime/2 {
		c.TouchInterval = c.Lifetime / 2
	}
	return c
}

// validate checks the Express side; c is the rest of the config, with
// defaults applied except for the cookie name in ExpressShare.
func (c Config) validateExpress() error {
	x := c.Express
	switch x.Mode {
	case ExpressOff:
		return nil
	case ExpressShare, ExpressMigrate:
	default:
		return invalid("unknown ExpressMode %d", int(x.Mode))
	}
	if err := x.validateSide(); err != nil {
		return err
	}
	if x.Mode == ExpressMigrate {
		if c.Cookie.Name == x.CookieName {
			return invalid("in ExpressMigrate the native cookie needs a name of its own; Cookie.Name is %q, as is Express.CookieName", x.CookieName)
		}
		return nil
	}
	return c.validateShare()
}

func (x Express) validateSide() error {
	if !validToken(x.CookieName) {
		return invalid("Express.CookieName %q is not a valid cookie name", x.CookieName)
	}
	if len(x.Secrets) == 0 {
		return invalid("Express.Secrets is empty: set it to the express-session app's secret list")
	}
	for i, s := range x.Secrets {
		if len(s) == 0 {
			return invalid("Express.Secrets[%d] is empty", i)
		}
	}
	if x.Store == nil {
		return invalid("Express.Store is nil: set it to the store the express-session app uses (redisstore.NewExpress or pgstore.NewExpress)")
	}
	return nil
}

func (c Config) validateShare() error {
	switch {
	case len(c.Secrets) > 0:
		return invalid("in ExpressShare the cookie is Express's: leave Secrets unset and put Express's secrets in Express.Secrets")
	case c.Store != nil:
		return invalid("in ExpressShare sessions live in Express's store: leave Store unset and set Express.Store")
	case c.Cookie.Name != c.Express.CookieName:
		return invalid("in ExpressShare the cookie is Express's: Cookie.Name %q differs from Express.CookieName %q", c.Cookie.Name, c.Express.CookieName)
	case c.IdleTimeout != 0:
		return invalid("in ExpressShare IdleTimeout must be zero: Express has no idle timeout; its maxAge (Lifetime) slides with each request")
	}
	return nil
}

// warnWeakSecrets logs each Express secret under minSecretLen bytes.
func (c Config) warnWeakSecrets() {
	for i, s := range c.Express.Secrets {
		if len(s) < minSecretLen {
			c.Logger.LogAttrs(context.Background(), slog.LevelWarn, "sessionkit: an Express secret is shorter than 32 bytes; a short secret can be guessed offline from one cookie",
				slog.String(logKeyEvent, logEventWeakSecret), slog.Int(logKeySecretAt, i), slog.Int(logKeySecretLen, len(s)))
		}
	}
}
