package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/sessionkit/sessionkit/bench"
)

// concurrentKeys is the lost-update figure over real sockets: on a new
// session, bench.PutKeys concurrent requests each set a different key,
// then GET PathCount says how many survived. It returns how many did.
func concurrentKeys(ctx context.Context, c *contender) (int, error) {
	hc := newHTTPClient(bench.PutKeys)
	defer hc.CloseIdleConnections()
	cookies, err := newSessions(ctx, hc, c.url, 1)
	if err != nil {
		return 0, err
	}
	var (
		start = make(chan struct{})
		wg    sync.WaitGroup
		mu    sync.Mutex
		errs  []error
	)
	for i := range bench.PutKeys {
		wg.Go(func() {
			<-start
			_, _, err := get(ctx, hc, c.url+bench.PathPut+"?k="+bench.PutName(i), cookies[0])
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		return 0, fmt.Errorf("%d of %d puts failed, first: %w", len(errs), bench.PutKeys, errs[0])
	}
	return countKeys(ctx, c.url, cookies[0])
}

// countKeys asks the server how many of the put keys the session holds.
func countKeys(ctx context.Context, base, cookie string) (int, error) {
	hc := newHTTPClient(1)
	defer hc.CloseIdleConnections()
	req, err := newGet(ctx, base+bench.PathCount, cookie)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(body))
	if err != nil {
		return 0, fmt.Errorf("GET %s answered %s %q", bench.PathCount, resp.Status, body)
	}
	return n, nil
}
