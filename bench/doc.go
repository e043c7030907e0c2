// Package bench measures what sessionkit costs per request next to the
// session libraries Go web developers already use, on net/http, gin and
// echo. It is a separate module so the peer libraries never become
// dependencies of sessionkit's users.
//
// Every library is wired the same way: one handler serving three paths.
// PathUntouched never uses the session, PathRead reads the int under Key and
// PathWrite increments it; both answer with the value in decimal. The bare
// subjects answer fixed bodies of the same size with no session middleware
// at all, so lib − bare is the library's overhead per request.
//
// Run the benchmarks and compare them with benchstat:
//
//	go test -run '^$' -bench . -count 10 | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /lib new.txt
//
// A minimal program driving the net/http subjects by hand:
//
//	for _, sub := range bench.NetHTTP() {
//		h, closeFn, err := sub.New("")
//		if err != nil {
//			log.Fatal(err)
//		}
//		rec := httptest.NewRecorder()
//		h.ServeHTTP(rec, httptest.NewRequest("GET", bench.PathWrite, nil))
//		fmt.Println(sub.Lib, rec.Code, rec.Body) // e.g. "sessionkit 200 1"
//		closeFn()
//	}
package bench
