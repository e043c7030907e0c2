package bench

import (
	"net/http"
	"strconv"
)

// Paths every subject serves, and the session key they use.
const (
	// PathUntouched answers "ok" without using the session.
	PathUntouched = "/untouched"
	// PathRead answers the int stored under Key (0 when absent).
	PathRead = "/read"
	// PathWrite increments the int stored under Key and answers the new
	// value.
	PathWrite = "/write"
	// Key is the session key the handlers read and write.
	Key = "views"
)

// secret signs (and, for gorilla stores, authenticates) every library's
// cookie. It is a fixed benchmark value, never a real secret.
var secret = []byte("bench-secret-0123456789abcdef-0123456789")

// A Subject is one session library wired into one framework.
type Subject struct {
	// Lib names the library in benchmark names (lib=...). "bare" is the
	// baseline without session middleware.
	Lib string

	// Bare reports that the subject keeps no session: its read and write
	// paths answer fixed bodies.
	Bare bool

	// New builds the subject's handler. dir is a scratch directory for
	// stores that keep files (gorilla's FilesystemStore); others ignore it.
	// closeFn releases the subject's resources, such as store sweepers.
	New func(dir string) (h http.Handler, closeFn func(), err error)
}

// writeInt answers n in decimal without going through fmt, so the handler
// body costs the same for every subject.
func writeInt(w http.ResponseWriter, n int) {
	var buf [20]byte
	_, _ = w.Write(strconv.AppendInt(buf[:0], int64(n), 10))
}

var okBody = []byte("ok")

func noop() {}
