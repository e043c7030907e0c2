// Package core is sessionkit's framework-agnostic session engine:
// server-side sessions identified by a signed cookie, with pluggable stores.
//
// A minimal program:
//
//	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}}) // secret: 32+ random bytes
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer mgr.Close()
//	mux := http.NewServeMux()
//	mux.HandleFunc("POST /count", func(w http.ResponseWriter, r *http.Request) {
//		s := core.FromRequest(r)
//		n, err := core.Get[int](s, "views") // an absent key is 0
//		if err == nil {
//			err = s.Set("views", n+1)
//		}
//		if err != nil {
//			http.Error(w, "session unavailable", http.StatusInternalServerError)
//			return
//		}
//		fmt.Fprintln(w, n+1)
//	})
//	http.ListenAndServe("localhost:8080", mgr.Handler(mux))
//
// # How a request flows
//
// The middleware verifies the cookie (HMAC-SHA256 over the session ID and
// its timestamps) without touching the store. The store is read the first
// time the handler uses the session, so requests that never do cost no store
// operation. Just before the response headers are written, the session
// commits: modified keys are written (as an atomic per-key Patch when the
// store supports it), an unmodified session is at most touched, and the
// cookie is set. A forged, truncated or expired cookie is treated as absent
// and never reaches the store; an ID the store does not know yields a fresh
// ID, never the client's.
//
// # Stores
//
// Store is the small contract: Load, Save and Delete. Patcher, Toucher,
// Iterator and Cleaner are optional capabilities found by type assertion.
// MemoryStore is the embedded default; package storetest is the
// conformance suite every store passes.
//
// # Values
//
// Values are encoded as JSON, so any JSON-encodable value, including the
// application's own structs, is stored without registration. Get, Lookup
// and Pop decode into the caller's type and report a mismatch as an error.
package core
