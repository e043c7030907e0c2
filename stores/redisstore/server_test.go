package redisstore_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// sharedClient returns a client for the shared Redis at REDIS_URL, closed
// when t ends.
func sharedClient(t *testing.T) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(testenv.RedisURL(t))
	if err != nil {
		t.Fatalf("ParseURL: %v", err)
	}
	opts.ContextTimeoutEnabled = true
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

// testPrefix returns a key prefix no other test run uses.
func testPrefix(t testing.TB) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "sessionkit-test:" + hex.EncodeToString(b) + ":"
}

// newStore returns a Store on client under a fresh prefix, and deletes
// every key under that prefix when t ends.
func newStore(t *testing.T, client redis.UniversalClient) (*redisstore.Store, string) {
	t.Helper()
	prefix := testPrefix(t)
	s, err := redisstore.New(client, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		deleteSessions(t, client, prefix)
	})
	return s, prefix
}

// deleteSessions deletes every session under prefix.
func deleteSessions(t *testing.T, client redis.UniversalClient, prefix string) {
	t.Helper()
	s, err := redisstore.New(client, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var keys []string
	err = s.Range(ctx, func(key string, _ core.Record) bool {
		keys = append(keys, key)
		return true
	})
	for _, key := range keys {
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("deleting test session: %v", err)
			return
		}
	}
	if err != nil {
		t.Errorf("listing test sessions: %v", err)
	}
	// Owner indexes whose sessions expired rather than being deleted
	// outlive them until their own TTL.
	if err := forEachNode(ctx, client, func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, redisstore.GlobEscape(prefix)+"owner:*", 500).Iterator()
		for iter.Next(ctx) {
			if err := c.Del(ctx, iter.Val()).Err(); err != nil {
				return err
			}
		}
		return iter.Err()
	}); err != nil {
		t.Errorf("deleting test owner indexes: %v", err)
	}
}

// forEachNode calls fn for every master of a cluster, every shard of a
// ring, or the client itself.
func forEachNode(ctx context.Context, client redis.UniversalClient, fn func(context.Context, *redis.Client) error) error {
	switch c := client.(type) {
	case *redis.ClusterClient:
		return c.ForEachMaster(ctx, fn)
	case *redis.Ring:
		return c.ForEachShard(ctx, fn)
	case *redis.Client:
		return fn(ctx, c)
	}
	return fmt.Errorf("unexpected client %T", client)
}

// requireBinaries skips t (fails it under CI=true) unless redis-server and
// redis-cli are on PATH.
func requireBinaries(t testing.TB) {
	t.Helper()
	for _, bin := range []string{"redis-server", "redis-cli"} {
		_, err := exec.LookPath(bin)
		testenv.Require(t, bin, "PATH", os.Getenv("PATH"), err)
	}
}

// freePort returns a loopback port that, like port+10000 (the cluster bus),
// nothing listens on right now.
func freePort(t testing.TB) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		if port+10000 > 65535 {
			l.Close()
			continue
		}
		bus, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port+10000)))
		l.Close()
		if err == nil {
			bus.Close()
			return port
		}
	}
	t.Fatal("no free port pair found")
	return 0
}

// server is a redis-server process the test owns.
type server struct {
	addr string
	cmd  *exec.Cmd
	done chan struct{}
}

// startServer runs redis-server on 127.0.0.1:port with its files in dir and
// waits until it answers PING. The process is killed when t ends.
func startServer(t testing.TB, port int, dir string, args ...string) *server {
	t.Helper()
	p := strconv.Itoa(port)
	args = append([]string{"--port", p, "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--daemonize", "no"}, args...)
	cmd := exec.Command("redis-server", args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	s := &server{addr: net.JoinHostPort("127.0.0.1", p), cmd: cmd, done: make(chan struct{})}
	var log strings.Builder
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
		}
		cmd.Wait()
	}()
	t.Cleanup(s.stop)
	if err := waitPing(s.addr, s.done); err != nil {
		s.stop()
		t.Fatalf("redis-server on %s: %v\n%s", s.addr, err, log.String())
	}
	return s
}

// stop kills the server and waits for it to exit. It may be called twice.
func (s *server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Kill()
	<-s.done
}

// waitPing waits up to 10s for a PING reply from addr, giving up early if
// the process exits.
func waitPing(addr string, exited <-chan struct{}) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("process exited")
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			fmt.Fprint(c, "PING\r\n")
			line, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err == nil && line == "+PONG\r\n" {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("no PONG within 10s")
}
