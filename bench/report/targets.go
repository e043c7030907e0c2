package main

import (
	"fmt"
	"io"
	"strings"
)

// A target is one line of the requirement, with what this run measured.
type target struct {
	scenario, goal string
	measured       []string
	met, known     bool
}

// check records one measured figure, formatted with format, against its
// bound; pass says whether it is within.
func (t *target) check(label string, v float64, ok bool, format string, pass bool) {
	t.checkText(label, fmt.Sprintf(format, v), ok, pass)
}

// checkText records one measured figure already formatted.
func (t *target) checkText(label, text string, ok, pass bool) {
	if !ok {
		t.measured = append(t.measured, label+" –")
		t.met = false
		return
	}
	t.known = true
	t.measured = append(t.measured, label+" "+text)
	t.met = t.met && pass
}

func newTarget(scenario, goal string) *target {
	return &target{scenario: scenario, goal: goal, met: true}
}

func (t *target) status() string {
	switch {
	case !t.known:
		return "not measured"
	case t.met:
		return "met"
	}
	return "**not met**"
}

// writeTargets prints the requirement's targets with this run's figures.
func writeTargets(w io.Writer, res results, idle []idleFigure) {
	ts := []*target{
		readTarget(res), readFloorTarget(res), readAllocsTarget(res),
		untouchedTarget(res), untouchedCostTarget(res),
		writeTarget(res), writeCostTarget(res),
		idleTarget(idle), memoryTarget(res),
		redisOpTarget(res, "read", 1.5), redisOpTarget(res, "write", 2),
		e2eTarget(res, "redis", "Redis end to end, 32 clients"),
		e2eTarget(res, "postgres", "PostgreSQL end to end, 32 clients"),
		cookieTarget(res),
	}
	fmt.Fprint(w, "\n| scenario | target | measured | status |\n| --- | --- | --- | --- |\n")
	for _, t := range ts {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", t.scenario, t.goal, strings.Join(t.measured, "; "), t.status())
	}
}

func readTarget(res results) *target {
	t := newTarget("read one key", "≤ 0.08× the peer's overhead (scs; gin-contrib, echo-contrib memstore)")
	for _, fw := range frameworkNames {
		r, ok := res.ratio(fw, mainPeer[fw], "read")
		t.check(fw, r, ok, "%.2f", r <= 0.08)
	}
	return t
}

func readFloorTarget(res results) *target {
	t := newTarget("read one key", "≤ 2× the floor (verify + hash + lookup + decode)")
	floor, fok := res.median("BenchmarkFloor/part=all", "ns/op")
	for _, fw := range frameworkNames {
		o, ok := res.overhead(fw, "sessionkit", "read", "ns/op")
		t.check(fw, o/floor, ok && fok, "%.2f×", o <= 2*floor)
	}
	return t
}

func readAllocsTarget(res results) *target {
	t := newTarget("read one key", "≤ 8 allocs above the bare framework")
	for _, fw := range frameworkNames {
		a, ok := res.overhead(fw, "sessionkit", "read", "allocs/op")
		t.check(fw, a, ok, "+%.0f", a <= 8)
	}
	return t
}

func untouchedTarget(res results) *target {
	t := newTarget("untouched, valid cookie, no idle timeout", "≤ gin-contrib's own overhead (gin-contrib memstore on gin)")
	ref, rok := res.overhead("Gin", "gin-contrib-memstore", "untouched", "ns/op")
	t.checkText("gin-contrib", dur(ref), rok, true)
	for _, fw := range frameworkNames {
		o, ok := res.overhead(fw, "sessionkit", "untouched", "ns/op")
		t.checkText(fw, dur(o), ok && rok, o <= ref)
	}
	return t
}

func untouchedCostTarget(res results) *target {
	t := newTarget("untouched, valid cookie, no idle timeout", "≤ 2 allocs above bare; 0 store ops")
	for _, fw := range frameworkNames {
		a, ok := res.overhead(fw, "sessionkit", "untouched", "allocs/op")
		t.check(fw+" allocs", a, ok, "+%.0f", a <= 2)
	}
	ops, ok := res.median(inproc("NetHTTP", "sessionkit", "untouched"), "storeops/op")
	t.check("store ops", ops, ok, "%.2f", ops == 0)
	return t
}

func writeTarget(res results) *target {
	t := newTarget("write one key, handler only sets", "≤ 0.12× scs's overhead")
	for _, fw := range []string{"NetHTTP", "Chi"} {
		r, ok := res.ratio(fw, "scs", "write")
		t.check(fw, r, ok, "%.2f", r <= 0.12)
	}
	return t
}

