package bench

import (
	"net/http"

	"github.com/alexedwards/scs/v2"
	"github.com/sessionkit/sessionkit/core"
)

// NetHTTP returns the net/http subjects: a bare http.ServeMux, sessionkit's
// Manager.Handler and scs's LoadAndSave with its memory store.
func NetHTTP() []Subject {
	return []Subject{
		{Lib: "bare", Bare: true, New: newBareMux},
		{Lib: "sessionkit", New: newSessionkitMux},
		{Lib: "scs", New: newSCSMux},
	}
}

func newMux(read, write http.HandlerFunc) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathUntouched, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(okBody) })
	mux.HandleFunc("GET "+PathRead, read)
	mux.HandleFunc("GET "+PathWrite, write)
	return mux
}

func newBareMux(string) (http.Handler, func(), error) {
	return newMux(
		func(w http.ResponseWriter, r *http.Request) { writeInt(w, 0) },
		func(w http.ResponseWriter, r *http.Request) { writeInt(w, 1) },
	), noop, nil
}

// newManager returns a sessionkit Manager on the default memory store.
func newManager() (*core.Manager, error) {
	return core.New(core.Config{Secrets: [][]byte{secret}})
}

func newSessionkitMux(string) (http.Handler, func(), error) {
	mgr, err := newManager()
	if err != nil {
		return nil, nil, err
	}
	mux := newMux(
		func(w http.ResponseWriter, r *http.Request) { sessionkitRead(w, core.FromRequest(r)) },
		func(w http.ResponseWriter, r *http.Request) { sessionkitWrite(w, core.FromRequest(r)) },
	)
	return mgr.Handler(mux), func() { _ = mgr.Close() }, nil
}

// views is Key as sessionkit's typed key.
var views = core.Key[int](Key)

// sessionkitRead and sessionkitWrite are the handler bodies shared by the
// net/http, gin and echo wirings of sessionkit. They check no error: a
// failed load or save is sticky, and the middleware answers 500 in place
// of the handler's response when the session commits.
func sessionkitRead(w http.ResponseWriter, s *core.Session) {
	writeInt(w, views.Get(s))
}

func sessionkitWrite(w http.ResponseWriter, s *core.Session) {
	n := views.Get(s) + 1
	views.Set(s, n)
	writeInt(w, n)
}

func newSCSMux(string) (http.Handler, func(), error) {
	// scs.New installs its memory store, whose sweeper goroutine cannot be
	// stopped safely: StopCleanup races with the goroutine creating its stop
	// channel. The tests ignore that goroutine (see TestMain).
	sm := scs.New()
	mux := newMux(
		func(w http.ResponseWriter, r *http.Request) { writeInt(w, sm.GetInt(r.Context(), Key)) },
		func(w http.ResponseWriter, r *http.Request) {
			n := sm.GetInt(r.Context(), Key) + 1
			sm.Put(r.Context(), Key, n)
			writeInt(w, n)
		},
	)
	return sm.LoadAndSave(mux), noop, nil
}
