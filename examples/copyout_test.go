// Package examples_test checks the example apps as their users take them:
// each app directory, copied into an empty module, builds and vets after
// go mod tidy; the smallest app links no store driver and no telemetry;
// and the files the framework apps share stay identical.
package examples_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/examples/contract"
)

func TestMain(m *testing.M) { contract.Main(m) }

// modulePrefix is the path every sessionkit module starts with.
const modulePrefix = "github.com/sessionkit/sessionkit"

var packageMain = regexp.MustCompile(`(?m)^package main$`)

// apps returns the example app directories: those whose main.go is a
// package main.
func apps(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob("*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		if packageMain.Match(b) {
			dirs = append(dirs, filepath.Dir(m))
		}
	}
	if len(dirs) < 4 {
		t.Fatalf("found example apps %v; want at least chi, echo, gin and nethttp", dirs)
	}
	return dirs
}

// TestAppsBuildCopiedOut copies each app into an empty module, as a user
// would, and builds and vets it there, tests included: an import of an
// internal package, or of code elsewhere in this module, fails it.
func TestAppsBuildCopiedOut(t *testing.T) {
	t.Parallel()
	replaces := localModules(t)
	for _, dir := range apps(t) {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			if err := copyOut(t, dir, replaces); err != nil {
				t.Errorf("%s copied into a module of its own:\n%v", dir, err)
			}
		})
	}
}

// TestCopyOutFailsOnInternalImport checks that the copy-out test can fail:
// an app importing one of sessionkit's internal packages does not build
// out of this repository.
func TestCopyOutFailsOnInternalImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := "package main\n\nimport \"" + modulePrefix + "/internal/testenv\"\n\nfunc main() { println(testenv.DefaultRedisURL) }\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	err := copyOut(t, dir, localModules(t))
	if err == nil || !strings.Contains(err.Error(), "use of internal package") {
		t.Errorf("copyOut(an app importing internal/testenv) = %v; want a build error about the internal package", err)
	}
}

// localModules returns go mod edit's -replace flags pointing every
// sessionkit module in this checkout at its directory: nothing is
// published, so a copied app finds them only through these.
func localModules(t *testing.T) []string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var flags []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || name != "go.mod" {
			return nil
		}
		mod, err := modulePath(path)
		if err != nil {
			return err
		}
		if strings.HasPrefix(mod, modulePrefix) {
			flags = append(flags, "-replace="+mod+"="+filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(flags) < 2 {
		t.Fatalf("found sessionkit modules %v under %s; want the root and the examples at least", flags, root)
	}
	return flags
}

// modulePath returns the module path that the go.mod file declares.
func modulePath(gomod string) (string, error) {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s: no module line", gomod)
}

// copyOut copies the files of dir into a new module and runs there what a
// user would: go mod init, go mod tidy, go build and go vet, outside the
// workspace. It returns the first failure with the command's output.
func copyOut(t *testing.T, dir string, replaces []string) error {
	t.Helper()
	out := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	env := append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "GOWORK=") || strings.HasPrefix(kv, "GOFLAGS=")
	}), "GOWORK=off", "GOFLAGS=-mod=mod")
	for _, args := range [][]string{
		{"mod", "init", "example.com/copied"},
		append([]string{"mod", "edit"}, replaces...),
		{"mod", "tidy"},
		{"build", "./..."},
		{"vet", "./..."},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir, cmd.Env = out, env
		output, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			return errors.New("go " + strings.Join(args[:min(len(args), 2)], " ") + ": " + err.Error() + "\n" + string(output))
		}
	}
	return nil
}

// TestNetHTTPLinksNoStoreDriverOrTelemetry: the smallest app needs core
// and its memory store only, so neither the Redis nor the PostgreSQL
// driver is linked into it, nor OpenTelemetry and the Prometheus client,
// which serve the larger apps' /metrics. The chi app, which offers both
// stores and the metrics, shows that the check sees them.
func TestNetHTTPLinksNoStoreDriverOrTelemetry(t *testing.T) {
	t.Parallel()
	drivers := []string{"github.com/redis/go-redis/", "github.com/jackc/pgx/", "go.opentelemetry.io/", "github.com/prometheus/"}
	for _, tt := range []struct {
		dir         string
		wantDrivers bool
	}{
		{"nethttp", false},
		{"chi", true},
	} {
		deps := listDeps(t, "./"+tt.dir)
		if !slices.Contains(deps, modulePrefix+"/core") {
			t.Fatalf("go list -deps ./%s lacks %s/core: %v", tt.dir, modulePrefix, deps)
		}
		for _, d := range drivers {
			linked := slices.ContainsFunc(deps, func(p string) bool { return strings.HasPrefix(p, d) })
			if linked != tt.wantDrivers {
				t.Errorf("go list -deps ./%s lists %s*: %v; want %v", tt.dir, d, linked, tt.wantDrivers)
			}
		}
	}
}

func listDeps(t *testing.T, pkg string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// shared are the files each framework app holds a copy of, since each must
// build on its own; a fix to one copy must reach the others.
var shared = []string{
	"api.go", "api_test.go",
	"config.go", "config_test.go",
	"devices.go", "devices_test.go",
	"express_test.go",
	"metrics.go", "metrics_test.go",
	"page.go", "page.html",
	"session_test.go",
	"store.go", "store_test.go",
}

// TestSharedFilesMatch: the framework apps' copies of the shared files are
// identical.
func TestSharedFilesMatch(t *testing.T) {
	t.Parallel()
	var frameworks []string
	for _, dir := range apps(t) {
		if _, err := os.Stat(filepath.Join(dir, "routes.go")); err == nil && dir != "chi" {
			frameworks = append(frameworks, dir)
		}
	}
	if len(frameworks) < 2 {
		t.Fatalf("found framework apps %v besides chi; want gin and echo at least", frameworks)
	}
	for _, name := range shared {
		want, err := os.ReadFile(filepath.Join("chi", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range frameworks {
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Errorf("%v; every framework app holds a copy of chi/%s", err, name)
			} else if !bytes.Equal(got, want) {
				t.Errorf("%s/%s differs from chi/%s; keep the copies identical", dir, name, name)
			}
		}
	}
}
