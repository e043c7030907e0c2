package bench_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/sessionkit/sessionkit/bench"
)

// Drive each net/http subject by hand: write once, then read the value back
// with the cookie the write returned.
func ExampleNetHTTP() {
	for _, sub := range bench.NetHTTP() {
		h, closeFn, err := sub.New(bench.Options{})
		if err != nil {
			log.Fatal(err)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, bench.PathWrite, nil))
		r := httptest.NewRequest(http.MethodGet, bench.PathRead, nil)
		for _, c := range w.Result().Cookies() {
			r.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		fmt.Printf("%s: wrote %s, read %s\n", sub.Lib, w.Body, rec.Body)
		closeFn()
	}
	// Output:
	// bare: wrote 1, read 0
	// sessionkit: wrote 1, read 1
	// scs: wrote 1, read 1
}
