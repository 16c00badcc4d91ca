#!/bin/bash
# bench/suite.sh BUILD OUT [ROUNDS] — a test suite's cost under cprof-tui and
# under perf record -g: a shell runner, each iteration two 40-ms tests in
# parallel, one of 20 ms after them, and two processes of 2 ms (about 75
# processes a second). Each round runs it bare, under `perf record -F 999 -g`
# and under `cprof-tui --headless` (default 999 Hz, children followed), in
# that order; the medians over ROUNDS (default 5) are printed as key=value:
#   procs, procs_per_s         processes per run, and per second of the bare run
#   bare_s, perf_s, cprof_s    wall time of the whole suite
#   wall_vs_perf               cprof_s / perf_s - 1 (target: <= 0.15)
#   suite_cpu_ms               the suite's CPU time, bare (its processes, all)
#   cprof_cpu_ms, cpu_share    cprof-tui's own CPU time, and over the suite's (target: <= 0.25)
#   samples_cprof, samples_perf, tests_sampled (20-ms tests with samples, of all)
set -u
BUILD=$1 OUT=$2 ROUNDS=${3:-5}
TC=$BUILD/tests/workloads/tcase SHORT=$BUILD/tests/workloads/short
[ -x "$TC" ] && [ -x "$SHORT" ] || { echo "why=build tests/workloads/tcase and short first"; exit 0; }
mkdir -p "$OUT"
SUITE=$OUT/suite.sh
cat >"$SUITE" <<END
i=0
while [ \$i -lt 60 ]; do
	"$TC" parse 0.04 & "$TC" sort 0.04 & wait
	"$TC" hash 0.02
	"$SHORT"; "$SHORT"
	i=\$((i + 1))
done
END
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
# timed FILE CMD...: wall seconds, and user+sys of CMD and its children, into FILE
timed() { local f=$1; shift; /usr/bin/time -f '%e %U %S' -o "$f" "$@" >/dev/null 2>>"$OUT/suite.err"; }
for r in $(seq "$ROUNDS"); do
	timed "$OUT/bare.$r" sh "$SUITE"
	timed "$OUT/perf.$r" perf record -q -F 999 -g -o "$OUT/suite.$r.data" sh "$SUITE"
	timed "$OUT/cprof.$r" "$BUILD/cprof-tui" --headless -o "$OUT/suite.$r.db" sh "$SUITE"
	cp "$OUT/suite.err" "$OUT/cprof-summary.$r" 2>/dev/null
	: >"$OUT/suite.err"
done
col() { for r in $(seq "$ROUNDS"); do awk -v c="$2" '{print $c}' "$OUT/$1.$r"; done | median; }
bare=$(col bare 1) perf=$(col perf 1) cprof=$(col cprof 1)
cpu=$(for r in $(seq "$ROUNDS"); do awk '{print ($2 + $3) * 1000}' "$OUT/bare.$r"; done | median)
# (the summary's cost line: "...; CPU 270 ms", and more may follow)
ccpu=$(for r in $(seq "$ROUNDS"); do sed -n 's/.*; CPU \([0-9][0-9]*\) ms.*/\1/p' "$OUT/cprof-summary.$r"; done)
ccpu=$([ -n "$ccpu" ] && echo "$ccpu" | median || echo nan) # (not in the summary: no figure, not 0)
db=$OUT/suite.1.db
procs=$(sqlite3 "$db" "SELECT count(*) FROM processes")
echo "procs=$procs"
awk -v p="$procs" -v s="$bare" 'BEGIN {printf "procs_per_s=%.0f\n", p / s}'
echo "bare_s=$bare"
echo "perf_s=$perf"
echo "cprof_s=$cprof"
awk -v c="$cprof" -v p="$perf" 'BEGIN {printf "wall_vs_perf=%.3f\n", c / p - 1}'
echo "suite_cpu_ms=$cpu"
echo "cprof_cpu_ms=$ccpu"
awk -v c="$ccpu" -v s="$cpu" 'BEGIN {if (c == "nan") print "cpu_share=nan"; else printf "cpu_share=%.3f\n", c / s}'
echo "samples_cprof=$(sqlite3 "$db" "SELECT value FROM meta WHERE key = 'samples'")"
echo "samples_perf=$(perf script -i "$OUT/suite.1.data" -F tid 2>/dev/null | wc -l)"
echo "tests_sampled=$(sqlite3 "$db" "SELECT sum(samples > 0) || '/' || count(*) FROM processes WHERE command LIKE '%tcase hash%'")"
