package bench

import (
	"net/http"
	"strconv"
	"time"
)

// Paths every subject serves, and the session keys they use.
const (
	// PathUntouched answers "ok" without using the session.
	PathUntouched = "/untouched"
	// PathRead answers the int stored under Key (0 when absent).
	PathRead = "/read"
	// PathWrite increments the int stored under Key and answers the new
	// value.
	PathWrite = "/write"
	// PathPut sets the key named by the query parameter "k" to 1 and
	// answers "ok": the concurrent distinct-key writes of the lost-update
	// figure.
	PathPut = "/put"
	// PathCount answers how many of the PutKeys keys PutName names the
	// session holds, in decimal.
	PathCount = "/count"
	// Key is the session key PathRead and PathWrite use.
	Key = "views"
	// PutKeys is the number of distinct keys PathCount looks for.
	PutKeys = 100
)

// PutName returns the name of the i-th key PathCount looks for, "k000" to
// "k099".
func PutName(i int) string {
	var b [4]byte
	b[0] = 'k'
	b[1] = byte('0' + i/100%10)
	b[2] = byte('0' + i/10%10)
	b[3] = byte('0' + i%10)
	return string(b[:])
}

// Secret signs (and, for gorilla stores, authenticates) every library's
// cookie. It is a fixed benchmark value, never a real secret.
var Secret = []byte("bench-secret-0123456789abcdef-0123456789")

// Options configure one instance of a subject. The zero value builds the
// library with its defaults.
type Options struct {
	// Dir is a scratch directory for stores that keep files (gorilla's
	// FilesystemStore); other subjects ignore it.
	Dir string

	// IdleTimeout, when set, configures the library's idle expiry. Only
	// subjects with Subject.Idle honour it. The default is none.
	IdleTimeout time.Duration

	// Ops, when set, counts the subject's store calls. Only subjects with
	// Subject.Counted count them; the counting wrapper costs one interface
	// call and one atomic add per store call, paid alike by every counted
	// library.
	Ops *OpCounter

	// Capacity is the number of sessions the memory store must be able to
	// hold. Zero keeps the library's default (for sessionkit, 100,000).
	Capacity int
}

// A Subject is one session library wired into one framework.
type Subject struct {
	// Lib names the library in benchmark names (lib=...). "bare" is the
	// baseline without session middleware.
	Lib string

	// Bare reports that the subject keeps no session: its read and write
	// paths answer fixed bodies.
	Bare bool

	// Idle reports that the subject honours Options.IdleTimeout.
	Idle bool

	// Counted reports that the subject counts its store calls in
	// Options.Ops. Cookie stores have no store to count; the gorilla
	// memory and file stores offer no hook to count them with.
	Counted bool

	// New builds the subject's handler. closeFn releases the subject's
	// resources, such as store sweepers.
	New func(o Options) (h http.Handler, closeFn func(), err error)
}

// writeInt answers n in decimal without going through fmt, so the handler
// body costs the same for every subject.
func writeInt(w http.ResponseWriter, n int) {
	var buf [20]byte
	_, _ = w.Write(strconv.AppendInt(buf[:0], int64(n), 10))
}

var okBody = []byte("ok")

func noop() {}

// countPresent counts the PutKeys keys for which has reports true.
func countPresent(has func(name string) bool) int {
	n := 0
	for i := range PutKeys {
		if has(PutName(i)) {
			n++
		}
	}
	return n
}
