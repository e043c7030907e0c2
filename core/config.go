package core

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// SecureMode says when the cookie gets the Secure attribute.
type SecureMode int

const (
	// SecureAuto sets Secure when the request arrived over TLS, or, with
	// Config.TrustProxy, when X-Forwarded-Proto is https. It is the default.
	SecureAuto SecureMode = iota
	// SecureAlways always sets Secure. Required for the __Secure- and
	// __Host- name prefixes and for SameSite=None.
	SecureAlways
	// SecureNever never sets Secure. Only for local development over plain
	// HTTP behind nothing.
	SecureNever
)

// Default values used by New for zero fields.
const (
	DefaultCookieName    = "session"
	DefaultLifetime      = 24 * time.Hour
	DefaultTouchInterval = time.Minute
	DefaultStoreTimeout  = 5 * time.Second
	minSecretLen         = 32
)

// Config configures a Manager. Only Secrets is required; every other zero
// field takes the default its comment states. New validates the whole
// config and returns an error wrapping ErrInvalidConfig for anything
// invalid, so a bad config never becomes a failure at request time.
type Config struct {
	// Secrets sign the session cookie with HMAC-SHA256. The first secret
	// signs; every secret verifies, so a secret can be rotated by putting
	// the new one first and keeping the old one until its cookies have
	// expired. A cookie verified by an older secret is re-signed with the
	// first one on that response. Each secret must be at least 32 bytes.
	// Required.
	Secrets [][]byte

	// Store holds the sessions. The default is a MemoryStore created by New
	// and stopped by Manager.Close; it keeps sessions in this process only.
	Store Store

	// Lifetime is the absolute lifetime of a session, counted from its
	// creation or its last Regenerate. Activity does not extend it. The
	// default is 24 hours.
	Lifetime time.Duration

	// IdleTimeout ends a session after this long without activity. Zero,
	// the default, disables idle expiry. Activity extends the session
	// through a throttled store touch (see TouchInterval), never a rewrite.
	IdleTimeout time.Duration

	// TouchInterval throttles idle-expiry touches: a session that is used
	// but not modified costs at most one store touch per interval. The
	// default is one minute, capped at half the IdleTimeout, so a session
	// expires between IdleTimeout-TouchInterval and IdleTimeout after its
	// last use. It has no effect without IdleTimeout.
	TouchInterval time.Duration

	// Rolling re-sends the cookie on every response, refreshing its
	// expiry in the browser, as express-session's rolling option does. The
	// default is false: the cookie is sent when the session is created,
	// rotated, re-signed, touched or its persistence changes.
	Rolling bool

	// SaveUninitialized stores a new session, and sends its cookie, even
	// when the handler never modified it. The default is false, which keeps
	// anonymous traffic out of the store and complies with cookie-consent
	// rules.
	SaveUninitialized bool

	// Cookie configures the session cookie.
	Cookie CookieConfig

	// TrustProxy makes SecureAuto trust the X-Forwarded-Proto header. Only
	// enable it behind a proxy that sets that header. The default is false.
	TrustProxy bool

	// Header, when set, also reads the session token from this request
	// header (taking precedence over the cookie) and writes the token into
	// the same response header whenever it is issued or rotated, for API
	// clients that do not keep cookies. Clients must keep the token from
	// every response that carries the header: the token records the last
	// idle touch, so a client that sticks to an old token looks idle, costs
	// a store touch on every request and, with IdleTimeout, is logged out
	// while active. After Destroy the response carries the header with an
	// empty value: the client should drop its token. The default is ""
	// (cookies only).
	Header string

	// IDGenerator returns a new session ID. The default draws 256 bits from
	// crypto/rand and encodes them URL-safe (43 characters). A custom
	// generator must return unguessable, URL-safe IDs of 16 to 128 bytes.
	IDGenerator func() (string, error)

	// StoreTimeout bounds every store call, on top of the request's own
	// context. The default is 5 seconds; a negative value means no bound
	// beyond the request context.
	StoreTimeout time.Duration

	// ErrorHandler writes the response when the session cannot be loaded
	// or committed before the headers are sent. It is also called, with an
	// error wrapping ErrHeadersSent and a writer that discards output, when
	// a change made after the headers went out could not be persisted.
	// The default logs the error and responds 500 with a generic body;
	// store error text never reaches the client.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

	// Logger receives the default error handler's reports. The default is
	// slog.Default().
	Logger *slog.Logger
}

