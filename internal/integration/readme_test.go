package integration_test

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
	line    int    // of the opening fence
	heading string // the nearest heading above it, such as "## Errors"
	code    string
}

func readmeSnippets(t *testing.T) (readme string, snippets []snippet) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	var cur *snippet
	inFence := false // in any fenced block, whose lines are no headings
	heading := ""
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && !inFence && trimmed == "```go":
			cur = &snippet{line: n, heading: heading}
		case cur == nil && !inFence && strings.HasPrefix(trimmed, "```"):
			inFence = true
		case inFence && trimmed == "```":
			inFence = false
		case cur != nil && trimmed == "```":
			snippets = append(snippets, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		case !inFence && strings.HasPrefix(line, "#"):
			heading = line
		}
	}
	if cur != nil {
		t.Fatalf("README.md:%d: unterminated ```go block", cur.line)
	}
	return string(b), snippets
}

// buildDir builds the package in dir, a directory of the module, and
// reports the compiler's output on failure.
func buildDir(dir, out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b, err := exec.CommandContext(ctx, "go", "build", "-o", out, "./"+filepath.ToSlash(dir)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v\n%s", err, b)
	}
	return nil
}

// readmeDir returns a new directory inside the module, so programs build
// against this checkout; a directory starting with "." is ignored by ./...
// patterns.
func readmeDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp(".", ".readme-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
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
	dir := readmeDir(t)
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
			if err := buildDir(pkg, filepath.Join(bin, fmt.Sprint(i))); err != nil {
				t.Errorf("README.md:%d: program does not build: %v", p.line, err)
			}
		})
	}
}

// fragmentHeader is what every README fragment (a ```go block that is not
// a whole program) is compiled with: the imports fragments use, each
// referenced once so that a fragment need not use them all.
const fragmentHeader = `package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adapterkit"
	sessionotel "github.com/sessionkit/sessionkit/otel"
)

var (
	_ = context.Background
	_ = errors.Is
	_ = slog.Default
	_ = http.StatusOK
	_ = time.Second
	_ = gin.New
	_ = ginsession.Get
	_ = core.New
	_ = adapterkit.Begin
	_ = sessionotel.New
)

`

// fragmentMain completes the fragments into a program. Settings is the
// struct of the reader's own that the everyday tasks store.
const fragmentMain = `package main

type Settings struct{ Theme string }

func main() {}
`

// TestReadmeFragmentsCompile builds the README's fragments, the ```go
// blocks that are not whole programs, as the files of one package: they
// may use one another's declarations, as the everyday tasks' keys are used
// by the sections after them.
func TestReadmeFragmentsCompile(t *testing.T) {
	_, snippets := readmeSnippets(t)
	pkg := filepath.Join(readmeDir(t), "fragments")
	if err := os.Mkdir(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(fragmentMain), 0o644); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range snippets {
		if strings.HasPrefix(s.code, "package main\n") {
			continue
		}
		n++
		if src := "package main\n\n" + s.code; !formatted(src) {
			t.Errorf("README.md:%d: fragment is not gofmt-formatted", s.line)
		}
		// The line directive makes compiler errors name README.md's lines.
		src := fmt.Sprintf("%s//line README.md:%d\n%s", fragmentHeader, s.line+1, s.code)
		if err := os.WriteFile(filepath.Join(pkg, fmt.Sprintf("line%d.go", s.line)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n == 0 {
		t.Fatal("README.md has no fragments; want at least the everyday tasks")
	}
	if err := buildDir(pkg, filepath.Join(t.TempDir(), "fragments")); err != nil {
		t.Errorf("README.md's fragments do not build: %v", err)
	}
}

func formatted(src string) bool {
	b, err := format.Source([]byte(src))
	return err == nil && string(b) == src
}

// TestReadmeEverydayTasks checks the section showing the five everyday
// tasks with the gin adapter (read an int, set a struct, log in with a new
// session ID, log out, set and read a flash message) keeps them to 15
// lines in total.
func TestReadmeEverydayTasks(t *testing.T) {
	_, snippets := readmeSnippets(t)
	const heading, maxLines = "## Everyday tasks", 15
	var found []snippet
	for _, s := range snippets {
		if s.heading == heading {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("README.md has %d ```go blocks under %q; want 1", len(found), heading)
	}
	s := found[0]
	if lines := strings.Count(s.code, "\n"); lines > maxLines {
		t.Errorf("README.md:%d: the everyday tasks take %d lines; want at most %d", s.line, lines, maxLines)
	}
	for _, call := range []string{"ginsession.Get(c)", "Views.Get(", "Prefs.Set(", "Regenerate()", "User.Set(", "Destroy()", "Flash.Set(", "Flash.Pop("} {
		if !strings.Contains(s.code, call) {
			t.Errorf("README.md:%d: the everyday tasks do not call %s", s.line, call)
		}
	}
}

// TestReadmeDocumentsConfig checks the configuration tables name every
// field of core.Config, core.CookieConfig and core.OwnerConfig, and that
// the README keeps the two commands a newcomer runs first.
func TestReadmeDocumentsConfig(t *testing.T) {
	readme, _ := readmeSnippets(t)
	for _, typ := range []reflect.Type{reflect.TypeFor[core.Config](), reflect.TypeFor[core.CookieConfig](), reflect.TypeFor[core.OwnerConfig]()} {
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() && !strings.Contains(readme, "| `"+f.Name+"` |") {
				t.Errorf("README.md has no configuration row for %s.%s", typ, f.Name)
			}
		}
	}
	const testAll = "go test -race work"
	for _, cmd := range []string{"go run ./examples/chi", testAll} {
		if !strings.Contains(readme, "\n"+cmd) {
			t.Errorf("README.md does not show the command %q", cmd)
		}
	}
	// CI runs the README's test command itself.
	ci, err := os.ReadFile(filepath.Join("..", "..", ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "\n"+testAll+"\n") {
		t.Errorf(".ci/run does not run the README's test command %q", testAll)
	}
}
