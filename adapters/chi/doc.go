// Package chisession adapts sessionkit to chi: a net/http middleware that
// binds a session to each request and commits it just before the response
// headers are written, and accessors named the chi way.
//
//	var views = core.Key[int]("views")
//
//	r := chi.NewRouter()
//	r.Use(middleware.Recoverer, chisession.Middleware(mgr)) // mgr from core.New
//	r.Post("/count", func(w http.ResponseWriter, r *http.Request) {
//		s := chisession.Get(r)
//		n := views.Get(s) + 1
//		views.Set(s, n) // a store error becomes a 500 at the commit
//		fmt.Fprintln(w, n)
//	})
package chisession
