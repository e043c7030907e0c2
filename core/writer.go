package core

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
)

// ResponseWriter wraps an http.ResponseWriter so the session commits exactly
// once, just before the response headers are written: on the first
// WriteHeader with a final status, Write, Flush, ReadFrom or Hijack. 1xx
// informational statuses pass through without committing.
//
// If the commit fails, the error callback writes the response instead and
// everything the handler writes afterwards is discarded.
//
// The optional interfaces keep working through the wrap: http.Flusher,
// http.Hijacker, io.ReaderFrom and http.Pusher are implemented and report
// http.ErrNotSupported (or do nothing, for Flush) when the wrapped writer
// lacks them; Unwrap lets http.ResponseController reach the original.
type ResponseWriter struct {
	w           http.ResponseWriter
	s           *Session
	onError     func(http.ResponseWriter, error)
	wroteHeader bool
	replaced    bool
}

// Wrap returns w wrapped so the session commits before the headers are
// sent. onError is called with the underlying writer when the commit fails
// before any header was written; nil means the manager's ErrorHandler. Call
// Finish after the handler returns.
func (s *Session) Wrap(w http.ResponseWriter, onError func(http.ResponseWriter, error)) *ResponseWriter {
	s.rw = ResponseWriter{w: w, s: s, onError: onError}
	return &s.rw
}

// fail reports a commit error through the error callback. Before the
// headers are sent, the headers describing the handler's body go first: a
// middleware such as a compressor may already have announced an encoding
// the error response will not have.
func (w *ResponseWriter) fail(to http.ResponseWriter, err error) {
	if to == w.w {
		DropBodyHeaders(w.w.Header())
	}
	switch {
	case w.onError != nil:
		w.onError(to, err)
	case w.s.m != nil:
		w.s.m.HandleError(to, w.s.req, err)
	default: // a session without a manager, from Unavailable
		http.Error(to, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
}

// DropBodyHeaders removes the headers that describe the handler's body
// (Content-Type, Content-Length, Content-Encoding) before an error response
// takes its place: a compressor, say, may already have announced an
// encoding the error response will not have. Adapters call it before their
// error handler writes.
func DropBodyHeaders(h http.Header) {
	h.Del("Content-Type")
	h.Del("Content-Length")
	h.Del("Content-Encoding")
}

// Header implements http.ResponseWriter.
func (w *ResponseWriter) Header() http.Header { return w.w.Header() }

// WriteHeader implements http.ResponseWriter.
func (w *ResponseWriter) WriteHeader(code int) {
	if w.replaced {
		return
	}
	if w.wroteHeader || (code >= 100 && code < 200 && code != http.StatusSwitchingProtocols) {
		w.w.WriteHeader(code)
		return
	}
	if w.commit() {
		w.w.WriteHeader(code)
	}
}

// commit runs the session commit once; it reports whether the handler's
// response may proceed.
func (w *ResponseWriter) commit() bool {
	if w.wroteHeader {
		return !w.replaced
	}
	w.wroteHeader = true
	if err := w.s.Commit(); err != nil {
		w.replaced = true
		w.fail(w.w, err)
		return false
	}
	return true
}

// Write implements http.ResponseWriter. After a failed commit it discards
// b and reports success, so the handler finishes normally.
func (w *ResponseWriter) Write(b []byte) (int, error) {
	if !w.commit() {
		return len(b), nil
	}
	return w.w.Write(b)
}

// WriteString implements io.StringWriter.
func (w *ResponseWriter) WriteString(s string) (int, error) {
	if !w.commit() {
		return len(s), nil
	}
	return io.WriteString(w.w, s)
}

// Flush implements http.Flusher.
func (w *ResponseWriter) Flush() { _ = w.FlushError() }

// FlushError flushes like Flush and reports http.ErrNotSupported when the
// wrapped writer cannot flush. http.ResponseController prefers it.
func (w *ResponseWriter) FlushError() error {
	if !w.commit() {
		return nil
	}
	return http.NewResponseController(w.w).Flush()
}

// Hijack implements http.Hijacker. The session commits first; its cookie
// cannot travel on a hijacked connection unless the caller writes headers
// itself.
func (w *ResponseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.replaced {
		return nil, nil, errors.New("sessionkit: response already replaced by the session error handler")
	}
	if !w.wroteHeader {
		w.wroteHeader = true
		if err := w.s.Commit(); err != nil {
			w.replaced = true
			w.fail(w.w, err)
			return nil, nil, fmt.Errorf("sessionkit: hijack: %w", err)
		}
	}
	return http.NewResponseController(w.w).Hijack()
}

// ReadFrom implements io.ReaderFrom, keeping sendfile and splice working.
func (w *ResponseWriter) ReadFrom(r io.Reader) (int64, error) {
	if !w.commit() {
		return io.Copy(io.Discard, r)
	}
	if rf, ok := w.w.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{w.w}, r)
}

// Push implements http.Pusher.
func (w *ResponseWriter) Push(target string, opts *http.PushOptions) error {
	if p, ok := w.w.(http.Pusher); ok {
		return p.Push(target, opts)
	}
	return http.ErrNotSupported
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *ResponseWriter) Unwrap() http.ResponseWriter { return w.w }

// Finish completes the session after the handler returns. If nothing was
// written it commits now and, on failure, lets the error callback write the
// response. If the headers were already sent, it persists later changes
// and reports what could not be persisted to the error callback, with a
// writer that discards output and an error wrapping ErrHeadersSent.
func (w *ResponseWriter) Finish() {
	if w.replaced {
		return
	}
	if !w.wroteHeader {
		w.commit()
		return
	}
	if err := w.s.Finish(); err != nil {
		if !errors.Is(err, ErrHeadersSent) {
			err = fmt.Errorf("%w: %w", ErrHeadersSent, err)
		}
		w.fail(discard{}, err)
	}
}

type writerOnly struct{ io.Writer }

// discard is the writer handed to the error callback once the response
// can no longer change.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
