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

// String returns the mode's name, e.g. "SecureAuto".
func (m SecureMode) String() string {
	switch m {
	case SecureAuto:
		return "SecureAuto"
	case SecureAlways:
		return "SecureAlways"
	case SecureNever:
		return "SecureNever"
	}
	return fmt.Sprintf("SecureMode(%d)", int(m))
}

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
	// creation or its last Regenerate. Activity does not extend it. A
	// handler can give one session another lifetime with
	// Session.SetLifetime. The default is 24 hours.
	Lifetime time.Duration

	// MaxLifetime bounds the lifetimes handlers set with
	// Session.SetLifetime, for example 30 days to allow "remember me"
	// logins. The default is Lifetime, so sessions can be made shorter but
	// not longer. It may not be less than Lifetime. Lowering it ends the
	// sessions whose lifetime exceeds the new maximum: their cookies are
	// treated as absent.
	MaxLifetime time.Duration

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
	// enable it behind a proxy that sets that header. When the header holds
	// several values (several lines, or "https, http"), the last one
	// counts: the one the proxy nearest the app added; values further left
	// come from hops further out, the client included, and prove nothing.
	// The default is false.
	TrustProxy bool

	// Header, when set, also reads the session token from this request
	// header (taking precedence over the cookie) for API clients that do
	// not keep cookies, and writes the token into the same response header
	// whenever it is issued or rotated, but only to clients identified by
	// the header, or that sent it (empty, before they have a token) with no
	// session cookie: an API client asks for header transport that way. A
	// request that carries the HttpOnly cookie never gets the token in a
	// header, even when a page script adds the header to its own fetch, so
	// an XSS cannot read the token from a response. Clients must keep the token from every response that
	// carries the header: the token records the last idle touch, so a
	// client that sticks to an old token looks idle, costs a store touch on
	// every request and, with IdleTimeout, is logged out while active.
	// After Destroy the response carries the header with an empty value:
	// the client should drop its token. The default is "" (cookies only).
	Header string

	// Limits bound what one session may hold. Exceeding one is an error
	// wrapping ErrTooLarge, kept by Key.Set and reported at the commit, so
	// nothing is truncated and nothing already stored is lost. The
	// defaults are DefaultLimits.
	Limits Limits

	// Owners configures per-owner sessions: a cap on each owner's
	// sessions and what is recorded about the device. The zero value sets
	// no cap and records the User-Agent but no IP. See Session.SetOwner.
	Owners OwnerConfig

	// AllowSharedCaching leaves alone the cache headers of responses whose
	// handler used the session without changing the cookie. By default
	// such a response is personal: it gets Vary: Cookie and, unless the
	// handler set a Cache-Control of its own, Cache-Control: private, so a
	// shared cache never serves one user's page to another. Responses that
	// set the cookie are always marked private. The default is false.
	AllowSharedCaching bool

	// IDGenerator returns a new session ID. The default draws 256 bits from
	// crypto/rand and encodes them URL-safe (43 characters). A custom
	// generator must return unguessable, URL-safe IDs of 16 to 128 bytes;
	// it is given the request that creates or regenerates the session
	// (express-session's genid(req)), for an ID that embeds a region or
	// shard, say. It must never derive the ID from anything the client
	// sent: the manager never adopts a client-chosen ID, and a generator
	// must not either. An error, or an ID of the wrong length, fails the
	// request's commit.
	IDGenerator func(r *http.Request) (string, error)

	// CookieFor, when set, adjusts the cookie for one request: it is
	// given the request and a copy of Cookie to change, each time the
	// cookie is written (set or cleared), so an app serving several
	// hosts can pick the Domain, or one behind several proxies the
	// Secure mode, per request (express-session's cookie function). The
	// Name cannot change, since the token is signed for it. The result
	// must pass the rules New applies to Cookie; one that does not is
	// logged at level Error and Cookie is used as configured. The default
	// is nil: Cookie for every request.
	CookieFor func(r *http.Request, c *CookieConfig)

	// StoreTimeout bounds every store call, on top of the request's own
	// context. The default is 5 seconds; a negative value means no bound
	// beyond the request context. The built-in MemoryStore's calls, which
	// never wait on I/O, get no deadline of their own: a timer per call
	// would bound nothing.
	StoreTimeout time.Duration

	// ErrorHandler writes the response when the session cannot be loaded
	// or committed before the headers are sent. It is also called, with an
	// error wrapping ErrHeadersSent and a writer that discards output, when
	// a change made after the headers went out could not be persisted.
	// The error has already been logged through Logger. The default
	// responds 500 with a generic body; store error text never reaches the
	// client. Framework adapters answer through the framework's own error
	// path instead.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

	// Logger receives one record for every session failure (level Error,
	// message "sessionkit: session error") under every adapter, and
	// warnings for failed idle touches and sessions ended by a concurrent
	// request, with the stable attribute keys the package documentation
	// lists (event, error, store, operation, method, path). Records never
	// carry a session ID, a cookie or a secret. The default is
	// slog.Default(); use a logger with a discarding handler to silence
	// it.
	Logger *slog.Logger

	// Express shares sessions with a running express-session app, or
	// moves its users onto sessionkit's own sessions without logging them
	// out; see Express for what each mode requires of the rest of the
	// config. The default, the zero value, is ExpressOff.
	Express Express

	// Observer receives the manager's lifecycle events: sessions created,
	// loaded, regenerated, destroyed and expired, tokens rejected or
	// verified (and by which secret), idle touches written or throttled,
	// every store call with its duration and outcome, and failed commits;
	// see Event. If it is also a PhaseObserver, it is told where the load
	// and the commit begin and end, so a tracer can give each a span
	// under the request's. Package github.com/sessionkit/sessionkit/otel
	// provides one for OpenTelemetry. Events are delivered synchronously,
	// and never carry a session ID, a token, a cookie or a secret. The
	// default is nil: no events, at no cost on any request.
	Observer Observer
}

