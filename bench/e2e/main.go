// Command e2e drives sessionkit and scs end to end over loopback sockets,
// on Redis and on PostgreSQL, and prints one line per run in the Go
// benchmark format, so that benchstat can summarise several rounds:
//
//	go run ./bench/e2e -rounds 3 | tee e2e.txt
//	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /lib e2e.txt
//
// It starts a redis-server of its own (found on PATH) on a free loopback
// port, and stops only that process; it uses the PostgreSQL at
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)
// in a schema of its own, dropped at the end. Each library gets its own
// client or pool of -pool connections, and is served by the net/http
// subject of package bench, so the handlers are those of the in-process
// benchmarks.
//
// Each run drives -clients concurrent clients, each one request at a time
// over keep-alive connections, with a read-heavy (read90: 9 reads to 1
// write) or write-heavy (write90) mix, each client on its own session
// (sessions=distinct) or all on one (sessions=hot), for -duration (or
// -requests in all) after a -warmup. Per run it reports requests per
// second, p50 and p99 latency, round trips from the app to its backend
// per request (Redis commands sent, or PostgreSQL queries), store calls
// and Set-Cookie lines per request, failed requests (any fails the run),
// and for Redis the server's figures: commands executed (a script's inner
// commands included), INFO commandstats usec summed over commands, and
// the server's CPU time (used_cpu_user + used_cpu_sys), each per request.
// The libraries alternate which runs first, round by round.
//
// With -keys N it also runs the lost-update figure N times per library:
// 100 concurrent requests setting different keys of one session, and how
// many keys survive.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// config is the driver's command line.
type config struct {
	clients     int
	pool        int
	duration    time.Duration
	warmup      time.Duration
	requests    int
	rounds      int
	keys        int
	stores      string
	redisServer string
	databaseURL string
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("e2e", flag.ContinueOnError)
	fs.IntVar(&c.clients, "clients", 32, "concurrent clients")
	fs.IntVar(&c.pool, "pool", 32, "connections of each library's Redis client or PostgreSQL pool")
	fs.DurationVar(&c.duration, "duration", 3*time.Second, "measured time of each run (unless -requests is set)")
	fs.DurationVar(&c.warmup, "warmup", 500*time.Millisecond, "unmeasured time before each run (unless -requests is set)")
	fs.IntVar(&c.requests, "requests", 0, "if set, requests per run instead of -duration; the warm-up is then 2 per client")
	fs.IntVar(&c.rounds, "rounds", 1, "rounds of every run, interleaved")
	fs.IntVar(&c.keys, "keys", 0, "rounds of the concurrent distinct-key write figure per library")
	fs.StringVar(&c.stores, "stores", "redis,postgres", "comma-separated stores to drive: redis, postgres")
	fs.StringVar(&c.redisServer, "redis-server", "", "redis-server binary (default: the one on PATH)")
	fs.StringVar(&c.databaseURL, "database-url", "", "PostgreSQL URL (default: $DATABASE_URL, else "+defaultDatabaseURL+")")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.databaseURL == "" {
		c.databaseURL = os.Getenv("DATABASE_URL")
	}
	if c.databaseURL == "" {
		c.databaseURL = defaultDatabaseURL
	}
	if c.clients < 1 || c.pool < 1 || c.rounds < 0 || c.keys < 0 {
		return c, fmt.Errorf("-clients and -pool must be positive, -rounds and -keys not negative")
	}
	return c, nil
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, cfg, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
}

// run sets up every requested backend, runs the rounds and the key
// figure, and tears everything down, whatever fails.
func run(ctx context.Context, cfg config, out, log io.Writer) error {
	backends, closeAll, err := openBackends(ctx, cfg)
	defer closeAll()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "goos: %s\ngoarch: %s\npkg: github.com/sessionkit/sessionkit/bench/e2e\n", runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(out, "clients: %d\npool: %d\n", cfg.clients, cfg.pool)
	for _, b := range backends {
		fmt.Fprintf(out, "%s: %s\n", b.name, b.srv.version(ctx))
	}
	for round := range cfg.rounds {
		for _, b := range backends {
			if err := runRound(ctx, cfg, b, round, out, log); err != nil {
				return err
			}
		}
	}
	for _, b := range backends {
		if err := runKeys(ctx, cfg.keys, b, out); err != nil {
			return err
		}
	}
	return nil
}

