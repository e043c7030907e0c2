package integration_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sessionkitModules are the published modules, by directory in this
// checkout. A probe module replaces each one it needs with its directory,
// as nothing is published from a checkout.
var sessionkitModules = map[string]string{
	"github.com/sessionkit/sessionkit":                   ".",
	"github.com/sessionkit/sessionkit/adapters/gin":      "adapters/gin",
	"github.com/sessionkit/sessionkit/adapters/echo":     "adapters/echo",
	"github.com/sessionkit/sessionkit/adapters/echov5":   "adapters/echov5",
	"github.com/sessionkit/sessionkit/stores/redisstore": "stores/redisstore",
	"github.com/sessionkit/sessionkit/stores/pgstore":    "stores/pgstore",
	"github.com/sessionkit/sessionkit/otel":              "otel",
}

// probe is a user's program: its imports, and the versions its go.mod
// pins before sessionkit is added.
type probe struct {
	imports []string
	pins    []string // "module version"
}

// modules builds the probe as a module of its own outside the checkout and
// returns `go list -m all` of it, as module -> version.
func (p probe) modules(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var mod strings.Builder
	mod.WriteString("module example.com/probe\n\ngo 1.25.0\n")
	for _, pin := range p.pins {
		fmt.Fprintf(&mod, "\nrequire %s\n", pin)
	}
	for path, sub := range sessionkitModules {
		fmt.Fprintf(&mod, "\nreplace %s => %s\n", path, filepath.Join(root, sub))
	}
	var src strings.Builder
	src.WriteString("package main\n\nimport (\n")
	for _, imp := range p.imports {
		fmt.Fprintf(&src, "\t_ %q\n", imp)
	}
	src.WriteString(")\n\nfunc main() {}\n")
	write(t, filepath.Join(dir, "go.mod"), mod.String())
	write(t, filepath.Join(dir, "main.go"), src.String())
	goCmd(t, dir, "mod", "tidy")
	goCmd(t, dir, "build", "-o", os.DevNull, ".")
	got := map[string]string{}
	for line := range strings.Lines(goCmd(t, dir, "list", "-m", "all")) {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] == "example.com/probe" {
			continue
		}
		got[f[0]] = strings.Join(f[1:], " ")
	}
	return got
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goCmd runs the go command in dir outside any workspace, as a user's
// module builds, and returns its standard output.
func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// heavy are modules no program that does not ask for them may get.
var heavy = []string{
	"github.com/chromedp/chromedp", "github.com/chromedp/cdproto",
	"github.com/go-sql-driver/mysql", "go.uber.org/goleak",
	"github.com/jackc/pgx/v5", "github.com/redis/go-redis/v9",
	"github.com/gin-gonic/gin", "github.com/labstack/echo/v4", "github.com/labstack/echo/v5",
}

func without(t *testing.T, got map[string]string, allowed ...string) {
	t.Helper()
	for _, m := range heavy {
		if _, ok := got[m]; ok && !slices.Contains(allowed, m) {
			t.Errorf("the build list has %s; want it absent", m)
		}
	}
}