// Limits bound the size of one session. A zero field takes its default
// from DefaultLimits; a negative one means no limit.
type Limits struct {
	// ValueBytes bounds the JSON encoding of one value. The default is
	// 64 KiB.
	ValueBytes int
	// Keys bounds the number of keys. The default is 128.
	Keys int
	// SessionBytes bounds the session's keys and values together. The
	// default is 256 KiB.
	SessionBytes int
}

// DefaultLimits are the limits New uses for zero fields of Config.Limits.
var DefaultLimits = Limits{ValueBytes: 64 << 10, Keys: 128, SessionBytes: 256 << 10}

func (l Limits) withDefaults() Limits {
	if l.ValueBytes == 0 {
		l.ValueBytes = DefaultLimits.ValueBytes
	}
	if l.Keys == 0 {
		l.Keys = DefaultLimits.Keys
	}
	if l.SessionBytes == 0 {
		l.SessionBytes = DefaultLimits.SessionBytes
	}
	return l
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
	// SecureAlways. SameSiteAuto sends None (with Secure) over secure
	// requests and Lax over others.
	SameSite http.SameSite

	// Priority is the cookie's Priority attribute. The default,
	// PriorityNone, sends none (browsers then treat the cookie as
	// Medium); PriorityHigh keeps Chromium from evicting the session
	// cookie before a site's other cookies.
	Priority CookiePriority

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
	if c.MaxLifetime == 0 {
		c.MaxLifetime = c.Lifetime
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
	c = c.expressDefaults()
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
	c.Limits = c.Limits.withDefaults()
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
}

// validate reports the first problem, checking fields in declaration
// order so the same config always reports the same field.
func (c Config) validate() error {
	for _, check := range []func() error{c.validateSecrets, c.validateExpress, c.validateDurations, c.Cookie.validate, c.validateHeader, c.Owners.validate} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c Config) validateSecrets() error {
	if c.Express.Mode == ExpressShare {
		return nil // Express's secrets sign; see validateShare
	}
	if len(c.Secrets) == 0 {
		return invalid("no secret: set Config.Secrets to at least one random secret of %d bytes or more", minSecretLen)
	}
	for i, s := range c.Secrets {
		if len(s) < minSecretLen {
			return invalid("Secrets[%d] is %d bytes; want at least %d", i, len(s), minSecretLen)
		}
	}
	return nil
}

func (c Config) validateDurations() error {
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"Lifetime", c.Lifetime}, {"MaxLifetime", c.MaxLifetime}, {"IdleTimeout", c.IdleTimeout}, {"TouchInterval", c.TouchInterval}} {
		if d.d < 0 {
			return invalid("%s is negative (%v)", d.name, d.d)
		}
	}
	if c.MaxLifetime < c.Lifetime {
		return invalid("MaxLifetime (%v) is less than Lifetime (%v)", c.MaxLifetime, c.Lifetime)
	}
	return nil
}

