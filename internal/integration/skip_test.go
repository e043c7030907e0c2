//go:build unix

package integration_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/leaktest"
	"github.com/sessionkit/sessionkit/internal/testenv"
)

// skipProbe is a test package that needs Redis, as the store packages do,
// with testenv.Main as its TestMain. SKIPPROBE_LEAK=1 makes a test leave
// a goroutine behind.
const skipProbe = `package skipprobe_test

import (
	"os"
	"testing"

	"github.com/sessionkit/sessionkit/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestNeedsRedis(t *testing.T) { testenv.RedisURL(t) }

func TestAlsoNeedsRedis(t *testing.T) { testenv.RedisURL(t) }

func TestMayLeak(t *testing.T) {
	if os.Getenv("SKIPPROBE_LEAK") == "1" {
		go func() { select {} }()
	}
}
`

// TestMissingServiceIsReportedWithoutVerbose runs go test, without -v, on
// a package whose Redis is down, the way a developer does in a terminal:
// go test then discards the package's output, so only testenv.Main's
// report on the terminal says that tests were skipped and what to set.
// Under CI=true the same package fails, and a leaked goroutine fails it
// too.
func TestMissingServiceIsReportedWithoutVerbose(t *testing.T) {
	t.Parallel()
	script, err := exec.LookPath("script")
	testenv.Require(t, "script (util-linux)", "PATH", os.Getenv("PATH"), err)

	dir, err := os.MkdirTemp(".", ".skipprobe-") // inside the module; ./... ignores it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	write(t, filepath.Join(dir, "probe_test.go"), skipProbe)
	pkg := "./" + filepath.ToSlash(dir)
	down := "REDIS_URL=redis://" + leaktest.ClosedAddr(t) + "/0"

	const report = "Redis: 2 tests skipped; REDIS_URL="
	tests := []struct {
		name     string
		terminal bool // run under a pseudo-terminal
		args     []string
		env      []string
		wantFail bool
		want     []string
	}{
		{"terminal", true, nil, []string{down}, false, []string{report, "to run them, start it", "ok  "}},
		{"no terminal, verbose", false, []string{"-v"}, []string{down}, false, []string{report, "--- SKIP: TestNeedsRedis"}},
		{"CI", false, nil, []string{down, "CI=true"}, true, []string{"--- FAIL: TestNeedsRedis", "REDIS_URL"}},
		{"leaked goroutine", false, nil, []string{down, "SKIPPROBE_LEAK=1"}, true, []string{"unexpected goroutines", "TestMayLeak"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			args := append([]string{"test", "-count=1"}, tc.args...)
			args = append(args, pkg)
			var cmd *exec.Cmd
			if tc.terminal {
				cmd = exec.CommandContext(ctx, script, "-qec", "go "+strings.Join(args, " "), os.DevNull)
			} else {
				cmd = exec.CommandContext(ctx, "go", args...)
				// No controlling terminal, as in CI; and a developer
				// running this test in a terminal sees nothing of it.
				cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			}
			cmd.Env = append(withoutEnv("CI", "REDIS_URL", "SKIPPROBE_LEAK"), tc.env...)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			if failed := err != nil; failed != tc.wantFail {
				t.Errorf("go %s with %v failed = %t; want %t\n%s", strings.Join(args, " "), tc.env, failed, tc.wantFail, out)
			}
			for _, want := range tc.want {
				if !strings.Contains(string(out), want) {
					t.Errorf("go %s with %v printed\n%s\nwant it to contain %q", strings.Join(args, " "), tc.env, out, want)
				}
			}
		})
	}
}

// withoutEnv returns the environment without the named variables.
func withoutEnv(names ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			env = append(env, kv)
		}
	}
	return env
}
