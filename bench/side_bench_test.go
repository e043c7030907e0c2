package bench

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// heapSessions is how many sessions BenchmarkHeapPerSession stores.
var heapSessions = flag.Int("sessions", 100_000, "sessions BenchmarkHeapPerSession stores per library")

// memoryStores are the subjects whose store keeps sessions in this
// process's heap. sessionkit's gin and echo subjects use the same store as
// its net/http one, and echo-contrib's memstore is the one gin-contrib's
// wraps, but each library's own session object is measured.
func memoryStores() []Subject {
	var out []Subject
	for _, fw := range frameworks() {
		for _, sub := range fw.subjects {
			switch {
			case fw.name == "NetHTTP" && !sub.Bare,
				sub.Lib == "gin-contrib-memstore",
				sub.Lib == "echo-contrib-memstore":
				out = append(out, sub)
			}
		}
	}
	return out
}

// BenchmarkHeapPerSession reports the heap bytes each memory store holds
// per session with one small value (Key = 1), after GC, over -sessions
// sessions created by GET PathWrite without a cookie, and the Set-Cookie
// lines of those responses per session. It reports no time.
func BenchmarkHeapPerSession(b *testing.B) {
	for _, sub := range memoryStores() {
		b.Run("lib="+sub.Lib, func(b *testing.B) {
			var bytes, cookies float64
			for range b.N {
				by, c := heapPerSession(b, sub, *heapSessions)
				bytes += by
				cookies += c
			}
			b.ReportMetric(bytes/float64(b.N), "B/session")
			b.ReportMetric(cookies/float64(b.N), "setcookie/session")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// heapPerSession stores n sessions and returns the heap bytes and the
// Set-Cookie lines per session.
func heapPerSession(b *testing.B, sub Subject, n int) (bytes, cookies float64) {
	h, closeFn, err := sub.New(Options{Capacity: n + 1})
	if err != nil {
		b.Fatalf("%s: New: %v", sub.Lib, err)
	}
	defer closeFn()
	req := httptest.NewRequest(http.MethodGet, PathWrite, nil)
	serve(h, req) // the first request fills pools and lazy state
	before := liveHeap()
	sent := 0
	for range n {
		rec := serve(h, req)
		if rec.Code != http.StatusOK || setCookies(rec) == 0 {
			b.Fatalf("%s: GET %s = %d with %d cookies; want 200 and a cookie", sub.Lib, PathWrite, rec.Code, setCookies(rec))
		}
		sent += setCookies(rec)
	}
	after := liveHeap()
	runtime.KeepAlive(h)
	return float64(after-before) / float64(n), float64(sent) / float64(n)
}

// liveHeap returns the bytes of live heap objects after a full collection.
// Two collections also empty the sync.Pool victim caches.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// BenchmarkConcurrentKeys is a correctness figure, not a speed one: each
// iteration creates a session, sends PutKeys concurrent GET PathPut
// requests on it, each setting a different key, and counts with
// GET PathCount how many of those keys survived. A library that saves the
// whole session loses the writes it overwrites; one that patches keys
// keeps all PutKeys. A cookie store keeps what the last response's cookie
// holds. It reports keys (the mean) and minkeys, and no time.
func BenchmarkConcurrentKeys(b *testing.B) {
	for _, fw := range frameworks() {
		for _, sub := range fw.subjects {
			if sub.Bare {
				continue
			}
			b.Run("fw="+fw.name+"/lib="+sub.Lib, func(b *testing.B) {
				h, closeFn, err := sub.New(Options{Dir: b.TempDir()})
				if err != nil {
					b.Fatalf("%s: New: %v", sub.Lib, err)
				}
				defer closeFn()
				total, least := 0, PutKeys
				for range b.N {
					n := concurrentKeys(b, sub, h)
					total += n
					least = min(least, n)
				}
				b.ReportMetric(float64(total)/float64(b.N), "keys")
				b.ReportMetric(float64(least), "minkeys")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// concurrentKeys runs one round of BenchmarkConcurrentKeys on a new
// session and returns how many keys survived.
func concurrentKeys(tb testing.TB, sub Subject, h http.Handler) int {
	j := jar{}
	j.update(serve(h, j.request(PathWrite)))
	reqs := make([]*http.Request, PutKeys)
	for i := range reqs {
		reqs[i] = j.request(PathPut + "?k=" + PutName(i))
	}
	var (
		start = make(chan struct{})
		wg    sync.WaitGroup
		mu    sync.Mutex // guards j: the last response to finish wins
	)
	for _, r := range reqs {
		wg.Go(func() {
			<-start
			rec := serve(h, r)
			if rec.Code != http.StatusOK {
				tb.Errorf("%s: GET %s = %d; want 200", sub.Lib, r.URL, rec.Code)
			}
			mu.Lock()
			j.update(rec)
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	rec := serve(h, j.request(PathCount))
	n, err := strconv.Atoi(rec.Body.String())
	if rec.Code != http.StatusOK || err != nil {
		tb.Fatalf("%s: GET %s = %d %q; want 200 and a count", sub.Lib, PathCount, rec.Code, rec.Body)
	}
	return n
}
