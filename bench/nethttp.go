package bench

import (
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/sessionkit/sessionkit/core"
)

// NetHTTP returns the net/http subjects: a bare http.ServeMux, sessionkit's
// Manager.Handler and scs's LoadAndSave with its memory store.
func NetHTTP() []Subject {
	return []Subject{
		{Lib: "bare", Bare: true, New: func(Options) (http.Handler, func(), error) {
			return newMux(bareRoutes()), noop, nil
		}},
		{Lib: "sessionkit", Idle: true, Counted: true, New: func(o Options) (http.Handler, func(), error) {
			mgr, closeFn, err := newManager(o)
			if err != nil {
				return nil, nil, err
			}
			return SessionkitHandler(mgr), closeFn, nil
		}},
		{Lib: "scs", Idle: true, Counted: true, New: func(o Options) (http.Handler, func(), error) {
			return SCSHandler(NewSCS(scsMemStore(o), o.IdleTimeout)), noop, nil
		}},
	}
}

// routes are the handlers of the paths every subject serves.
type routes struct {
	untouched, read, write, put, count http.HandlerFunc
}

func newMux(rt routes) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathUntouched, rt.untouched)
	mux.HandleFunc("GET "+PathRead, rt.read)
	mux.HandleFunc("GET "+PathWrite, rt.write)
	mux.HandleFunc("GET "+PathPut, rt.put)
	mux.HandleFunc("GET "+PathCount, rt.count)
	return mux
}

func untouched(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(okBody) }

func bareRoutes() routes {
	return routes{
		untouched: untouched,
		read:      func(w http.ResponseWriter, _ *http.Request) { writeInt(w, 0) },
		write:     func(w http.ResponseWriter, _ *http.Request) { writeInt(w, 1) },
		put:       untouched,
		count:     func(w http.ResponseWriter, _ *http.Request) { writeInt(w, 0) },
	}
}

// newManager returns a sessionkit Manager on a memory store configured by
// o, and the function that closes both.
func newManager(o Options) (*core.Manager, func(), error) {
	mem := core.NewMemoryStore(core.MemoryStoreOptions{MaxSessions: o.Capacity})
	var store core.Store = mem
	if o.Ops != nil {
		store = o.Ops.Store(mem)
	}
	mgr, err := core.New(core.Config{Secrets: [][]byte{Secret}, Store: store, IdleTimeout: o.IdleTimeout})
	if err != nil {
		_ = mem.Close()
		return nil, nil, err
	}
	return mgr, func() { _ = mgr.Close(); _ = mem.Close() }, nil
}

// SessionkitHandler returns the net/http subject for mgr: the paths of
// this package behind mgr.Handler. The end-to-end driver serves it over
// Redis and PostgreSQL stores.
func SessionkitHandler(mgr *core.Manager) http.Handler {
	return mgr.Handler(newMux(sessionkitRoutes(core.FromRequest)))
}

// views is Key as sessionkit's typed key.
var views = core.Key[int](Key)

// sessionkitRoutes are the handler bodies shared by the net/http and chi
// wirings of sessionkit; get finds the request's session. They check no
// error: a failed load or save is sticky, and the middleware answers 500
// in place of the handler's response when the session commits.
func sessionkitRoutes(get func(*http.Request) *core.Session) routes {
	return routes{
		untouched: untouched,
		read:      func(w http.ResponseWriter, r *http.Request) { sessionkitRead(w, get(r)) },
		write:     func(w http.ResponseWriter, r *http.Request) { sessionkitWrite(w, get(r)) },
		put: func(w http.ResponseWriter, r *http.Request) {
			sessionkitPut(w, get(r), r.URL.Query().Get("k"))
		},
		count: func(w http.ResponseWriter, r *http.Request) { sessionkitCount(w, get(r)) },
	}
}

// The sessionkit handler bodies, shared by every framework's wiring.
func sessionkitRead(w http.ResponseWriter, s *core.Session) {
	writeInt(w, views.Get(s))
}

func sessionkitWrite(w http.ResponseWriter, s *core.Session) {
	n := views.Get(s) + 1
	views.Set(s, n)
	writeInt(w, n)
}

func sessionkitPut(w http.ResponseWriter, s *core.Session, name string) {
	core.Key[int](name).Set(s, 1)
	_, _ = w.Write(okBody)
}

func sessionkitCount(w http.ResponseWriter, s *core.Session) {
	writeInt(w, countPresent(func(name string) bool {
		_, ok := core.Key[int](name).Lookup(s)
		return ok
	}))
}

// NewSCS returns an scs SessionManager on store with scs.New's defaults
// (24-hour lifetime, gob codec, cookie "session", persistent, HttpOnly,
// SameSite=Lax) and the given idle timeout. It is built as a literal
// rather than with scs.New because scs.New always starts a memory store
// whose sweeper goroutine cannot be stopped without a data race
// (StopCleanup reads a channel the goroutine itself creates); errors
// answer a generic 500, as scs's default does, without the log line.
func NewSCS(store scs.Store, idle time.Duration) *scs.SessionManager {
	return &scs.SessionManager{
		IdleTimeout: idle,
		Lifetime:    24 * time.Hour,
		Store:       store,
		Codec:       scs.GobCodec{},
		ErrorFunc: func(w http.ResponseWriter, _ *http.Request, _ error) {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		},
		Cookie: scs.SessionCookie{
			Name:     "session",
			HttpOnly: true,
			Path:     "/",
			SameSite: http.SameSiteLaxMode,
			Persist:  true,
		},
	}
}

// scsMemStore returns scs's memory store without its sweeper (see NewSCS),
// counted when o asks for it.
func scsMemStore(o Options) scs.Store {
	var s scs.Store = memstore.NewWithCleanupInterval(0)
	if o.Ops != nil {
		s = o.Ops.SCSStore(s)
	}
	return s
}

// SCSHandler returns the net/http subject for sm: the paths of this
// package behind sm.LoadAndSave.
func SCSHandler(sm *scs.SessionManager) http.Handler {
	return sm.LoadAndSave(newMux(scsRoutes(sm)))
}

func scsRoutes(sm *scs.SessionManager) routes {
	return routes{
		untouched: untouched,
		read:      func(w http.ResponseWriter, r *http.Request) { writeInt(w, sm.GetInt(r.Context(), Key)) },
		write: func(w http.ResponseWriter, r *http.Request) {
			n := sm.GetInt(r.Context(), Key) + 1
			sm.Put(r.Context(), Key, n)
			writeInt(w, n)
		},
		put: func(w http.ResponseWriter, r *http.Request) {
			sm.Put(r.Context(), r.URL.Query().Get("k"), 1)
			_, _ = w.Write(okBody)
		},
		count: func(w http.ResponseWriter, r *http.Request) {
			writeInt(w, countPresent(func(name string) bool { return sm.Exists(r.Context(), name) }))
		},
	}
}
