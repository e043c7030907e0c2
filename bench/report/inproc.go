package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// The in-process frameworks and scenarios, in the order of the tables.
var (
	frameworkNames = []string{"NetHTTP", "Chi", "Gin", "Echo"}
	ops            = []string{
		"untouched-nocookie", "untouched", "read", "write", "idle-read",
		"read-par-distinct", "read-par-hot", "write-par-distinct", "write-par-hot",
	}
)

// mainPeer is the peer each framework's targets compare sessionkit with.
var mainPeer = map[string]string{
	"NetHTTP": "scs", "Chi": "scs",
	"Gin": "gin-contrib-memstore", "Echo": "echo-contrib-memstore",
}

// overhead returns lib's median minus bare's median on fw for op, in
// unit.
func (res results) overhead(fw, lib, op, unit string) (float64, bool) {
	l, ok1 := res.median(inproc(fw, lib, op), unit)
	b, ok2 := res.median(inproc(fw, "bare", op), unit)
	return l - b, ok1 && ok2
}

// ratio returns sessionkit's overhead over peer's on fw for op, in ns.
func (res results) ratio(fw, peer, op string) (float64, bool) {
	sk, ok1 := res.overhead(fw, "sessionkit", op, "ns/op")
	p, ok2 := res.overhead(fw, peer, op, "ns/op")
	if !ok1 || !ok2 || p <= 0 {
		return 0, false
	}
	return sk / p, true
}

