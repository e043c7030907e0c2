package ginsession

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adapterkit"
)

// Option configures Middleware.
type Option func(*options)
type options struct{ onError func(*gin.Context, error) }

// WithErrorHandler replaces the default error handling (a nil h keeps it). h
// answers, through c, a failed load or commit before the headers, with the
// route's body headers removed, or, with err wrapping core.ErrHeadersSent, a
// later change not persisted; the route's output is discarded. err is already
// logged. The default calls c.Error(err) and responds 500 {"error":"Internal Server Error"}.
func WithErrorHandler(h func(c *gin.Context, err error)) Option {
	return func(o *options) { o.onError = h }
}

func defaultErrorHandler(c *gin.Context, err error) {
	_ = c.Error(err)
	if !errors.Is(err, core.ErrHeadersSent) {
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": http.StatusText(http.StatusInternalServerError)})
	}
}

// Middleware binds a session from mgr to each request and commits it just
// before gin sends the headers, or after the handlers if they wrote nothing.
// Installed twice for one manager, the inner one passes through; HandleContext
// reuses the session. Install gin.Recovery first. It panics if mgr is nil.
func Middleware(mgr *core.Manager, opts ...Option) gin.HandlerFunc {
	if mgr == nil {
		panic("ginsession: Middleware: nil *core.Manager; pass the manager returned by core.New")
	}
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.onError == nil {
		o.onError = defaultErrorHandler
	}
	return func(c *gin.Context) {
		if w, ok := c.Writer.(*writer); ok && w.mgr == mgr {
			// Installed twice: the outer one serves; a panic abandons the session.
			adapterkit.Begin(mgr, w.out, c.Request, adapterkit.Options{}).Run(c.Next)
			return
		}
		orig := c.Writer
		w := &writer{ResponseWriter: orig, mgr: mgr}
		w.x = adapterkit.Begin(mgr, orig, c.Request, adapterkit.Options{LazyWriteHeader: true,
			OnError: func(to http.ResponseWriter, _ *http.Request, err error) {
				out, ok := to.(gin.ResponseWriter)
				if !ok { // the headers are gone: discard what is written
					out = &writer{ResponseWriter: orig, out: to, x: w.x}
				}
				c.Writer = out
				defer func() { c.Writer = w }()
				o.onError(c, err)
			}})
		w.out, c.Request, c.Writer = w.x.Writer(), w.x.Request(), w
		defer func() { c.Writer = orig }()
		w.x.Run(func() { // Finish precedes the engine's last WriteHeaderNow
			if c.Next(); orig.Written() { // around this middleware (HandleContext)
				w.x.HeadersSent()
			}
		})
	}
}

// writer is c.Writer while the chain runs: gin's writer, writing through
// the kit's commit-once writer out; gin sends the headers in WriteHeaderNow.
type writer struct {
	gin.ResponseWriter
	out http.ResponseWriter
	x   adapterkit.Exchange
	mgr *core.Manager
}

func (w *writer) WriteHeaderNow() {
	if w.x.Commit() {
		w.ResponseWriter.WriteHeaderNow()
	}
}

func (w *writer) WriteHeader(code int)                { w.out.WriteHeader(code) }
func (w *writer) Write(b []byte) (int, error)         { return w.out.Write(b) }
func (w *writer) WriteString(s string) (int, error)   { return io.WriteString(w.out, s) }
func (w *writer) ReadFrom(r io.Reader) (int64, error) { return io.Copy(w.out, r) }
func (w *writer) Flush()                              { _ = http.NewResponseController(w.out).Flush() }
func (w *writer) Unwrap() http.ResponseWriter         { return w.out }
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.out).Hijack()
}

var errNoSession = fmt.Errorf("ginsession: no session on this *gin.Context; add r.Use(ginsession.Middleware(mgr)) before the route: %w", core.ErrNoSession)

// Get returns the session the innermost Middleware bound to c; never nil:
// without one, its operations fail with a core.ErrNoSession saying why.
func Get(c *gin.Context) *core.Session { return adapterkit.FromContext(ctx(c), nil, errNoSession) }

// GetFor returns the session that mgr's Middleware bound to c, for apps
// that run several managers (user and admin sessions, say); never nil.
func GetFor(c *gin.Context, mgr *core.Manager) *core.Session {
	return adapterkit.SessionOf(ctx(c), mgr, "ginsession", "*gin.Context")
}

func ctx(c *gin.Context) context.Context {
	if c == nil || c.Request == nil {
		return nil
	}
	return c.Request.Context()
}
