#!/usr/bin/env bash
# Regenerates every figure of BENCHMARKS.md into a fresh directory, which
# it prints at the start and at the end:
#
#   bench/run.sh                 # the full run, about 8 to 10 minutes
#   bench/run.sh --smoke         # every benchmark once and one short
#                                # end-to-end round: checks the paths work,
#                                # asserts nothing about speed (< 1 minute)
#
# Options (full run): --rounds N (in-process samples, default 10),
# --benchtime D (per sample, default 150ms), --e2e-rounds N (default 3),
# --e2e-duration D (per run, default 2s), --out DIR.
#
# The test binary is built once; the in-process samples are interleaved
# (the whole suite once per round, -test.count 1), so a burst of load on
# the machine hits every library alike. benchstat summarises them. The
# end-to-end driver needs redis-server on PATH (it starts its own) and
# PostgreSQL at DATABASE_URL.
set -euo pipefail

benchstat_version=v0.0.0-20260908200009-22c9c6c9d4da
smoke=
rounds=10
benchtime=150ms
e2e_rounds=3
e2e_duration=2s
out=
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) smoke=1 ;;
	--rounds) rounds=$2; shift ;;
	--benchtime) benchtime=$2; shift ;;
	--e2e-rounds) e2e_rounds=$2; shift ;;
	--e2e-duration) e2e_duration=$2; shift ;;
	--out) out=$2; shift ;;
	*) echo "usage: $0 [--smoke] [--rounds N] [--benchtime D] [--e2e-rounds N] [--e2e-duration D] [--out DIR]" >&2; exit 2 ;;
	esac
	shift
done

cd "$(dirname "$0")"
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/sessionkit-bench.XXXXXX")
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { printf '==> %s\n' "$*" >&2; }
log "writing to $out"

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "nproc: $(nproc)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "go: $(go version)"
	echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "uncommitted changes: $(git status --porcelain 2>/dev/null | wc -l) paths"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"

log "building the test binary, the end-to-end driver and the report"
go test -c -o "$out/bench.test" .
go build -o "$out/e2e" ./e2e
go build -o "$out/report" ./report

bench() { "$out/bench.test" -test.run '^$' "$@"; }
inproc='^Benchmark(NetHTTP|Chi|Gin|Echo|Floor)$'
side_heap='^BenchmarkHeapPerSession$'
side_keys='^BenchmarkConcurrentKeys$'

if [ -n "$smoke" ]; then
	log "smoke: every benchmark once"
	bench -test.bench "$inproc" -test.benchtime 1x >"$out/inproc.txt"
	bench -test.bench "$side_heap" -test.benchtime 1x -sessions 1000 >"$out/side.txt"
	bench -test.bench "$side_keys" -test.benchtime 1x >>"$out/side.txt"
	"$out/bench.test" -test.run '^TestIdleTouchesPerInterval$' -test.v >"$out/idle.txt"
	log "smoke: one short end-to-end round"
	"$out/e2e" -rounds 1 -requests 300 -keys 1 >"$out/e2e.txt" 2>"$out/e2e.log"
	"$out/report" -inproc "$out/inproc.txt" -side "$out/side.txt" -e2e "$out/e2e.txt" -idle "$out/idle.txt" >"$out/summary.md"
	log "smoke passed; outputs in $out"
	exit 0
fi

log "in process: $rounds interleaved rounds of -test.benchtime $benchtime"
: >"$out/inproc.txt"
for i in $(seq "$rounds"); do
	log "round $i/$rounds"
	bench -test.bench "$inproc" -test.benchtime "$benchtime" -test.count 1 >>"$out/inproc.txt"
done

log "side figures: heap per session (100,000 sessions), concurrent keys"
bench -test.bench "$side_heap" -test.benchtime 1x >"$out/side.txt"
bench -test.bench "$side_keys" -test.benchtime 20x >>"$out/side.txt"
"$out/bench.test" -test.run '^TestIdleTouchesPerInterval$' -test.v >"$out/idle.txt"

log "CPU profiles of sessionkit's read and write (net/http)"
for op in read write; do
	bench -test.bench "^BenchmarkNetHTTP\$/^lib=sessionkit\$/^op=$op\$" -test.benchtime 3s \
		-test.cpuprofile "$out/$op.cpu.pprof" >"$out/$op.profile-run.txt"
	go tool pprof -top -nodecount 30 "$out/bench.test" "$out/$op.cpu.pprof" >"$out/$op.top.txt" 2>/dev/null
	go tool pprof -top -cum -nodecount 90 "$out/bench.test" "$out/$op.cpu.pprof" >"$out/$op.cum.txt" 2>/dev/null
	go tool pprof -top -cum -focus 'sessionkit/core' -nodecount 60 "$out/bench.test" "$out/$op.cpu.pprof" >"$out/$op.core.txt" 2>/dev/null
done

log "end to end: $e2e_rounds rounds of $e2e_duration per run"
"$out/e2e" -rounds "$e2e_rounds" -duration "$e2e_duration" -keys 5 >"$out/e2e.txt" 2>"$out/e2e.log"

log "summarising"
benchstat() { go run "golang.org/x/perf/cmd/benchstat@$benchstat_version" "$@"; }
for fw in NetHTTP Chi Gin Echo; do
	benchstat -filter ".name:$fw" -col /lib "$out/inproc.txt" >"$out/benchstat.$fw.txt"
done
benchstat -filter ".name:Floor" "$out/inproc.txt" >"$out/benchstat.Floor.txt"
benchstat -col /lib "$out/e2e.txt" >"$out/benchstat.e2e.txt"
"$out/report" -inproc "$out/inproc.txt" -side "$out/side.txt" -e2e "$out/e2e.txt" -idle "$out/idle.txt" >"$out/summary.md"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
log "done; outputs in $out (summary.md holds the tables of BENCHMARKS.md)"
