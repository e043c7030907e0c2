package contract

import (
	"bufio"
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Start runs an app's binary with the environment of a fresh machine (no
// ADDR, REDIS_URL, DATABASE_URL or SESSION_ variable) plus env, and
// returns the process and its stderr as a stream of lines. The caller
// must read the stream to its end (it closes when the process exits), or
// the app blocks once 100 unread lines are buffered. t's cleanup kills
// the process if it still runs.
func Start(t *testing.T, bin string, env ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(bin)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "ADDR", name == "REDIS_URL", name == "DATABASE_URL", strings.HasPrefix(name, "SESSION_"):
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return cmd, lines
}

// PrivateSchema creates a schema of the test's own, named after prefix
// and dropped at its cleanup, and returns dbURL with that schema first in
// the search_path: the apps always use the default table, which is then
// the test's alone.
func PrivateSchema(t *testing.T, dbURL, prefix string) string {
	t.Helper()
	u, _ := privateSchema(t, dbURL, prefix)
	return u
}

// privateSchema is PrivateSchema, returning the schema's name too.
func privateSchema(t *testing.T, dbURL, prefix string) (string, string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	schema := prefix + "_" + strings.ToLower(rand.Text()[:10])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
		conn.Close(context.Background())
	})
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema
}
