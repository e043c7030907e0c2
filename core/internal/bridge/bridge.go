// Package bridge lets package adapterkit drive the request lifecycle that
// package core implements, without core exporting it to handlers. core
// fills in the variables at init; nothing else may set them.
package bridge

import (
	"context"
	"net/http"
)

// Exchange is one request's session lifecycle; see adapterkit.Exchange.
type Exchange interface {
	Request() *http.Request
	Writer() http.ResponseWriter
	Commit() bool
	HeadersSent()
	Finish()
	Abandon()
}

// Run runs fn, the rest of the chain, then finishes x; if fn panics, x is
// abandoned and the panic goes on. It is a plain function, not a method
// of the interface, so fn does not escape and a closure costs no
// allocation.
func Run(x Exchange, fn func()) {
	done := false
	defer func() {
		if !done {
			x.Abandon()
		}
	}()
	fn()
	done = true
	x.Finish()
}

// Options mirror adapterkit.Options.
type Options struct {
	OnError         func(w http.ResponseWriter, r *http.Request, err error)
	LazyWriteHeader bool
}

var (
	// Begin starts the lifecycle of mgr (a *core.Manager) for one request.
	Begin func(mgr any, w http.ResponseWriter, r *http.Request, o Options) Exchange
	// Bound returns the session (a *core.Session) that mgr bound to ctx;
	// with a nil mgr, the innermost one of any manager.
	Bound func(ctx context.Context, mgr any) (any, bool)
	// Unavailable returns a *core.Session whose operations fail with err.
	Unavailable func(err error) any
)
