package sessionkit_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// snippet is one fenced Go block of README.md.
type snippet struct {
	line int // of the opening fence
	code string
}

func readmeSnippets(t *testing.T) (readme string, snippets []snippet) {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	var cur *snippet
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```go":
			cur = &snippet{line: n}
		case cur != nil && strings.TrimSpace(line) == "```":
			snippets = append(snippets, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	if cur != nil {
		t.Fatalf("README.md:%d: unterminated ```go block", cur.line)
	}
	return string(b), snippets
}

// TestReadmeProgramsCompile builds every complete program in README.md
// (each ```go block starting with "package main") against the module's
// real packages, and checks it is gofmt-formatted.
func TestReadmeProgramsCompile(t *testing.T) {
	_, snippets := readmeSnippets(t)
	var programs []snippet
	for _, s := range snippets {
		if strings.HasPrefix(s.code, "package main\n") {
			programs = append(programs, s)
		}
	}
	// gin, Echo, chi and plain net/http at least.
	if len(programs) < 4 {
		t.Fatalf("README.md has %d complete programs; want at least 4 (the quick starts)", len(programs))
	}
	// Inside the module, so the programs build against this checkout; a
	// directory starting with "." is ignored by ./... patterns.
	dir, err := os.MkdirTemp(".", ".readme-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin := t.TempDir()
	for i, p := range programs {
		name := fmt.Sprintf("line%d", p.line)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if formatted, err := format.Source([]byte(p.code)); err != nil || !bytes.Equal(formatted, []byte(p.code)) {
				t.Errorf("README.md:%d: program is not gofmt-formatted (format error: %v)", p.line, err)
			}
			pkg := filepath.Join(dir, name)
			if err := os.Mkdir(pkg, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(p.code), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bin, fmt.Sprint(i)), "./"+filepath.ToSlash(pkg)).CombinedOutput()
			if err != nil {
				t.Errorf("README.md:%d: program does not build: %v\n%s", p.line, err, out)
			}
		})
	}
}

// TestReadmeDocumentsConfig checks the configuration tables name every
// field of core.Config and core.CookieConfig, and that the README keeps
// the two commands a newcomer runs first.
func TestReadmeDocumentsConfig(t *testing.T) {
	readme, _ := readmeSnippets(t)
	for _, typ := range []reflect.Type{reflect.TypeFor[core.Config](), reflect.TypeFor[core.CookieConfig]()} {
		for f := range typ.Fields() {
			if f.IsExported() && !strings.Contains(readme, "| `"+f.Name+"` |") {
				t.Errorf("README.md has no configuration row for %s.%s", typ, f.Name)
			}
		}
	}
	for _, cmd := range []string{"go run ./examples/chi", "go test -race ./..."} {
		if !strings.Contains(readme, "\n"+cmd) {
			t.Errorf("README.md does not show the command %q", cmd)
		}
	}
}
