package bench

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func BenchmarkNetHTTP(b *testing.B) { benchFramework(b, frameworks()[0]) }
func BenchmarkChi(b *testing.B)     { benchFramework(b, frameworks()[1]) }
func BenchmarkGin(b *testing.B)     { benchFramework(b, frameworks()[2]) }
func BenchmarkEcho(b *testing.B)    { benchFramework(b, frameworks()[3]) }

// benchIdleTimeout is the idle timeout of the idle-read scenario. Every
// benchmark lasts far less than sessionkit's TouchInterval (one minute
// here), so a sessionkit idle read makes no touch; scs re-commits the
// session on every request that loads it.
const benchIdleTimeout = 30 * time.Minute

// distinctSessions is how many sessions the distinct-session parallel
// scenarios spread their goroutines over: more than any machine's
// GOMAXPROCS, so no two goroutines share one.
const distinctSessions = 64

// A scenario is one kind of request, benchmarked as op=name.
type scenario struct {
	name     string
	path     string
	cookie   bool // the request carries a valid session cookie
	idle     bool // the library runs with an idle timeout
	parallel bool // b.RunParallel, one session per goroutine unless hot
	hot      bool // every goroutine uses the same session
}

var scenarios = []scenario{
	{name: "untouched-nocookie", path: PathUntouched},
	{name: "untouched", path: PathUntouched, cookie: true},
	{name: "read", path: PathRead, cookie: true},
	{name: "write", path: PathWrite, cookie: true},
	{name: "idle-read", path: PathRead, cookie: true, idle: true},
	{name: "read-par-distinct", path: PathRead, cookie: true, parallel: true},
	{name: "read-par-hot", path: PathRead, cookie: true, parallel: true, hot: true},
	{name: "write-par-distinct", path: PathWrite, cookie: true, parallel: true},
	{name: "write-par-hot", path: PathWrite, cookie: true, parallel: true, hot: true},
}

// benchFramework runs BenchmarkX/lib=L/op=O for every subject and
// scenario, so benchstat can put the libraries side by side with -col
// /lib. A subject without idle expiry skips the idle scenario.
func benchFramework(b *testing.B, fw framework) {
	for _, sub := range fw.subjects {
		b.Run("lib="+sub.Lib, func(b *testing.B) {
			for _, sc := range scenarios {
				if sc.idle && !sub.Idle && !sub.Bare {
					continue
				}
				b.Run("op="+sc.name, func(b *testing.B) { benchScenario(b, sub, sc) })
			}
		})
	}
}

func benchScenario(b *testing.B, sub Subject, sc scenario) {
	o := Options{Dir: b.TempDir()}
	if sc.idle {
		o.IdleTimeout = benchIdleTimeout
	}
	if sub.Counted {
		o.Ops = new(OpCounter)
	}
	h, closeFn, err := sub.New(o)
	if err != nil {
		b.Fatalf("%s: New: %v", sub.Lib, err)
	}
	defer closeFn()
	n := 1
	if sc.parallel && !sc.hot {
		n = distinctSessions
	}
	reqs := requests(b, sub, h, sc, n)
	if o.Ops != nil {
		o.Ops.Reset()
	}
	b.ReportAllocs()
	b.ResetTimer() // RunParallel, unlike b.Loop, does not leave the setup out
	var cookies int64
	if sc.parallel {
		cookies = runParallel(b, sub, h, reqs)
	} else {
		cookies = runSerial(b, sub, h, reqs[0])
	}
	b.ReportMetric(float64(cookies)/float64(b.N), "setcookie/op")
	if o.Ops != nil {
		b.ReportMetric(float64(o.Ops.Total())/float64(b.N), "storeops/op")
		b.ReportMetric(float64(o.Ops.Reads())/float64(b.N), "storereads/op")
	}
}

// requests returns n requests for sc.path, each with the cookie of its own
// session when sc wants one. Each session comes from a first, real
// GET PathWrite, so it holds Key.
func requests(b *testing.B, sub Subject, h http.Handler, sc scenario, n int) []*http.Request {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		j := jar{}
		if sc.cookie {
			j.update(serve(h, j.request(PathWrite)))
			if !sub.Bare && len(j) == 0 {
				b.Fatalf("%s: GET %s set no cookie", sub.Lib, PathWrite)
			}
		}
		reqs[i] = j.request(sc.path)
	}
	return reqs
}

func runSerial(b *testing.B, sub Subject, h http.Handler, base *http.Request) int64 {
	var cookies int64
	for b.Loop() {
		rec := serve(h, base)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: GET %s = %d %q; want 200", sub.Lib, base.URL, rec.Code, rec.Body)
		}
		cookies += int64(setCookies(rec))
	}
	return cookies
}

// runParallel spreads the goroutines of b.RunParallel over reqs, one
// request (so one session) per goroutine, wrapping around when there are
// fewer requests than goroutines.
func runParallel(b *testing.B, sub Subject, h http.Handler, reqs []*http.Request) int64 {
	var next, cookies, failed atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		base := reqs[int(next.Add(1)-1)%len(reqs)]
		var mine int64
		for pb.Next() {
			rec := serve(h, base)
			if rec.Code != http.StatusOK && failed.Add(1) == 1 {
				b.Errorf("%s: GET %s = %d %q; want 200", sub.Lib, base.URL, rec.Code, rec.Body)
			}
			mine += int64(setCookies(rec))
		}
		cookies.Add(mine)
	})
	return cookies.Load()
}
