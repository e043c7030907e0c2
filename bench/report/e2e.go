package main

import (
	"fmt"
	"io"
)

// The end-to-end grid, in the order of the tables.
var (
	stores   = []string{"redis", "postgres"}
	e2eMixes = []string{"read90", "write90"}
	variants = []string{"distinct", "hot"}
)

// e2eRatio returns sessionkit's median over scs's for one run and unit.
func (res results) e2eRatio(store, mix, sessions, unit string) (sk, scs, ratio float64, ok bool) {
	sk, ok1 := res.median(e2eName(store, mix, sessions, "sessionkit"), unit)
	scs, ok2 := res.median(e2eName(store, mix, sessions, "scs"), unit)
	if !ok1 || !ok2 || scs == 0 {
		return sk, scs, 0, false
	}
	return sk, scs, sk / scs, true
}

// writeE2E prints, per store, throughput, latency and round trips, and
// for Redis the server's figures.
func writeE2E(w io.Writer, res results) {
	for _, store := range stores {
		if _, ok := res.median(e2eName(store, "read90", "distinct", "sessionkit"), "req/s"); !ok {
			continue
		}
		fmt.Fprintf(w, "\n#### %s\n\n", store)
		fmt.Fprint(w, "| mix | sessions | sessionkit req/s | scs req/s | ratio | p50 sessionkit / scs | p99 sessionkit / scs | round trips per request sessionkit / scs |\n")
		fmt.Fprint(w, "| --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, mix := range e2eMixes {
			for _, v := range variants {
				writeE2ERow(w, res, store, mix, v)
			}
		}
		if store == "redis" {
			writeRedisServer(w, res)
			writeRedisPerOp(w, res)
		}
	}
}

func writeE2ERow(w io.Writer, res results, store, mix, v string) {
	sk, scs, r, ok := res.e2eRatio(store, mix, v, "req/s")
	if !ok {
		return
	}
	p50sk, p50scs, _, _ := res.e2eRatio(store, mix, v, "p50-sec")
	p99sk, p99scs, _, _ := res.e2eRatio(store, mix, v, "p99-sec")
	rtsk, rtscs, _, _ := res.e2eRatio(store, mix, v, "roundtrips/req")
	fmt.Fprintf(w, "| %s | %s | %.0f | %.0f | %.2f | %s / %s | %s / %s | %.2f / %.2f |\n",
		mix, v, sk, scs, r, dur(p50sk*1e9), dur(p50scs*1e9), dur(p99sk*1e9), dur(p99scs*1e9), rtsk, rtscs)
}

func writeRedisServer(w io.Writer, res results) {
	fmt.Fprint(w, "\nRedis server, per request (commands include those a script runs):\n\n")
	fmt.Fprint(w, "| mix | sessions | commands sessionkit / scs | commandstats µs sessionkit / scs | ratio | server CPU µs sessionkit / scs | ratio |\n")
	fmt.Fprint(w, "| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, mix := range e2eMixes {
		for _, v := range variants {
			csk, cscs, _, ok := res.e2eRatio("redis", mix, v, "rediscmds/req")
			if !ok {
				continue
			}
			usk, uscs, ur, _ := res.e2eRatio("redis", mix, v, "redisusec/req")
			psk, pscs, pr, _ := res.e2eRatio("redis", mix, v, "rediscpu-usec/req")
			fmt.Fprintf(w, "| %s | %s | %.2f / %.2f | %.1f / %.1f | %.2f | %.1f / %.1f | %.2f |\n",
				mix, v, csk, cscs, usk, uscs, ur, psk, pscs, pr)
		}
	}
}

// perOp solves one library's per-read and per-write figure in unit from
// the two distinct-session mixes: with A the read90 figure and B the
// write90 one, A = 0.9r + 0.1w and B = 0.1r + 0.9w, so
// r = (9A − B) / 8 and w = (9B − A) / 8.
func (res results) perOp(store, lib, unit string) (read, write float64, ok bool) {
	a, ok1 := res.median(e2eName(store, "read90", "distinct", lib), unit)
	b, ok2 := res.median(e2eName(store, "write90", "distinct", lib), unit)
	return (9*a - b) / 8, (9*b - a) / 8, ok1 && ok2
}

func writeRedisPerOp(w io.Writer, res results) {
	fmt.Fprint(w, "\nPer read and per write (solved from the two distinct-session mixes):\n\n")
	fmt.Fprint(w, "| op | library | round trips | Redis commands | commandstats µs | server CPU µs |\n| --- | --- | --- | --- | --- | --- |\n")
	for i, op := range []string{"read", "write"} {
		for _, lib := range []string{"sessionkit", "scs"} {
			var v [4]float64
			for j, unit := range []string{"roundtrips/req", "rediscmds/req", "redisusec/req", "rediscpu-usec/req"} {
				r, wr, ok := res.perOp("redis", lib, unit)
				if !ok {
					return
				}
				v[j] = [2]float64{r, wr}[i]
			}
			fmt.Fprintf(w, "| %s | %s | %.2f | %.2f | %.1f | %.1f |\n", op, lib, v[0], v[1], v[2], v[3])
		}
	}
}
