// Package bench measures what sessionkit costs per request next to the
// session libraries Go web developers already use, on net/http, chi, gin
// and echo. It is a separate module so the peer libraries never become
// dependencies of sessionkit's users.
//
// Every library is wired the same way: one handler serving PathUntouched
// (never uses the session), PathRead (reads the int under Key), PathWrite
// (increments it), PathPut and PathCount (set one named key; count the
// named keys held). The bare subjects answer fixed bodies of the same size
// with no session middleware at all, so lib − bare is the library's
// overhead per request. OpCounter counts a subject's store calls from the
// outside. The end-to-end driver (./e2e) serves SessionkitHandler and
// SCSHandler over Redis and PostgreSQL; ./report turns the outputs of
// run.sh into the tables of BENCHMARKS.md.
//
// Run everything with run.sh, or the benchmarks by hand:
//
//	go test -run '^$' -bench . -count 10 | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /lib new.txt
//
// A minimal program driving the net/http subjects by hand:
//
//	for _, sub := range bench.NetHTTP() {
//		h, closeFn, err := sub.New(bench.Options{})
//		if err != nil {
//			log.Fatal(err)
//		}
//		rec := httptest.NewRecorder()
//		h.ServeHTTP(rec, httptest.NewRequest("GET", bench.PathWrite, nil))
//		fmt.Println(sub.Lib, rec.Code, rec.Body) // e.g. "sessionkit 200 1"
//		closeFn()
//	}
package bench