// dur formats nanoseconds for a table.
func dur(ns float64) string {
	abs := max(ns, -ns)
	switch {
	case abs >= 1e6:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	case abs >= 1e5:
		return fmt.Sprintf("%.0f µs", ns/1e3)
	case abs >= 1e4:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.2f µs", ns/1e3)
}

func signed(s string, v float64) string {
	if v >= 0 {
		return "+" + s
	}
	return s
}

// writeOverheads prints, per framework, each library's time and
// allocations above the bare framework, and sessionkit's ratio to each
// peer.
func writeOverheads(w io.Writer, res results) {
	for _, fw := range frameworkNames {
		libs := res.libs(fw)
		if len(libs) < 2 {
			continue
		}
		peers := libs[2:]
		fmt.Fprintf(w, "\n#### %s\n\n| op | bare | %s |", fw, strings.Join(libs[1:], " | "))
		for _, p := range peers {
			fmt.Fprintf(w, " sessionkit / %s |", p)
		}
		fmt.Fprintf(w, "\n|%s\n", strings.Repeat(" --- |", 2+len(libs)-1+len(peers)))
		for _, op := range ops {
			if _, ok := res.median(inproc(fw, "bare", op), "ns/op"); ok {
				writeOverheadRow(w, res, fw, op, libs, peers)
			}
		}
	}
}

func writeOverheadRow(w io.Writer, res results, fw, op string, libs, peers []string) {
	b, _ := res.median(inproc(fw, "bare", op), "ns/op")
	ba, _ := res.median(inproc(fw, "bare", op), "allocs/op")
	fmt.Fprintf(w, "| %s | %s, %.0f allocs |", op, dur(b), ba)
	for _, lib := range libs[1:] {
		t, ok := res.overhead(fw, lib, op, "ns/op")
		a, _ := res.overhead(fw, lib, op, "allocs/op")
		if !ok {
			fmt.Fprint(w, " – |")
			continue
		}
		fmt.Fprintf(w, " %s, %s allocs |", signed(dur(t), t), signed(fmt.Sprintf("%.0f", a), a))
	}
	for _, p := range peers {
		if r, ok := res.ratio(fw, p, op); ok {
			fmt.Fprintf(w, " %.2f |", r)
		} else {
			fmt.Fprint(w, " – |")
		}
	}
	fmt.Fprintln(w)
}

// countColumns are the libraries of the store-call and Set-Cookie table,
// each from the framework it was benchmarked on.
var countColumns = []struct{ fw, lib string }{
	{"NetHTTP", "sessionkit"}, {"NetHTTP", "scs"},
	{"Gin", "gin-contrib-memstore"}, {"Gin", "gin-contrib-cookie"},
	{"Echo", "echo-contrib-memstore"}, {"Echo", "echo-contrib-fs"}, {"Echo", "echo-contrib-cookie"},
}

// writeCounts prints store calls (sessionkit and scs, counted by a
// wrapping store) and Set-Cookie lines per request.
func writeCounts(w io.Writer, res results) {
	fmt.Fprint(w, "\n| op | sessionkit store calls (reads) | scs store calls (reads) |")
	for _, c := range countColumns {
		fmt.Fprintf(w, " Set-Cookie %s |", c.lib)
	}
	fmt.Fprintf(w, "\n|%s\n", strings.Repeat(" --- |", 3+len(countColumns)))
	for _, op := range ops {
		fmt.Fprintf(w, "| %s |", op)
		for _, lib := range []string{"sessionkit", "scs"} {
			name := inproc("NetHTTP", lib, op)
			total, ok := res.median(name, "storeops/op")
			reads, _ := res.median(name, "storereads/op")
			if ok {
				fmt.Fprintf(w, " %.2f (%.2f) |", total, reads)
			} else {
				fmt.Fprint(w, " – |")
			}
		}
		for _, c := range countColumns {
			if v, ok := res.median(inproc(c.fw, c.lib, op), "setcookie/op"); ok {
				fmt.Fprintf(w, " %.2f |", v)
			} else {
				fmt.Fprint(w, " – |")
			}
		}
		fmt.Fprintln(w)
	}
}

// writeFloor prints the floor by part and sessionkit's read overhead
// against it on each framework.
func writeFloor(w io.Writer, res results) {
	fmt.Fprint(w, "\n| part | time | allocs |\n| --- | --- | --- |\n")
	for _, p := range []string{"verify", "hash", "lookup", "decode", "all"} {
		t, ok := res.median("BenchmarkFloor/part="+p, "ns/op")
		a, _ := res.median("BenchmarkFloor/part="+p, "allocs/op")
		if ok {
			fmt.Fprintf(w, "| %s | %s | %.0f |\n", p, dur(t), a)
		}
	}
	floor, ok := res.median("BenchmarkFloor/part=all", "ns/op")
	if !ok {
		return
	}
	fmt.Fprint(w, "\n| framework | sessionkit read overhead | × floor |\n| --- | --- | --- |\n")
	for _, fw := range frameworkNames {
		if o, ok := res.overhead(fw, "sessionkit", "read", "ns/op"); ok {
			fmt.Fprintf(w, "| %s | %s | %.2f |\n", fw, dur(o), o/floor)
		}
	}
}

// writeSide prints the heap per stored session and the concurrent-key
// figures.
func writeSide(w io.Writer, res results) {
	fmt.Fprint(w, "\n| memory store | heap per session | vs scs | Set-Cookie per new session |\n| --- | --- | --- | --- |\n")
	scs, _ := res.median("BenchmarkHeapPerSession/lib=scs", "B/session")
	for _, lib := range []string{"sessionkit", "scs", "gin-contrib-memstore", "echo-contrib-memstore"} {
		name := "BenchmarkHeapPerSession/lib=" + lib
		b, ok := res.median(name, "B/session")
		c, _ := res.median(name, "setcookie/session")
		if ok && scs > 0 {
			fmt.Fprintf(w, "| %s | %.0f B | %.2f | %.2f |\n", lib, b, b/scs, c)
		}
	}
	fmt.Fprintf(w, "\n| framework / store | library | keys kept of 100 (mean) | fewest |\n| --- | --- | --- | --- |\n")
	for _, name := range res.sortedNames("BenchmarkConcurrentKeys/", "BenchmarkE2EConcurrentKeys/") {
		mean, _ := res.median(name, "keys")
		least, _ := res.median(name, "minkeys")
		where, lib := keysLabel(name)
		fmt.Fprintf(w, "| %s | %s | %.1f | %.0f |\n", where, lib, mean, least)
	}
}

// keysLabel splits a concurrent-keys benchmark name into where it ran
// (framework, or store over sockets) and the library.
func keysLabel(name string) (where, lib string) {
	for part := range strings.SplitSeq(name, "/") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "fw":
			where = v + " (in process)"
		case "store":
			where = v + " (loopback)"
		case "lib":
			lib = v
		}
	}
	return where, lib
}

// sortedNames returns the benchmark names with any of the prefixes, in
// prefix order, then name order.
func (res results) sortedNames(prefixes ...string) []string {
	var out []string
	for _, p := range prefixes {
		var group []string
		for name := range res {
			if strings.HasPrefix(name, p) {
				group = append(group, name)
			}
		}
		slices.Sort(group)
		out = append(out, group...)
	}
	return out
}
