// Command report turns the raw outputs of bench/run.sh into the Markdown
// tables of BENCHMARKS.md: medians of every sample, overheads above the
// same bare framework, ratios of those medians against each peer, the
// floor, the side figures, the end-to-end runs, and the requirement's
// targets marked met or not met.
//
//	go run ./bench/report -inproc inproc.txt -side side.txt -e2e e2e.txt -idle idle.txt
//
// Every flag is optional; a missing figure shows as "–" and its target as
// not measured.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	files := map[string]*string{
		"inproc": flag.String("inproc", "", "in-process benchmark output (many rounds)"),
		"side":   flag.String("side", "", "side-figure benchmark output (heap per session, concurrent keys)"),
		"e2e":    flag.String("e2e", "", "end-to-end driver output"),
	}
	idlePath := flag.String("idle", "", "go test -v output of TestIdleTouchesPerInterval")
	flag.Parse()
	if err := run(os.Stdout, files, *idlePath); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, files map[string]*string, idlePath string) error {
	res := results{}
	cfg := map[string]string{}
	for _, key := range []string{"inproc", "side", "e2e"} {
		if *files[key] == "" {
			continue
		}
		if err := parseFile(*files[key], func(r io.Reader) error {
			c, err := parse(r, res)
			for k, v := range c {
				cfg[k] = v
			}
			return err
		}); err != nil {
			return err
		}
	}
	var idle []idleFigure
	if idlePath != "" {
		if err := parseFile(idlePath, func(r io.Reader) (err error) {
			idle, err = parseIdle(r)
			return err
		}); err != nil {
			return err
		}
	}
	writeReport(w, res, cfg, idle)
	return nil
}

func parseFile(path string, fn func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := fn(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeReport(w io.Writer, res results, cfg map[string]string, idle []idleFigure) {
	n := res.samples(inproc("NetHTTP", "sessionkit", "read"), "ns/op")
	fmt.Fprintf(w, "Medians of %d interleaved samples per in-process benchmark; cpu: %s.\n", n, cfg["cpu"])
	fmt.Fprint(w, "\n### Targets\n")
	writeTargets(w, res, idle)
	fmt.Fprint(w, "\n### In process: overhead above the bare framework\n\nTime and allocations per request above the same framework with no session middleware (medians); the ratio columns divide sessionkit's overhead by the peer's.\n")
	writeOverheads(w, res)
	fmt.Fprint(w, "\n### Store calls and Set-Cookie per request\n")
	writeCounts(w, res)
	fmt.Fprint(w, "\n### Floor of a read\n")
	writeFloor(w, res)
	fmt.Fprint(w, "\n### Side figures\n")
	writeSide(w, res)
	fmt.Fprint(w, "\n### End to end over loopback\n")
	writeE2E(w, res)
}
