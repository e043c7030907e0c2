package bench

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	chisession "github.com/sessionkit/sessionkit/adapters/chi"
)

// Chi returns the chi subjects: a bare chi router, sessionkit's chisession
// middleware and scs's LoadAndSave installed with r.Use, each on the same
// memory store as its net/http subject.
func Chi() []Subject {
	return []Subject{
		{Lib: "bare", Bare: true, New: func(Options) (http.Handler, func(), error) {
			return newChi(nil, bareRoutes()), noop, nil
		}},
		{Lib: "sessionkit", Idle: true, Counted: true, New: func(o Options) (http.Handler, func(), error) {
			mgr, closeFn, err := newManager(o)
			if err != nil {
				return nil, nil, err
			}
			return newChi(chisession.Middleware(mgr), sessionkitRoutes(chisession.Get)), closeFn, nil
		}},
		{Lib: "scs", Idle: true, Counted: true, New: func(o Options) (http.Handler, func(), error) {
			sm := NewSCS(scsMemStore(o), o.IdleTimeout)
			return newChi(sm.LoadAndSave, scsRoutes(sm)), noop, nil
		}},
	}
}

// newChi returns a router with mw (if any) as its only middleware.
func newChi(mw func(http.Handler) http.Handler, rt routes) chi.Router {
	r := chi.NewRouter()
	if mw != nil {
		r.Use(mw)
	}
	r.Get(PathUntouched, rt.untouched)
	r.Get(PathRead, rt.read)
	r.Get(PathWrite, rt.write)
	r.Get(PathPut, rt.put)
	r.Get(PathCount, rt.count)
	return r
}
