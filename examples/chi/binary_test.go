package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/examples/contract"
)

// buildBinary builds this app into dir, as `go run` would, and returns the
// binary's path.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "chi")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// wait waits for cmd to exit and returns its exit code.
func wait(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatalf("waiting for the example: %v", err)
		}
		return 0
	case <-time.After(15 * time.Second):
		t.Fatal("the example did not exit within 15s")
		return -1
	}
}

var urlRE = regexp.MustCompile(`msg=listening url=(\S+)`)

// TestBinary runs the app's binary as a user would.
func TestBinary(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t, t.TempDir()) // removed once both subtests are done
	t.Run("RunsWithoutServices", func(t *testing.T) {
		t.Parallel()
		testRunsWithoutServices(t, bin)
	})
	t.Run("RejectsShortSecret", func(t *testing.T) {
		t.Parallel()
		testRejectsShortSecret(t, bin)
	})
}

// testRunsWithoutServices proves that `go run ./examples/chi` works on a
// machine with no Redis, no PostgreSQL and no configuration, and stops
// cleanly on SIGINT.
func testRunsWithoutServices(t *testing.T, bin string) {
	cmd, lines := contract.Start(t, bin, "ADDR=127.0.0.1:0")
	var url string
	var logs []string
	timeout := time.After(30 * time.Second)
	for url == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the example exited before listening; its log:\n%s", strings.Join(logs, "\n"))
			}
			logs = append(logs, line)
			if m := urlRE.FindStringSubmatch(line); m != nil {
				url = m[1]
			}
		case <-timeout:
			t.Fatalf("the example did not log its address within 30s; its log:\n%s", strings.Join(logs, "\n"))
		}
	}
	if log := strings.Join(logs, "\n"); !strings.Contains(log, "level=WARN") || !strings.Contains(log, "SESSION_SECRET is not set") {
		t.Errorf("log before listening:\n%s\nwant a warning that SESSION_SECRET is not set", log)
	}

	client := &http.Client{Timeout: 10 * time.Second}
	for _, tt := range []struct{ method, want string }{
		{http.MethodGet, `{"views":0}`},
		{http.MethodPost, `{"views":1}`},
	} {
		req, _ := http.NewRequest(tt.method, url+"/api/views", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s /api/views: %v", tt.method, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !json.Valid(body) || string(bytes.TrimSpace(body)) != tt.want {
			t.Errorf("%s /api/views = %d %s; want 200 %s", tt.method, resp.StatusCode, body, tt.want)
		}
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("interrupt: %v", err)
	}
	if code := wait(t, cmd); code != 0 {
		t.Errorf("exit status after SIGINT = %d; want 0", code)
	}
}

// testRejectsShortSecret: a bad setting stops the program at start with
// the manager's error, not at the first request.
func testRejectsShortSecret(t *testing.T, bin string) {
	cmd, lines := contract.Start(t, bin, "ADDR=127.0.0.1:0", "SESSION_SECRET=too-short")
	var logs []string
	timeout := time.After(30 * time.Second)
	for done := false; !done; { // until the program exits and closes stderr
		select {
		case line, ok := <-lines:
			if done = !ok; ok {
				logs = append(logs, line)
			}
		case <-timeout:
			t.Fatalf("the example did not exit within 30s; its log:\n%s", strings.Join(logs, "\n"))
		}
	}
	code := wait(t, cmd)
	log := strings.Join(logs, "\n")
	if code != 1 || !strings.Contains(log, "SESSION_SECRET") || !strings.Contains(log, "at least 32") {
		t.Errorf("with a 9-byte SESSION_SECRET: exit status %d, log:\n%s\nwant status 1 and an error naming SESSION_SECRET and the 32-byte minimum", code, log)
	}
}
