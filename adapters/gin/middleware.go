package ginsession

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/sessionkit/sessionkit/core"
)

// Option configures Middleware.
type Option func(*options)

type options struct {
	onError func(*gin.Context, error)
}

// WithErrorHandler replaces the default error handling.
//
// The handler is called when the session cannot be loaded or committed
// before the response headers are sent; it must write the response, through
// c as usual, and whatever the route's handler writes afterwards is
// discarded. The Content-Length, Content-Type and Content-Encoding headers
// the route's handler may have set are removed before it is called. It is
// also called, with an error wrapping core.ErrHeadersSent, when a change
// made after the headers went out could not be persisted; the response can
// no longer change then, and anything written is discarded.
//
// The default records the error with c.Error, so gin's logger and error
// middleware see it, and responds 500 with {"error":"Internal Server
// Error"}; the store's error text never reaches the client. A nil handler
// keeps the default.
func WithErrorHandler(h func(c *gin.Context, err error)) Option {
	return func(o *options) {
		if h != nil {
			o.onError = h
		}
	}
}

func defaultErrorHandler(c *gin.Context, err error) {
	_ = c.Error(err)
	if errors.Is(err, core.ErrHeadersSent) {
		return
	}
	c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": http.StatusText(http.StatusInternalServerError)})
}

// Middleware binds a session from mgr to each request and commits it just
// before gin writes the response headers: on the first write, flush,
// hijack or bodiless render, or after the handlers return if they wrote
// nothing. A failed commit becomes the error handler's response (see
// WithErrorHandler). Handlers read the session with Get, or GetFor when the
// app runs several managers.
//
// An internal redirect with engine.HandleContext keeps the session: the
// nested run of the chain reuses it and commits it before its response.
//
// If a handler panics, the session is not committed. Install gin.Recovery
// before this middleware so that the panic passes through it.
//
// Middleware panics if mgr is nil, at construction, like gin's own
// constructors for impossible configuration.
func Middleware(mgr *core.Manager, opts ...Option) gin.HandlerFunc {
	if mgr == nil {
		panic("ginsession: Middleware: nil *core.Manager; pass the manager returned by core.New")
	}
	o := options{onError: defaultErrorHandler}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return func(c *gin.Context) {
		orig := c.Writer
		// engine.HandleContext (an internal redirect) runs the chain again
		// on the same request, with gin's own writer back in c.Writer. The
		// request already carries this manager's session: keep it, so the
		// nested run commits it before its response goes out.
		s, ok := mgr.Bound(c.Request.Context())
		if !ok {
			s, c.Request = mgr.Begin(orig, c.Request)
		}
		w := &writer{ResponseWriter: orig, c: c, s: s, onError: o.onError}
		c.Writer = w
		done := false
		defer func() {
			if !done {
				s.Abandon()
			}
			c.Writer = orig
		}()
		c.Next()
		done = true
		// Before returning, so that the engine's final WriteHeaderNow
		// carries the cookie of a handler that wrote nothing.
		w.finish()
	}
}
