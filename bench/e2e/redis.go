package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/alexedwards/scs/goredisstore"
	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/bench"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// redisServer is a redis-server process of the driver's own, on a free
// loopback port, with no persistence. Only it is ever stopped, by its PID.
type redisServer struct {
	cmd   *exec.Cmd
	dir   string
	addr  string
	admin *redis.Client
}

// startRedis starts path (a redis-server binary) and waits until it
// answers PING.
func startRedis(ctx context.Context, path string) (*redisServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sessionkit-e2e-redis-")
	if err != nil {
		return nil, err
	}
	s := &redisServer{dir: dir, addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	s.cmd = exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir)
	s.cmd.Stdout, s.cmd.Stderr = nil, nil
	if err := s.cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	s.admin = redis.NewClient(&redis.Options{Addr: s.addr, PoolSize: 1})
	if err := s.waitReady(ctx); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *redisServer) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := s.admin.Ping(ctx).Err()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("redis-server on %s did not answer PING: %w", s.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop terminates the server process this driver started, and only it.
func (s *redisServer) stop() {
	_ = s.admin.Close()
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
	_ = os.RemoveAll(s.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *redisServer) version(ctx context.Context) string {
	info, err := s.admin.Info(ctx, "server").Result()
	if err != nil {
		return "unknown"
	}
	return infoFields(info)["redis_version"]
}

// reset empties the server between runs.
func (s *redisServer) reset(ctx context.Context) error {
	return s.admin.FlushAll(ctx).Err()
}

// begin zeroes the command statistics and returns the server's CPU time
// so far, in µs.
func (s *redisServer) begin(ctx context.Context) (float64, error) {
	if err := s.admin.ConfigResetStat(ctx).Err(); err != nil {
		return 0, err
	}
	return s.cpu(ctx)
}

func (s *redisServer) cpu(ctx context.Context) (float64, error) {
	info, err := s.admin.Info(ctx, "cpu").Result()
	if err != nil {
		return 0, err
	}
	return cpuMicros(infoFields(info))
}

// end returns the command statistics since begin, and the server's CPU
// time since cpuBefore.
func (s *redisServer) end(ctx context.Context, cpuBefore float64) (serverStats, error) {
	info, err := s.admin.Info(ctx, "commandstats").Result()
	if err != nil {
		return serverStats{}, err
	}
	st, err := parseCommandStats(info)
	if err != nil {
		return serverStats{}, err
	}
	cpuAfter, err := s.cpu(ctx)
	if err != nil {
		return serverStats{}, err
	}
	st.cpuMicros = cpuAfter - cpuBefore
	st.ok = true
	return st, nil
}

// serverStats is what a Redis server reports about one run.
type serverStats struct {
	ok        bool                   // the backend reports server statistics
	calls     int64                  // commands executed, those run by scripts included
	usec      int64                  // INFO commandstats usec, summed over commands
	cpuMicros float64                // used_cpu_user + used_cpu_sys
	byCommand map[string]commandStat // calls and usec per command
}

// commandStat is one command's share of a run.
type commandStat struct{ calls, usec int64 }

// driverCommands are the commands the driver itself sends to read and
// reset the statistics; they are not the libraries' cost.
var driverCommands = map[string]bool{"info": true, "config": true}

// parseCommandStats reads INFO commandstats lines such as
//
//	cmdstat_get:calls=3,usec=12,usec_per_call=4.00,rejected_calls=0,failed_calls=0
func parseCommandStats(info string) (serverStats, error) {
	st := serverStats{byCommand: map[string]commandStat{}}
	for name, v := range infoFields(info) {
		cmd, ok := strings.CutPrefix(name, "cmdstat_")
		base, _, _ := strings.Cut(cmd, "|") // "config|resetstat"
		if !ok || driverCommands[base] {
			continue
		}
		f := map[string]string{}
		for kv := range strings.SplitSeq(v, ",") {
			k, val, _ := strings.Cut(kv, "=")
			f[k] = val
		}
		calls, err1 := strconv.ParseInt(f["calls"], 10, 64)
		usec, err2 := strconv.ParseInt(f["usec"], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return serverStats{}, fmt.Errorf("commandstats %s: %w", name, err)
		}
		st.calls += calls
		st.usec += usec
		st.byCommand[cmd] = commandStat{calls, usec}
	}
	return st, nil
}

// cpuMicros sums used_cpu_user and used_cpu_sys (seconds) into µs.
func cpuMicros(f map[string]string) (float64, error) {
	user, err1 := strconv.ParseFloat(f["used_cpu_user"], 64)
	sys, err2 := strconv.ParseFloat(f["used_cpu_sys"], 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("INFO cpu: %w", err)
	}
	return (user + sys) * 1e6, nil
}

// infoFields splits an INFO reply into its name:value lines.
func infoFields(info string) map[string]string {
	f := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			f[k] = v
		}
	}
	return f
}

// roundTrips counts what a go-redis client sends: one per command, one
// per pipeline. A script's EVALSHA that falls back to EVAL is two.
type roundTrips struct{ n atomic.Int64 }

func (c *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmds)
	}
}

// redisContenders returns sessionkit's redisstore and scs's goredisstore
// on srv, each with its own client of poolSize connections.
func redisContenders(srv *redisServer, poolSize int) ([]*contender, error) {
	newClient := func(rt *roundTrips) *redis.Client {
		c := redis.NewClient(&redis.Options{Addr: srv.addr, PoolSize: poolSize, ContextTimeoutEnabled: true})
		c.AddHook(rt)
		return c
	}
	skRT, scsRT := new(roundTrips), new(roundTrips)
	skClient, scsClient := newClient(skRT), newClient(scsRT)
	store, err := redisstore.New(skClient, redisstore.Options{})
	if err != nil {
		_ = skClient.Close()
		_ = scsClient.Close()
		return nil, err
	}
	sk, err := sessionkitContender(store, &skRT.n, func() { _ = skClient.Close() })
	if err != nil {
		_ = skClient.Close()
		_ = scsClient.Close()
		return nil, err
	}
	sc := scsContender(goredisstore.New(scsClient), &scsRT.n, func() { _ = scsClient.Close() })
	return []*contender{sk, sc}, nil
}

// sessionkitContender serves store through sessionkit's net/http subject.
func sessionkitContender(store core.Store, rtt *atomic.Int64, closeStore func()) (*contender, error) {
	c := &contender{lib: "sessionkit", rtt: rtt, ops: new(bench.OpCounter)}
	mgr, err := core.New(core.Config{Secrets: [][]byte{bench.Secret}, Store: c.ops.Store(store)})
	if err != nil {
		return nil, err
	}
	c.handler = bench.SessionkitHandler(mgr)
	c.closeFn = func() { _ = mgr.Close(); closeStore() }
	return c, nil
}