func (c Config) validateHeader() error {
	// A header name is an HTTP token, the rule cookie names follow too.
	if c.Header != "" && !validToken(c.Header) {
		return invalid("header name %q is not a valid token", c.Header)
	}
	return nil
}

func (ck CookieConfig) validate() error {
	if !validToken(ck.Name) {
		return invalid("cookie name %q is not a valid token", ck.Name)
	}
	// net/http would silently drop an invalid Domain (making the cookie
	// host-only) or strip bytes from the Path; refuse them here instead.
	if !strings.HasPrefix(ck.Path, "/") || (&http.Cookie{Name: "n", Path: ck.Path}).Valid() != nil {
		return invalid("cookie path %q must start with / and contain only printable ASCII other than ';'", ck.Path)
	}
	if ck.Domain != "" && (&http.Cookie{Name: "n", Domain: ck.Domain}).Valid() != nil {
		return invalid("cookie domain %q is not a valid domain name or IP address", ck.Domain)
	}
	if ck.Secure < SecureAuto || ck.Secure > SecureNever {
		return invalid("unknown SecureMode %d", int(ck.Secure))
	}
	if (ck.SameSite < http.SameSiteDefaultMode || ck.SameSite > http.SameSiteNoneMode) && ck.SameSite != SameSiteAuto {
		return invalid("unknown SameSite %d", ck.SameSite)
	}
	if ck.Priority > PriorityHigh {
		return invalid("unknown CookiePriority %d", ck.Priority)
	}
	return ck.validatePrefixes()
}

// validatePrefixes checks what the __Host- and __Secure- name prefixes,
// SameSite=None and Partitioned require of the other attributes.
func (ck CookieConfig) validatePrefixes() error {
	host := hasPrefixFold(ck.Name, "__Host-")
	switch {
	case host && ck.Domain != "":
		return invalid("a __Host- cookie cannot have a Domain (got %q)", ck.Domain)
	case host && ck.Path != "/":
		return invalid("a __Host- cookie must have Path \"/\" (got %q)", ck.Path)
	case (host || hasPrefixFold(ck.Name, "__Secure-")) && ck.Secure != SecureAlways:
		return invalid("cookie name %q requires Cookie.Secure = SecureAlways", ck.Name)
	case ck.SameSite == http.SameSiteNoneMode && ck.Secure != SecureAlways:
		return invalid("SameSite=None requires Cookie.Secure = SecureAlways")
	case ck.SameSite == SameSiteAuto && ck.Secure == SecureNever:
		return invalid("SameSiteAuto sends SameSite=None with Secure over secure requests; it cannot be combined with SecureNever")
	case ck.Partitioned && ck.Secure != SecureAlways:
		return invalid("a Partitioned cookie requires Cookie.Secure = SecureAlways; browsers reject it without Secure")
	}
	return nil
}

// validToken reports whether s is an RFC 7230 token, using net/http's own
// check of cookie names.
func validToken(s string) bool {
	return s != "" && (&http.Cookie{Name: s}).Valid() == nil
}

// hasPrefixFold reports whether s starts with prefix, ignoring case, as
// browsers match the __Host- and __Secure- cookie prefixes.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