// CookieConfig configures the session cookie.
type CookieConfig struct {
	// Name is the cookie name. The default is "session". Names starting
	// with "__Host-" require SecureAlways, Path "/" and no Domain; names
	// starting with "__Secure-" require SecureAlways. Browsers match these
	// prefixes ignoring case, and so does New.
	Name string

	// Domain is the cookie's Domain attribute. The default is "", a
	// host-only cookie, which is the safest choice.
	Domain string

	// Path is the cookie's Path attribute. The default is "/".
	Path string

	// Secure says when to set the Secure attribute. The default is
	// SecureAuto.
	Secure SecureMode

	// SameSite is the cookie's SameSite attribute. The default
	// (http.SameSiteDefaultMode or zero) means Lax. SameSite=None requires
	// SecureAlways.
	SameSite http.SameSite

	// AllowScriptAccess drops the HttpOnly attribute so page scripts can
	// read the cookie. The default is false: the cookie is HttpOnly.
	AllowScriptAccess bool

	// Partitioned sets the Partitioned attribute (CHIPS), for sessions in
	// third-party iframes. It requires SecureAlways. The default is false.
	Partitioned bool

	// SessionOnly makes the cookie a browser-session cookie, without
	// Expires or Max-Age, so it is dropped when the browser closes. A
	// session can override this either way with RememberMe. The default is
	// false: the cookie persists until the session expires.
	SessionOnly bool
}

func (c Config) withDefaults() Config {
	if c.Lifetime == 0 {
		c.Lifetime = DefaultLifetime
	}
	if c.TouchInterval == 0 {
		c.TouchInterval = DefaultTouchInterval
	}
	if c.IdleTimeout > 0 && c.TouchInterval > c.IdleTimeout/2 {
		c.TouchInterval = c.IdleTimeout / 2
	}
	if c.StoreTimeout == 0 {
		c.StoreTimeout = DefaultStoreTimeout
	}
	if c.Cookie.Name == "" {
		c.Cookie.Name = DefaultCookieName
	}
	if c.Cookie.Path == "" {
		c.Cookie.Path = "/"
	}
	if c.Cookie.SameSite == 0 || c.Cookie.SameSite == http.SameSiteDefaultMode {
		c.Cookie.SameSite = http.SameSiteLaxMode
	}
	if c.IDGenerator == nil {
		c.IDGenerator = randomID
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func (c Config) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
	}
	if len(c.Secrets) == 0 {
		return bad("no secret: set Config.Secrets to at least one random secret of %d bytes or more", minSecretLen)
	}
	for i, s := range c.Secrets {
		if len(s) < minSecretLen {
			return bad("Secrets[%d] is %d bytes; want at least %d", i, len(s), minSecretLen)
		}
	}
	for name, d := range map[string]time.Duration{
		"Lifetime": c.Lifetime, "IdleTimeout": c.IdleTimeout, "TouchInterval": c.TouchInterval,
	} {
		if d < 0 {
			return bad("%s is negative (%v)", name, d)
		}
	}
	ck := c.Cookie
	if !validCookieName(ck.Name) {
		return bad("cookie name %q is not a valid token", ck.Name)
	}
	// net/http would silently drop an invalid Domain (making the cookie
	// host-only) or strip bytes from the Path; refuse them here instead.
	if !strings.HasPrefix(ck.Path, "/") || (&http.Cookie{Name: "n", Path: ck.Path}).Valid() != nil {
		return bad("cookie path %q must start with / and contain only printable ASCII other than ';'", ck.Path)
	}
	if ck.Domain != "" && (&http.Cookie{Name: "n", Domain: ck.Domain}).Valid() != nil {
		return bad("cookie domain %q is not a valid domain name or IP address", ck.Domain)
	}
	if ck.Secure < SecureAuto || ck.Secure > SecureNever {
		return bad("unknown SecureMode %d", ck.Secure)
	}
	if ck.SameSite < http.SameSiteDefaultMode || ck.SameSite > http.SameSiteNoneMode {
		return bad("unknown SameSite %d", ck.SameSite)
	}
	if hasPrefixFold(ck.Name, "__Host-") {
		if ck.Domain != "" {
			return bad("a __Host- cookie cannot have a Domain (got %q)", ck.Domain)
		}
		if ck.Path != "/" {
			return bad("a __Host- cookie must have Path \"/\" (got %q)", ck.Path)
		}
	}
	if (hasPrefixFold(ck.Name, "__Host-") || hasPrefixFold(ck.Name, "__Secure-")) && ck.Secure != SecureAlways {
		return bad("cookie name %q requires Cookie.Secure = SecureAlways", ck.Name)
	}
	if ck.SameSite == http.SameSiteNoneMode && ck.Secure != SecureAlways {
		return bad("SameSite=None requires Cookie.Secure = SecureAlways")
	}
	if ck.Partitioned && ck.Secure != SecureAlways {
		return bad("a Partitioned cookie requires Cookie.Secure = SecureAlways; browsers reject it without Secure")
	}
	if c.Header != "" && !validCookieName(c.Header) {
		return bad("header name %q is not a valid token", c.Header)
	}
	return nil
}

// validCookieName reports whether s is an RFC 7230 token.
func validCookieName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s starts with prefix, ignoring case, as
// browsers match the __Host- and __Secure- cookie prefixes.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
