package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// result is one measured run.
type result struct {
	load       loadResult
	roundTrips int64
	storeOps   int64
	server     serverStats
}

// measure empties the store, creates the scenario's sessions, warms up,
// then drives the measured load with the counters and the server's
// statistics zeroed.
func measure(ctx context.Context, cfg config, b *backend, c *contender, sc scenario) (result, error) {
	if err := b.srv.reset(ctx); err != nil {
		return result{}, err
	}
	hc := newHTTPClient(cfg.clients)
	defer hc.CloseIdleConnections()
	n := cfg.clients
	if sc.hot {
		n = 1
	}
	sessions, err := newSessions(ctx, hc, c.url, n)
	if err != nil {
		return result{}, err
	}
	cookies := make([]string, cfg.clients)
	for i := range cookies {
		cookies[i] = sessions[i%len(sessions)]
	}
	warm := budget{duration: cfg.warmup}
	run := budget{duration: cfg.duration}
	if cfg.requests > 0 {
		warm = budget{requests: 2 * cfg.clients}
		run = budget{requests: cfg.requests}
	}
	if w := drive(ctx, hc, c.url, cookies, sc.mix, warm); w.errors > 0 {
		return result{}, fmt.Errorf("%d of %d warm-up requests failed", w.errors, w.requests)
	}
	cpu, err := b.srv.begin(ctx)
	if err != nil {
		return result{}, err
	}
	c.ops.Reset()
	c.rtt.Store(0)
	res := result{load: drive(ctx, hc, c.url, cookies, sc.mix, run)}
	res.roundTrips, res.storeOps = c.rtt.Load(), c.ops.Total()
	if res.load.errors > 0 {
		return result{}, fmt.Errorf("%d of %d requests failed", res.load.errors, res.load.requests)
	}
	if res.server, err = b.srv.end(ctx, cpu); err != nil {
		return result{}, err
	}
	if err := ctx.Err(); err != nil {
		return result{}, err
	}
	return res, nil
}

// writeResult prints r as one line of the Go benchmark format.
func writeResult(w io.Writer, store, lib string, sc scenario, r result) {
	n := float64(max(r.load.requests, 1))
	fmt.Fprintf(w, "BenchmarkE2E/store=%s/mix=%s/sessions=%s/lib=%s %d %.1f req/s %.7f p50-sec %.7f p99-sec %.3f roundtrips/req %.3f storeops/req %.3f setcookie/req %d errors",
		store, sc.mix.name, sc.sessions(), lib, r.load.requests,
		n/r.load.elapsed.Seconds(), r.load.quantile(0.50).Seconds(), r.load.quantile(0.99).Seconds(),
		float64(r.roundTrips)/n, float64(r.storeOps)/n, float64(r.load.setCookies)/n, r.load.errors)
	if r.server.ok {
		fmt.Fprintf(w, " %.3f rediscmds/req %.3f redisusec/req %.3f rediscpu-usec/req",
			float64(r.server.calls)/n, float64(r.server.usec)/n, r.server.cpuMicros/n)
	}
	fmt.Fprintln(w)
}

// writeBreakdown prints the Redis commands and commandstats µs per
// request of one run, by command, as a comment line: e.g.
// "# redis scs read90/distinct: get 1.00 (2.1 µs), set 0.10 (0.4 µs)".
func writeBreakdown(w io.Writer, store, lib string, sc scenario, r result) {
	if !r.server.ok {
		return
	}
	n := float64(max(r.load.requests, 1))
	var parts []string
	for _, cmd := range slices.Sorted(maps.Keys(r.server.byCommand)) {
		c := r.server.byCommand[cmd]
		parts = append(parts, fmt.Sprintf("%s %.2f (%.1f µs)", cmd, float64(c.calls)/n, float64(c.usec)/n))
	}
	fmt.Fprintf(w, "# %s %s %s/%s: %s\n", store, lib, sc.mix.name, sc.sessions(), strings.Join(parts, ", "))
}