// backend is one store kind with its server and its two contenders.
type backend struct {
	name       string
	srv        server
	contenders []*contender
}

// server is what the driver asks of a backend's server around each run.
type server interface {
	version(ctx context.Context) string
	reset(ctx context.Context) error
	begin(ctx context.Context) (float64, error)
	end(ctx context.Context, cpuBefore float64) (serverStats, error)
}

// PostgreSQL reports no server statistics.
func (s *pgSchema) begin(context.Context) (float64, error) { return 0, nil }

func (s *pgSchema) end(context.Context, float64) (serverStats, error) { return serverStats{}, nil }

// openBackends opens the stores cfg names. The returned function closes
// whatever was opened, even when err is not nil.
func openBackends(ctx context.Context, cfg config) ([]*backend, func(), error) {
	var backends []*backend
	var closers []func()
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	for name := range strings.SplitSeq(cfg.stores, ",") {
		b, closeFn, err := openBackend(ctx, cfg, strings.TrimSpace(name))
		if closeFn != nil {
			closers = append(closers, closeFn)
		}
		if err != nil {
			return nil, closeAll, err
		}
		for _, c := range b.contenders {
			closers = append(closers, c.close)
			if err := c.serve(); err != nil {
				return nil, closeAll, err
			}
		}
		backends = append(backends, b)
	}
	return backends, closeAll, nil
}

func openBackend(ctx context.Context, cfg config, name string) (*backend, func(), error) {
	switch name {
	case "redis":
		path := cfg.redisServer
		if path == "" {
			p, err := exec.LookPath("redis-server")
			if err != nil {
				return nil, nil, fmt.Errorf("redis-server not found on PATH; install it or pass -redis-server: %w", err)
			}
			path = p
		}
		srv, err := startRedis(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		cs, err := redisContenders(srv, cfg.pool)
		return &backend{name: "redis", srv: srv, contenders: cs}, srv.stop, err
	case "postgres":
		s, err := openSchema(ctx, cfg.databaseURL)
		if err != nil {
			return nil, nil, err
		}
		cs, err := pgContenders(ctx, s, cfg.pool)
		return &backend{name: "postgres", srv: s, contenders: cs}, func() { s.drop(ctx) }, err
	}
	return nil, nil, fmt.Errorf("unknown store %q; want redis or postgres", name)
}

// scenario is one mix on distinct sessions or on one hot session.
type scenario struct {
	mix mix
	hot bool
}

func (s scenario) sessions() string {
	if s.hot {
		return "hot"
	}
	return "distinct"
}

// runRound runs every scenario once for each contender of b, the
// contenders' order alternating from round to round.
func runRound(ctx context.Context, cfg config, b *backend, round int, out, log io.Writer) error {
	for _, m := range mixes {
		for _, hot := range []bool{false, true} {
			sc := scenario{m, hot}
			for i := range b.contenders {
				c := b.contenders[(i+round)%len(b.contenders)]
				res, err := measure(ctx, cfg, b, c, sc)
				if err != nil {
					return fmt.Errorf("%s %s mix=%s sessions=%s: %w", b.name, c.lib, m.name, sc.sessions(), err)
				}
				writeResult(out, b.name, c.lib, sc, res)
				writeBreakdown(log, b.name, c.lib, sc, res)
			}
		}
	}
	return nil
}

// runKeys prints the concurrent-key figure of each contender of b.
func runKeys(ctx context.Context, rounds int, b *backend, out io.Writer) error {
	if rounds == 0 {
		return nil
	}
	for _, c := range b.contenders {
		total, least := 0, -1
		for range rounds {
			if err := b.srv.reset(ctx); err != nil {
				return err
			}
			n, err := concurrentKeys(ctx, c)
			if err != nil {
				return fmt.Errorf("%s %s concurrent keys: %w", b.name, c.lib, err)
			}
			total += n
			if least < 0 || n < least {
				least = n
			}
		}
		fmt.Fprintf(out, "BenchmarkE2EConcurrentKeys/store=%s/lib=%s %d %.2f keys %d minkeys\n",
			b.name, c.lib, rounds, float64(total)/float64(rounds), least)
	}
	return nil
}
