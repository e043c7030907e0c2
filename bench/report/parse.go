package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// results holds parsed benchmark lines: name (without the GOMAXPROCS
// suffix) → unit → one value per line, in input order.
type results map[string]map[string][]float64

// procsSuffix is the "-2" go test appends to a benchmark name.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// parse adds the benchmark lines of r to res and returns the
// configuration lines ("cpu: AMD EPYC") it saw. Other lines are ignored.
func parse(r io.Reader, res results) (map[string]string, error) {
	cfg := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "Benchmark") {
			if k, v, ok := strings.Cut(line, ": "); ok && !strings.ContainsAny(k, " \t") {
				cfg[k] = strings.TrimSpace(v)
			}
			continue
		}
		if err := parseLine(line, res); err != nil {
			return nil, err
		}
	}
	return cfg, sc.Err()
}

// parseLine reads "BenchmarkX-2  N  v1 unit1  v2 unit2 ...".
func parseLine(line string, res results) error {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return nil // a benchmark that printed output or failed
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return nil
	}
	name := procsSuffix.ReplaceAllString(f[0], "")
	if res[name] == nil {
		res[name] = map[string][]float64{}
	}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return fmt.Errorf("%s: value %q: %w", name, f[i], err)
		}
		res[name][f[i+1]] = append(res[name][f[i+1]], v)
	}
	return nil
}

// median returns the median of name's values in unit.
func (res results) median(name, unit string) (float64, bool) {
	vs := res[name][unit]
	if len(vs) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(vs))
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

// samples returns how many values name has in unit.
func (res results) samples(name, unit string) int { return len(res[name][unit]) }

// inproc names an in-process benchmark.
func inproc(fw, lib, op string) string {
	return "Benchmark" + fw + "/lib=" + lib + "/op=" + op
}

// e2eName names an end-to-end run.
func e2eName(store, mix, sessions, lib string) string {
	return "BenchmarkE2E/store=" + store + "/mix=" + mix + "/sessions=" + sessions + "/lib=" + lib
}

// libs returns the lib= values of fw's in-process benchmarks: bare and
// sessionkit first, then the others in name order.
func (res results) libs(fw string) []string {
	seen := map[string]bool{}
	prefix := "Benchmark" + fw + "/lib="
	for name := range res {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			lib, _, _ := strings.Cut(rest, "/")
			seen[lib] = true
		}
	}
	var out []string
	for _, first := range []string{"bare", "sessionkit"} {
		if seen[first] {
			out = append(out, first)
			delete(seen, first)
		}
	}
	return append(out, slices.Sorted(maps.Keys(seen))...)
}

// idleLine matches the lines TestIdleTouchesPerInterval logs:
// "lib=scs: 600 store writes for 600 reads over 10 minutes ...".
var idleLine = regexp.MustCompile(`lib=(\S+): (\d+) store writes for (\d+) reads over (\d+) minutes`)

// idleFigure is one library's idle-expiry writes over virtual time.
type idleFigure struct {
	lib                    string
	writes, reads, minutes int
}

func parseIdle(r io.Reader) ([]idleFigure, error) {
	var out []idleFigure
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := idleLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		f := idleFigure{lib: m[1]}
		f.writes, _ = strconv.Atoi(m[2])
		f.reads, _ = strconv.Atoi(m[3])
		f.minutes, _ = strconv.Atoi(m[4])
		out = append(out, f)
	}
	return out, sc.Err()
}
