// Package adapterkit is the request lifecycle that framework adapters
// drive: begin a session for a request, commit it exactly once just
// before the response headers leave, finish it after the handler, and
// abandon it if the handler panics. The gin, Echo and chi adapters are
// built on it, each in a few dozen lines, and so can adapters for other
// frameworks; package adaptertest is the behaviour suite that proves one.
//
// A net/http-style adapter is:
//
//	func Middleware(mgr *core.Manager) func(http.Handler) http.Handler {
//		return func(next http.Handler) http.Handler {
//			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//				x := adapterkit.Begin(mgr, w, r, adapterkit.Options{})
//				x.Run(func() { next.ServeHTTP(x.Writer(), x.Request()) })
//			})
//		}
//	}
//
// Handlers never see this package: they use core.Session and core.Key.
package adapterkit

import (
	"context"
	"fmt"
	"net/http"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/internal/bridge"
)

// Options configure one Begin.
type Options struct {
	// OnError answers a session failure: a load or commit that failed
	// before the headers were sent, with the response writer the handler
	// was given (its body headers already removed, and everything the
	// handler writes afterwards discarded); or, with an error wrapping
	// core.ErrHeadersSent and a writer that discards output, a change made
	// after the headers went out that could not be persisted. The error
	// has already been logged once through the manager's Config.Logger, so
	// OnError should not log it again. The default is the manager's
	// Config.ErrorHandler.
	OnError func(w http.ResponseWriter, r *http.Request, err error)

	// LazyWriteHeader says the framework's writer only records the status
	// in WriteHeader and sends the headers on the first write, as gin's
	// does. WriteHeader then passes through without committing, and the
	// adapter calls Commit where the framework sends the headers. The
	// default is false: WriteHeader with a final status commits.
	LazyWriteHeader bool
}

// Exchange is one request's session lifecycle.
type Exchange struct{ x bridge.Exchange }

// Begin binds mgr's session to one request without touching the store.
// If the request already carries mgr's session (the same middleware
// installed twice, or a framework running the chain again on the same
// request), the session is reused, never duplicated: when w is the writer
// an outer Begin returned, the Exchange passes everything through to the
// outer one.
//
// Begin panics if mgr is nil; adapters check it at construction.
func Begin(mgr *core.Manager, w http.ResponseWriter, r *http.Request, o Options) Exchange {
	if mgr == nil {
		panic("adapterkit: Begin: nil *core.Manager")
	}
	return Exchange{bridge.Begin(mgr, w, r, bridge.Options{OnError: o.OnError, LazyWriteHeader: o.LazyWriteHeader})}
}

// Request returns the request carrying the session in its context; pass
// it on to the handler.
func (x Exchange) Request() *http.Request { return x.x.Request() }

// Writer returns the commit-once writer the handler must write through.
// It keeps http.Flusher, http.Hijacker, io.ReaderFrom and http.Pusher
// working and unwraps for http.ResponseController.
func (x Exchange) Writer() http.ResponseWriter { return x.x.Writer() }

// Commit commits the session now, unless it already has been, and reports
// whether the handler's output may go through: false means the commit
// failed and OnError has answered. Adapters whose framework sends headers
// outside the writer (gin's WriteHeaderNow) call it there.
func (x Exchange) Commit() bool { return x.x.Commit() }

// HeadersSent records that the response headers went out around the
// middleware, as when a framework writes the response itself. Finish then
// persists what needs no new cookie, and reports the rest.
func (x Exchange) HeadersSent() { x.x.HeadersSent() }

// Finish completes the session after the handler returns: it commits if
// nothing was written, and otherwise persists later changes, reporting to
// OnError what could not be persisted.
func (x Exchange) Finish() { x.x.Finish() }

// Abandon marks the session as not to be committed, because its handler
// panicked.
func (x Exchange) Abandon() { x.x.Abandon() }

// Run runs fn, the rest of the chain, and then Finish; if fn panics, the
// session is abandoned and the panic continues.
func (x Exchange) Run(fn func()) { bridge.Run(x.x, fn) }

// FromContext returns the session mgr bound to ctx, or with a nil mgr the
// innermost session of any manager. Without one it returns a session
// whose operations fail with missing, which should wrap core.ErrNoSession
// and say how to install the adapter's middleware. It never returns nil.
func FromContext(ctx context.Context, mgr *core.Manager, missing error) *core.Session {
	var m any
	if mgr != nil {
		m = mgr
	}
	if s, ok := bridge.Bound(ctx, m); ok {
		return s.(*core.Session)
	}
	return Unavailable(missing)
}

// Unavailable returns a session whose reads report nothing and whose Err,
// Load and Save return err. Adapters return it instead of nil.
func Unavailable(err error) *core.Session {
	return bridge.Unavailable(err).(*core.Session)
}

// SessionOf returns the session mgr's middleware bound to ctx, for an
// adapter's GetFor. Without one, or with a nil mgr, it returns a session
// whose operations fail with an error wrapping core.ErrNoSession that names
// mgr and tells how to install the middleware: adapter is the package name
// ("ginsession") and place what holds the session ("*gin.Context"). The
// error's text is built only when read, so a lookup that finds the session
// costs nothing for it.
func SessionOf(ctx context.Context, mgr *core.Manager, adapter, place string) *core.Session {
	if mgr == nil {
		return Unavailable(fmt.Errorf("%s: GetFor: nil *core.Manager: %w", adapter, core.ErrNoSession))
	}
	return FromContext(ctx, mgr, noSessionOf{mgr, adapter, place})
}

// noSessionOf is SessionOf's error, formatted only if read.
type noSessionOf struct {
	mgr            *core.Manager
	adapter, place string
}

func (noSessionOf) Unwrap() error { return core.ErrNoSession }

func (e noSessionOf) Error() string {
	return fmt.Sprintf("%s: no session of %v on this %s; add %s.Middleware(mgr) for this manager before the route: %v", e.adapter, e.mgr, e.place, e.adapter, core.ErrNoSession)
}
