// Package chisession adapts sessionkit to chi: a net/http middleware that
// binds a session to each request and commits it just before the response
// headers are written, and accessors named the chi way.
//
// A minimal program:
//
//	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}}) // secret: 32+ random bytes
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer mgr.Close()
//	r := chi.NewRouter()
//	r.Use(middleware.Recoverer, chisession.Middleware(mgr))
//	r.Post("/count", func(w http.ResponseWriter, r *http.Request) {
//		s := chisession.Get(r)
//		n, err := core.Get[int](s, "views")
//		if err != nil {
//			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
//			return
//		}
//		s.Set("views", n+1)
//		fmt.Fprintln(w, n+1)
//	})
//	http.ListenAndServe("localhost:8080", r)
//
// Install middleware.Recoverer before the session middleware, so that a
// panicking handler's session is abandoned rather than committed.
// middleware.Compress may sit on either side. Put middleware.Timeout after
// the session middleware (on the routes, with r.With or in a group): the
// session then commits with the request's own context and a timed-out
// handler's changes are saved, with Timeout's 504. Installed before the
// session middleware, Timeout's deadline also bounds the commit, so a
// handler that ran out of time with a modified session gets the session
// error response (500) instead, and its changes are lost.
package chisession
