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
//		if err == nil {
//			err = s.Set("views", n+1)
//		}
//		if err != nil {
//			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
//			return
//		}
//		fmt.Fprintln(w, n+1)
//	})
//	http.ListenAndServe("localhost:8080", r)
//
// Install middleware.Recoverer before the session middleware, so that a
// panicking handler's session is abandoned rather than committed.
// middleware.Compress and middleware.Timeout may sit on either side. The
// commit does not inherit the request context's cancellation (the manager's
// StoreTimeout bounds it instead), so a handler that ran out of time, or
// whose client went away, still has its changes saved.
package chisession
