package ginsession

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/sessionkit/sessionkit/core"
)

var errReplaced = errors.New("ginsession: the session error handler already wrote the response")

// writer is the gin.ResponseWriter the middleware puts in c.Writer for the
// duration of the chain. It commits the session once, just before the
// response headers leave.
//
// gin's WriteHeader only records the status: headers leave in
// WriteHeaderNow, which Write, WriteString, Flush and bodiless renders call
// and which the engine calls once more after the chain. So the commit
// hooks those, and a status set early (c.Status, a POST redirect) does not
// seal the session before the handler is done with it.
type writer struct {
	gin.ResponseWriter
	c         *gin.Context
	s         *core.Session
	onError   func(*gin.Context, error)
	committed bool
	replaced  bool // the handler's output is discarded from now on
}

// commit commits the session the first time it is called and reports
// whether the handler's output may go through.
func (w *writer) commit() bool {
	if w.committed {
		return !w.replaced
	}
	w.committed = true
	if w.s.Sealed() {
		return true // committed by a nested run of the chain (HandleContext)
	}
	if err := w.s.Commit(); err != nil {
		w.fail(err)
		return false
	}
	return true
}

// fail lets the error handler write the response in place of the
// handler's, on the real writer.
func (w *writer) fail(err error) {
	w.replaced = true
	core.DropBodyHeaders(w.Header())
	w.report(w.ResponseWriter, err)
}

// report calls the error handler with out as c.Writer.
func (w *writer) report(out gin.ResponseWriter, err error) {
	prev := w.c.Writer
	w.c.Writer = out
	defer func() { w.c.Writer = prev }()
	w.onError(w.c, err)
}

// finish runs after the chain: it commits if nothing was written, else it
// persists changes made after the headers went out and reports what could
// not be persisted, with w, now discarding, as the writer.
func (w *writer) finish() {
	if w.replaced {
		return
	}
	switch {
	case !w.committed && w.s.Sealed():
		// A nested run of the chain committed and sent the response;
		// persist what changed since, below.
		w.committed = true
	case !w.committed && w.ResponseWriter.Written():
		// The response went out around this middleware, as when
		// HandleContext forwards to a route outside its group: persist
		// what needs no new cookie, and report the rest.
		w.s.HeadersSent()
		w.committed = true
	case !w.committed:
		w.commit()
		return
	}
	if err := w.s.Finish(); err != nil {
		if !errors.Is(err, core.ErrHeadersSent) {
			err = fmt.Errorf("%w: %w", core.ErrHeadersSent, err)
		}
		w.replaced = true
		w.report(w, err)
	}
}

// WriteHeader records the status, as gin's own writer does.
func (w *writer) WriteHeader(code int) {
	if !w.replaced {
		w.ResponseWriter.WriteHeader(code)
	}
}

// WriteHeaderNow commits, then sends the headers.
func (w *writer) WriteHeaderNow() {
	if w.commit() {
		w.ResponseWriter.WriteHeaderNow()
	}
}

// Write commits, then writes b. After a failed commit it discards b and
// reports success, so the handler finishes normally.
func (w *writer) Write(b []byte) (int, error) {
	if !w.commit() {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// WriteString is Write for a string.
func (w *writer) WriteString(s string) (int, error) {
	if !w.commit() {
		return len(s), nil
	}
	return w.ResponseWriter.WriteString(s)
}

// Flush commits, then flushes.
func (w *writer) Flush() {
	if w.commit() {
		w.ResponseWriter.Flush()
	}
}

// Hijack commits, then hijacks. The cookie reaches the client only if the
// caller writes the response headers itself.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !w.commit() {
		return nil, nil, errReplaced
	}
	return w.ResponseWriter.Hijack()
}

// ReadFrom commits, then copies from r, keeping the underlying writer's
// io.ReaderFrom (sendfile) when it has one.
func (w *writer) ReadFrom(r io.Reader) (int64, error) {
	if !w.commit() {
		return io.Copy(io.Discard, r)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, r)
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// writerOnly hides ReadFrom so io.Copy cannot loop back into it.
type writerOnly struct{ io.Writer }
