// Package goroutines checks that tests leave no goroutine behind: every
// server, store sweeper, cleanup job and manager a test starts must be
// stopped. It is the small part of go.uber.org/goleak the tests need,
// kept here so that no module of sessionkit requires a test-only
// dependency its users would inherit.
package goroutines

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Snapshot is the set of goroutines running at some moment, by ID.
type Snapshot map[uint64]bool

// Current returns the goroutines running now, to pass to Find or Verify.
func Current() Snapshot {
	s := Snapshot{}
	for _, g := range stacks() {
		s[g.id] = true
	}
	return s
}

// Find waits up to a few seconds for every goroutine not in before (and
// not the caller, nor one of the runtime's or the testing package's own) to
// exit. It returns nil once none is left, or an error listing the stacks
// of those still running.
func Find(before Snapshot) error { return find(before, 5*time.Second) }

func find(before Snapshot, grace time.Duration) error {
	delay := time.Microsecond
	deadline := time.Now().Add(grace)
	for {
		left := leftover(before)
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			fmt.Fprintf(&b, "found %d unexpected goroutines:\n", len(left))
			for _, g := range left {
				b.WriteString(g.stack)
				b.WriteString("\n\n")
			}
			return fmt.Errorf("%s", b.String())
		}
		time.Sleep(delay)
		delay = min(2*delay, 50*time.Millisecond)
	}
}

// Verify fails t if a goroutine not in before is still running after the
// grace period of Find.
func Verify(t testing.TB, before Snapshot) {
	t.Helper()
	if err := Find(before); err != nil {
		t.Error(err)
	}
}

// VerifyTestMain runs the tests and then fails the package if any
// goroutine they started is still running. Call it from TestMain.
func VerifyTestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := Find(nil); err != nil {
			fmt.Fprintf(os.Stderr, "goroutines: errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

type goroutine struct {
	id    uint64
	stack string
}

// leftover returns the goroutines not in before, other than the caller's
// and those the runtime and the testing package run for themselves.
func leftover(before Snapshot) []goroutine {
	all := stacks()
	var left []goroutine
	for i, g := range all {
		if i == 0 || before[g.id] || ignored(g.stack) {
			continue // all[0] is the calling goroutine
		}
		left = append(left, g)
	}
	return left
}

// ignoredFrames mark goroutines that belong to the runtime or the testing
// package, not to the code under test.
var ignoredFrames = []string{
	"testing.RunTests(",
	"testing.(*T).Run(",
	"testing.(*F).Fuzz(",
	"testing.runFuzzing(",
	"testing.(*M).",
	"os/signal.signal_recv(",
	"os/signal.loop(",
	"runtime.ensureSigM(",
	"runtime/trace.Start.",
}

func ignored(stack string) bool {
	for _, f := range ignoredFrames {
		if strings.Contains(stack, "\n"+f) {
			return true
		}
	}
	return false
}

// stacks returns every goroutine's stack, the caller's first.
func stacks() []goroutine {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var gs []goroutine
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		header, _, _ := bytes.Cut(block, []byte("\n"))
		// "goroutine 18 [chan receive]:"
		fields := strings.Fields(string(header))
		if len(fields) < 2 || fields[0] != "goroutine" {
			continue
		}
		id, err := strconv.ParseUint(fields[1], 10, 64)
		if err != nil {
			continue
		}
		gs = append(gs, goroutine{id: id, stack: string(block)})
	}
	return gs
}
