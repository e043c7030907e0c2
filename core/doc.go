// Package core is sessionkit's framework-agnostic session engine:
// server-side sessions identified by a signed cookie, with pluggable stores.
//
// A minimal program:
//
//	var views = core.Key[int]("views") // a typed key, declared once
//
//	func main() {
//		mgr, err := core.New(core.Config{Secrets: [][]byte{secret}}) // secret: 32+ random bytes
//		if err != nil {
//			log.Fatal(err) // a bad configuration fails here, never at request time
//		}
//		defer mgr.Close()
//		mux := http.NewServeMux()
//		mux.HandleFunc("POST /count", func(w http.ResponseWriter, r *http.Request) {
//			s := core.FromRequest(r)
//			n := views.Get(s) + 1 // an absent key is 0
//			views.Set(s, n)
//			fmt.Fprintln(w, n)
//		})
//		log.Fatal(http.ListenAndServe("localhost:8080", mgr.Handler(mux)))
//	}
//
// The framework adapters (adapters/gin, adapters/echo, adapters/chi)
// install the same engine in their frameworks' idioms.
//
// # How a request flows
//
// The middleware verifies the cookie (HMAC-SHA256 over the session ID and
// its timestamps) without touching the store, and when an unused session
// can need nothing from its token (no idle timeout, Rolling,
// SaveUninitialized, Header, Observer or Express mode, and one secret) it
// waits until the handler first uses the session, so a request that never
// does verifies nothing. The store is read the first time the handler uses
// the session, so requests that never do cost no store operation; with
// Limits.Keys and Limits.SessionBytes off, a handler that only sets keys
// writes them without reading (see Key.Set). Just before the response headers are written, the session
// commits: modified keys are written (as an atomic per-key Patch when the
// store supports it), an unmodified session is at most touched, and the
// cookie is set. A forged, truncated or expired cookie is treated as absent
// and never reaches the store; an ID the store does not know yields a fresh
// ID, never the client's.
//
// # Values and errors
//
// Values are read and written through typed keys (Key), encoded as JSON,
// so any JSON-encodable value, including the application's own structs, is
// stored without registration. Setting a key to the value it already holds
// is not a modification.
//
// Errors are sticky rather than returned: a failed load, a value that
// cannot be encoded, or a stored value that does not decode into the key's
// type is kept and reported when the session commits, through the
// middleware's error path (Config.ErrorHandler, a generic 500 by default),
// so a handler needs no error check per value and never silently answers
// with a zero value. A handler that wants to answer for such an error
// itself, with a degraded page say, checks Session.Err (or Session.Load)
// and then owns the error. Every failure the commit reports is logged
// once through Config.Logger, under every adapter.
//
// # Expiry
//
// A session ends at its absolute deadline (Config.Lifetime from its
// creation or last Regenerate) or, with Config.IdleTimeout, after that long
// without use, whichever comes first; Session.Deadlines reports both. A
// handler can give one session its own lifetime with Session.SetLifetime,
// bounded by Config.MaxLifetime, and make its cookie persistent or not with
// Session.RememberMe: together, a "remember me" login.
//
// # Per-user sessions
//
// Session.SetOwner binds a session to its owner, usually the user who
// just logged in; the binding survives Regenerate and goes with Destroy.
// Session.OwnerSessions lists the owner's live sessions for a "your
// devices" page (OwnedSession: a public handle that is never the session
// ID, created and last-seen times, the User-Agent, and the client IP only
// with OwnerConfig.ClientIP), Session.RevokeSession ends one by its
// handle and Session.RevokeOthers signs out everywhere else; the Manager
// does the same without a request (OwnerSessions, RevokeSession,
// RevokeOwner). A revocation deletes the record, so it takes effect at
// once on every instance sharing the store. OwnerConfig.MaxSessions caps
// an owner's sessions, evicting the oldest or refusing the login. On a
// store with an OwnerIndex (the memory, Redis and PostgreSQL stores)
// these cost O(the owner's sessions); a store that can only iterate is
// scanned; requests that use none of them cost nothing more.
//
// # Sharing sessions with Express
//
// Config.Express lets a Go app share the sessions of a running
// express-session app while routes move from Node to Go (ExpressShare),
// or move its users onto sessionkit's own sessions without logging them
// out (ExpressMigrate). In ExpressShare the manager reads and writes
// express-session's signed cookie (connect.sid, with Express's secret
// list) and its store's records in place, through
// redisstore.NewExpress (connect-redis) or pgstore.NewExpress
// (connect-pg-simple): the record's cookie member is kept up to date as
// Express keeps it and hidden from handlers, and everything else works
// as in native mode (lazy load, commit before headers, per-key patches
// that never lose a concurrent Express write, Regenerate, Destroy, typed
// keys, per-user sessions). See Express for what each mode requires.
//
// # Stores
//
// Store is the small contract: Load, Save and Delete. Patcher, Toucher,
// Popper, Iterator, Cleaner and OwnerIndex are optional capabilities (see Capabilities and
// CapabilitiesOf); New normalises the store once, emulating Patch and
// Touch with read-modify-write for stores that lack them. Store
// middleware (logging, tracing, caching) embeds StoreWrapper, which keeps
// every capability of the store it wraps. MemoryStore is the embedded
// default; package storetest is the conformance suite every store passes.
//
// # Observability
//
// Config.Observer receives the manager's lifecycle events (Event): a
// session created, loaded, regenerated, destroyed or expired (idle or
// absolute), a token rejected (malformed, bad signature, expired, unknown
// ID) or verified by the secret at index N, an idle touch written or
// throttled, every store call with its duration and outcome, and every
// failed commit. A PhaseObserver is also told where the load and the
// commit begin and end, under the request's context, so a tracer gives
// each a span under the request's span; package
// github.com/sessionkit/sessionkit/otel turns all of it into OpenTelemetry
// spans and metrics. Without an Observer none of it costs an allocation
// or a clock read. Events never carry a session ID, a token, a cookie or a
// secret.
//
// # Logs
//
// Every record the manager writes goes through Config.Logger, with these
// attribute keys and no others; no value is ever a session ID, a token, a
// cookie's value or a secret:
//
//	key          value                                             in records
//	event        what happened: commit_failed, load_failed,        all
//	             touch_failed, session_ended, cookie_invalid,
//	             evict_failed, weak_secret,
//	             express_cleanup_failed or express_list_failed
//	error        the error, as an error value                      commit_failed, load_failed, touch_failed,
//	                                                               evict_failed, express_cleanup_failed, express_list_failed,
//	                                                               and cookie_invalid from CookieFor
//	store        the store's kind, as in Event.Store               those a store call caused, and session_ended
//	operation    the store operation that failed: load, save,      those a store call caused
//	             delete, patch, touch, pop or owned
//	method       the request's method                              commit_failed, load_failed
//	path         the request's URL path                            commit_failed, load_failed
//	handled      true: the handler took the error on (Session.Err) load_failed
//	cookie_name  the session cookie's name, never its value        cookie_invalid
//	secret_index the index in Express.Secrets of a short secret    weak_secret
//	secret_bytes that secret's length, never the secret            weak_secret
//
// The messages are "sessionkit: session error" (level Error: events
// commit_failed, logged once for each failure the error path answers or
// reports, and load_failed), "sessionkit: idle touch failed" (Warn),
// "sessionkit: session ended by another request before this one
// committed; its changes were discarded" (Warn), "sessionkit: invalid
// session cookie; not sent" and "sessionkit: Config.CookieFor returned an
// invalid cookie; Config.Cookie used instead" (Error), and "sessionkit:
// evicting an owner's oldest session failed; the owner is over
// OwnerConfig.MaxSessions until the next login" (Warn), "sessionkit: an
// Express secret is shorter than 32 bytes; a short secret can be guessed
// offline from one cookie" (Warn, at New), "sessionkit: could not
// delete a migrated Express session; it expires by itself" (Warn) and
// "sessionkit: listing an owner's sessions not yet moved from Express
// failed; they are left out" (Warn).
//
// # Adapters
//
// The request lifecycle that framework adapters drive (begin, commit just
// before the headers, finish, abandon on panic) is package
// core/adapterkit, and package core/adaptertest is the behaviour suite
// that proves an adapter. Handlers never need either.
package core
