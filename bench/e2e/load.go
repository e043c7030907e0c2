package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sessionkit/sessionkit/bench"
)

// A mix is the share of reads among a client's requests, in tenths; the
// rest are writes.
type mix struct {
	name       string
	readTenths int
}

var mixes = []mix{{"read90", 9}, {"write90", 1}}

// pathFor returns the path of a client's j-th request: reads and writes
// interleaved evenly, each client starting at another point of the cycle.
func (m mix) pathFor(client, j int) string {
	if (client+j)%10 < m.readTenths {
		return bench.PathRead
	}
	return bench.PathWrite
}

// budget is when a load phase ends: after a fixed number of requests
// when requests > 0, otherwise after duration.
type budget struct {
	requests int
	duration time.Duration
}

// loadResult is what one load phase measured.
type loadResult struct {
	requests   int
	errors     int
	setCookies int
	elapsed    time.Duration
	latencies  []time.Duration // sorted
}

// quantile returns the q-quantile latency (nearest rank).
func (r loadResult) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(r.latencies))+0.5) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

// clientResult is one client's share of a load phase.
type clientResult struct {
	latencies  []time.Duration
	errors     int
	setCookies int
}

// drive runs len(cookies) concurrent clients against base until b runs
// out, client i carrying cookies[i] and keeping any newer session cookie
// the server sends it.
func drive(ctx context.Context, hc *http.Client, base string, cookies []string, m mix, b budget) loadResult {
	var (
		left     atomic.Int64
		deadline = time.Now().Add(b.duration)
		wg       sync.WaitGroup
		results  = make([]clientResult, len(cookies))
	)
	left.Store(int64(b.requests))
	more := func() bool {
		if b.requests > 0 {
			return left.Add(-1) >= 0
		}
		return time.Now().Before(deadline)
	}
	start := time.Now()
	for i := range cookies {
		wg.Go(func() {
			results[i] = runClient(ctx, hc, base, cookies[i], i, m, more)
		})
	}
	wg.Wait()
	res := loadResult{elapsed: time.Since(start)}
	for _, cr := range results {
		res.latencies = append(res.latencies, cr.latencies...)
		res.errors += cr.errors
		res.setCookies += cr.setCookies
	}
	res.requests = len(res.latencies)
	slices.Sort(res.latencies)
	return res
}

func runClient(ctx context.Context, hc *http.Client, base, cookie string, id int, m mix, more func() bool) clientResult {
	var cr clientResult
	for j := 0; ctx.Err() == nil && more(); j++ {
		t0 := time.Now()
		next, n, err := get(ctx, hc, base+m.pathFor(id, j), cookie)
		cr.latencies = append(cr.latencies, time.Since(t0))
		if err != nil {
			cr.errors++
			continue
		}
		cr.setCookies += n
		if next != "" {
			cookie = next
		}
	}
	return cr
}

// get sends one GET with the session cookie (if any) and reads the whole
// response. It returns the session cookie the response set, if any, and
// how many Set-Cookie lines it had; a status other than 200 is an error.
func get(ctx context.Context, hc *http.Client, url, cookie string) (string, int, error) {
	req, err := newGet(ctx, url, cookie)
	if err != nil {
		return "", 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return "", 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", 0, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	var next string
	for _, c := range resp.Cookies() {
		if c.Name == "session" && c.MaxAge >= 0 {
			next = c.Value
		}
	}
	return next, len(resp.Header["Set-Cookie"]), nil
}

// newGet returns a GET for url carrying the session cookie, if any.
func newGet(ctx context.Context, url, cookie string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if cookie != "" {
		req.Header.Set("Cookie", "session="+cookie)
	}
	return req, nil
}

// newSessions creates n sessions, each with a GET PathWrite, and returns
// their cookies.
func newSessions(ctx context.Context, hc *http.Client, base string, n int) ([]string, error) {
	cookies := make([]string, n)
	for i := range cookies {
		c, _, err := get(ctx, hc, base+bench.PathWrite, "")
		if err != nil {
			return nil, err
		}
		if c == "" {
			return nil, fmt.Errorf("GET %s set no session cookie", bench.PathWrite)
		}
		cookies[i] = c
	}
	return cookies, nil
}

// newHTTPClient returns a client keeping up to conns connections alive to
// one server.
func newHTTPClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		DisableCompression:  true,
		IdleConnTimeout:     time.Minute,
	}}
}