func keys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// TestModuleGraphs checks that users pay only for what they import: the
// build lists of programs using one part of sessionkit each.
func TestModuleGraphs(t *testing.T) {
	t.Parallel()
	const skCore = "github.com/sessionkit/sessionkit/core"

	t.Run("CoreAndChi", func(t *testing.T) {
		t.Parallel()
		got := probe{imports: []string{skCore, "github.com/sessionkit/sessionkit/adapters/chi", "github.com/go-chi/chi/v5"}}.modules(t)
		t.Logf("core + chi: %d modules: %v", len(got), keys(got))
		if len(got) > 10 {
			t.Errorf("a core + chi program has %d modules; want at most 10: %v", len(got), keys(got))
		}
		without(t, got)
	})
	// A program on a recent release of its framework, with and without
	// sessionkit.
	for _, fw := range []struct{ name, framework, version, adapter string }{
		{"Gin", "github.com/gin-gonic/gin", "v1.12.0", "github.com/sessionkit/sessionkit/adapters/gin"},
		{"Echo", "github.com/labstack/echo/v4", "v4.16.0", "github.com/sessionkit/sessionkit/adapters/echo"},
		{"EchoV5", "github.com/labstack/echo/v5", "v5.4.6", "github.com/sessionkit/sessionkit/adapters/echov5"},
	} {
		t.Run(fw.name, func(t *testing.T) {
			t.Parallel()
			pin := []string{fw.framework + " " + fw.version}
			with := probe{imports: []string{skCore, fw.adapter, fw.framework}, pins: pin}.modules(t)
			alone := probe{imports: []string{fw.framework}, pins: pin}.modules(t)
			var extra []string
			for m := range with {
				if _, ok := alone[m]; !ok {
					extra = append(extra, m)
				}
			}
			slices.Sort(extra)
			t.Logf("%s alone: %d modules; with sessionkit: %d, adding %v", fw.framework, len(alone), len(with), extra)
			if len(extra) > 5 {
				t.Errorf("sessionkit adds %d modules to %s's own graph; want at most 5: %v", len(extra), fw.framework, extra)
			}
			without(t, with, fw.framework)
		})
	}
	t.Run("Redis", func(t *testing.T) {
		t.Parallel()
		got := probe{imports: []string{skCore, "github.com/sessionkit/sessionkit/stores/redisstore"}}.modules(t)
		if _, ok := got["github.com/redis/go-redis/v9"]; !ok {
			t.Errorf("a redisstore program has no go-redis: %v", keys(got))
		}
		without(t, got, "github.com/redis/go-redis/v9")
	})
	t.Run("OpenTelemetry", func(t *testing.T) {
		t.Parallel()
		got := probe{imports: []string{skCore, "github.com/sessionkit/sessionkit/otel"}}.modules(t)
		if _, ok := got["go.opentelemetry.io/otel"]; !ok {
			t.Errorf("an otel program has no go.opentelemetry.io/otel: %v", keys(got))
		}
		without(t, got)
	})
	t.Run("NoOpenTelemetryElsewhere", func(t *testing.T) {
		t.Parallel()
		got := probe{imports: []string{skCore, "github.com/sessionkit/sessionkit/adapters/chi"}}.modules(t)
		for m := range got {
			if strings.HasPrefix(m, "go.opentelemetry.io/") {
				t.Errorf("a program without the otel module has %s", m)
			}
		}
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		t.Parallel()
		got := probe{imports: []string{skCore, "github.com/sessionkit/sessionkit/stores/pgstore"}}.modules(t)
		if _, ok := got["github.com/jackc/pgx/v5"]; !ok {
			t.Errorf("a pgstore program has no pgx: %v", keys(got))
		}
		without(t, got, "github.com/jackc/pgx/v5")
	})
}

// TestNoForcedUpgrades adds sessionkit to a program pinned at older
// releases of what it shares with sessionkit: none of the pins may move.
func TestNoForcedUpgrades(t *testing.T) {
	t.Parallel()
	pins := []string{
		"github.com/gin-gonic/gin v1.10.1",
		"github.com/labstack/echo/v4 v4.11.4",
		"github.com/redis/go-redis/v9 v9.7.0",
		"github.com/jackc/pgx/v5 v5.7.0",
		"github.com/go-chi/chi/v5 v5.1.0",
		"golang.org/x/crypto v0.23.0",
	}
	got := probe{
		imports: []string{
			"github.com/sessionkit/sessionkit/adapters/gin", "github.com/gin-gonic/gin",
			"github.com/sessionkit/sessionkit/adapters/echo", "github.com/labstack/echo/v4",
			"github.com/sessionkit/sessionkit/adapters/chi", "github.com/go-chi/chi/v5",
			"github.com/sessionkit/sessionkit/stores/redisstore", "github.com/redis/go-redis/v9",
			"github.com/sessionkit/sessionkit/stores/pgstore", "github.com/jackc/pgx/v5",
			"golang.org/x/crypto/bcrypt",
		},
		pins: pins,
	}.modules(t)
	for _, pin := range pins {
		mod, want, _ := strings.Cut(pin, " ")
		if got[mod] != want {
			t.Errorf("adding sessionkit moved %s from %s to %s", mod, want, got[mod])
		}
	}
}
