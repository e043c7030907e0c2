package core

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
)

// commitWriter is the one commit-once writer, for net/http, chi, Echo and
// gin: the session commits exactly once, just before the response headers
// are written, on the first WriteHeader with a final status, Write, Flush,
// ReadFrom or Hijack. 1xx informational statuses pass through without
// committing. If the commit fails, the error handler writes the response
// instead and everything the handler writes afterwards is discarded.
//
// It implements http.Flusher, http.Hijacker, io.ReaderFrom and http.Pusher
// whatever the wrapped writer supports, reporting http.ErrNotSupported (or
// doing nothing, for Flush) when the wrapped writer lacks one: a type per
// combination would let a handler's w.(http.Flusher) tell the truth, but
// frameworks' own writers (gin's, Echo's) implement them all anyway.
// Unwrap lets http.ResponseController reach the original.
type commitWriter exchange

func (w *commitWriter) x() *exchange { return (*exchange)(w) }

// Header implements http.ResponseWriter.
func (w *commitWriter) Header() http.Header { return w.w.Header() }

// WriteHeader implements http.ResponseWriter.
func (w *commitWriter) WriteHeader(code int) {
	switch {
	case w.out == replaced:
		return
	case w.out == passing || w.headers == headersOnFirstWrite || (code >= 100 && code < 200 && code != http.StatusSwitchingProtocols):
		w.w.WriteHeader(code)
	case w.x().Commit():
		w.w.WriteHeader(code)
	}
}

// Write implements http.ResponseWriter. After a failed commit it discards
// b and reports success, so the handler finishes normally.
func (w *commitWriter) Write(b []byte) (int, error) {
	if !w.x().Commit() {
		return len(b), nil
	}
	return w.w.Write(b)
}

// WriteString implements io.StringWriter.
func (w *commitWriter) WriteString(s string) (int, error) {
	if !w.x().Commit() {
		return len(s), nil
	}
	return io.WriteString(w.w, s)
}

// Flush implements http.Flusher.
func (w *commitWriter) Flush() { _ = w.FlushError() }

// FlushError flushes like Flush and reports http.ErrNotSupported when the
// wrapped writer cannot flush. http.ResponseController prefers it.
func (w *commitWriter) FlushError() error {
	if !w.x().Commit() {
		return nil
	}
	return http.NewResponseController(w.w).Flush()
}

// Hijack implements http.Hijacker. The session commits first; its cookie
// cannot travel on a hijacked connection unless the caller writes headers
// itself.
func (w *commitWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.out == replaced {
		return nil, nil, errReplaced
	}
	if w.out == pending {
		if err := w.s.seal(); err != nil {
			w.out = replaced
			w.x().fail(w.w, err)
			return nil, nil, fmt.Errorf("sessionkit: hijack: %w", err)
		}
		w.out = passing
	}
	return http.NewResponseController(w.w).Hijack()
}

var errReplaced = errors.New("sessionkit: response already replaced by the session error handler")

// ReadFrom implements io.ReaderFrom, keeping sendfile and splice working.
func (w *commitWriter) ReadFrom(r io.Reader) (int64, error) {
	if !w.x().Commit() {
		return io.Copy(io.Discard, r)
	}
	if rf, ok := w.w.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{w.w}, r)
}

// Push implements http.Pusher.
func (w *commitWriter) Push(target string, opts *http.PushOptions) error {
	if p, ok := w.w.(http.Pusher); ok {
		return p.Push(target, opts)
	}
	return http.ErrNotSupported
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *commitWriter) Unwrap() http.ResponseWriter { return w.w }

// writerOnly hides ReadFrom so io.Copy cannot loop back into it.
type writerOnly struct{ io.Writer }

// discard is the writer handed to the error handler once the response can
// no longer change.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