func writeCostTarget(res results) *target {
	t := newTarget("write one key, handler only sets", "≤ 15 allocs above bare; 1 store op (a blind patch, no load)")
	for _, fw := range frameworkNames {
		a, ok := res.overhead(fw, "sessionkit", "write", "allocs/op")
		t.check(fw+" allocs", a, ok, "+%.0f", a <= 15)
	}
	name := inproc("NetHTTP", "sessionkit", "write")
	ops, ok := res.median(name, "storeops/op")
	reads, _ := res.median(name, "storereads/op")
	t.check("store ops", ops, ok, "%.2f", ops == 1 && reads == 0)
	t.check("of which loads", reads, ok, "%.2f", reads == 0)
	return t
}

func idleTarget(idle []idleFigure) *target {
	t := newTarget("idle-timeout read", "≤ 1 touch per TouchInterval (1 min) per session")
	for _, f := range idle {
		label := fmt.Sprintf("%s, %d reads in %d min:", f.lib, f.reads, f.minutes)
		pass := f.lib != "sessionkit" || f.writes <= f.minutes+1
		t.check(label, float64(f.writes), true, "%.0f writes", pass)
	}
	return t
}

func memoryTarget(res results) *target {
	t := newTarget("memory store", "≤ 300 heap bytes per session holding one small value, and ≤ 0.8× scs")
	sk, ok1 := res.median("BenchmarkHeapPerSession/lib=sessionkit", "B/session")
	scs, ok2 := res.median("BenchmarkHeapPerSession/lib=scs", "B/session")
	t.check("sessionkit", sk, ok1, "%.0f B", sk <= 300)
	t.check("vs scs", sk/scs, ok1 && ok2, "%.2f×", sk <= 0.8*scs)
	return t
}

func redisOpTarget(res results, op string, bound float64) *target {
	t := newTarget("Redis, "+op, fmt.Sprintf("1 round trip; ≤ %g× scs's Redis server µs per request (commandstats usec summed)", bound))
	pick := func(r, w float64) float64 { return map[string]float64{"read": r, "write": w}[op] }
	r, w, ok := res.perOp("redis", "sessionkit", "roundtrips/req")
	rt := pick(r, w)
	t.check("round trips", rt, ok, "%.2f", rt <= 1.05)
	r, w, ok1 := res.perOp("redis", "sessionkit", "redisusec/req")
	sr, sw, ok2 := res.perOp("redis", "scs", "redisusec/req")
	sk, scs := pick(r, w), pick(sr, sw)
	t.check("µs", sk/scs, ok1 && ok2 && scs > 0, fmt.Sprintf("%.1f vs %.1f: %%.1f×", sk, scs), sk <= bound*scs)
	return t
}

func e2eTarget(res results, store, scenario string) *target {
	t := newTarget(scenario, "≥ 1.5× scs's req/s in every mix, hot session included, and p99 no worse")
	for _, mix := range e2eMixes {
		for _, v := range variants {
			_, _, r, ok := res.e2eRatio(store, mix, v, "req/s")
			p99sk, p99scs, _, pok := res.e2eRatio(store, mix, v, "p99-sec")
			label := mix + "/" + v
			t.check(label, r, ok && pok, fmt.Sprintf("%%.2f× (p99 %s vs %s)", dur(p99sk*1e9), dur(p99scs*1e9)), r >= 1.5 && p99sk <= p99scs)
		}
	}
	return t
}

func cookieTarget(res results) *target {
	t := newTarget("any scenario", "exactly one Set-Cookie when the cookie must change, none otherwise")
	most := 0.0
	found := false
	for _, fw := range frameworkNames {
		for _, op := range ops {
			if v, ok := res.median(inproc(fw, "sessionkit", op), "setcookie/op"); ok {
				most, found = max(most, v), true
			}
		}
	}
	t.check("in process, existing sessions (most per response)", most, found, "%.2f", most == 0)
	for _, store := range stores {
		for _, mix := range e2eMixes {
			for _, v := range variants {
				c, ok := res.median(e2eName(store, mix, v, "sessionkit"), "setcookie/req")
				if ok && c != 0 {
					t.check(store+" "+mix+"/"+v, c, ok, "%.2f", false)
				}
			}
		}
	}
	c, ok := res.median("BenchmarkHeapPerSession/lib=sessionkit", "setcookie/session")
	t.check("new session", c, ok, "%.2f", c == 1)
	return t
}
