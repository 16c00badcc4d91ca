#!/bin/bash
# bench/alloc.sh BUILD OUT [ROUNDS] — cprof-tui --memory against heaptrack,
# on the allocs workload (tests/workloads/allocs.cc), called by bench/run.sh.
# bench/alloc.sh --table FILE — its section of bench/RESULTS.md, from what
# it printed into FILE.
#
# Cost: `allocs churn N` (small blocks allocated and freed, over a million
# a second) times its own fixed work, without the tools' start-up or
# post-processing. Each round runs it bare, under heaptrack, under
# `cprof-tui --memory --headless` (CPU samples at its default rate as well)
# and bare again; a run's slowdown is its time over the mean of its round's
# two bare runs, minus 1; the medians over ROUNDS (default 3) are printed.
# Accuracy: one run of `allocs lines 256` and of `allocs leak 256` under
# each tool: the shares of the bytes allocated per line, and the leak's live
# bytes, against heaptrack's (which records every allocation).
# Prints key=value:
#   churn_n, allocs_per_s        allocations per run, and per second bare
#   bare_s, heaptrack_s, cprof_s the work's time (medians)
#   heaptrack_slow, cprof_slow   slowdowns (0.5 = 50% slower)
#   cost_ratio                   cprof_slow / heaptrack_slow (target: <= 0.25)
#   cprof_samples                allocation samples in the first cprof run
#   share_worst                  the largest difference of a line's share of
#                                the bytes allocated, in points (target: <= 3)
#   leak_heaptrack, leak_cprof   the leak's bytes, and live bytes measured
#   leak_error                   |leak_cprof / leak_heaptrack - 1| (target: <= 0.1)
# or why=REASON when it cannot run.
set -u

# table FILE: the section of bench/RESULTS.md
table() {
	local f=$1
	kv() { sed -n "s/^$1=//p" "$f" | grep . || echo nan; }
	pct() { awk -v v="$(kv "$1")" 'BEGIN {if (v == "nan") print "-"; else printf "%+.1f%%", v * 100}'; }
	verdict() { awk -v v="$(kv "$1")" -v lim="$2" 'BEGIN {print (v == "nan" ? "-" : v <= lim ? "ok" : "**MISSED**")}'; }
	echo "## 7. Allocations: cprof-tui --memory against heaptrack"
	echo
	if grep -q '^why=' "$f"; then
		echo "Not measured ($(kv why))."
		return
	fi
	echo "\`bench/alloc.sh\` (see its header): \`allocs churn\`, $(kv churn_n) small blocks allocated and freed,"
	echo "$(kv allocs_per_s) a second bare. The work's own time (median of rounds) bare, under heaptrack, and"
	echo "under \`cprof-tui --memory --headless\` (a sample per 256 KiB allocated on average, CPU samples at"
	echo "999 Hz too); then the bytes per line of \`allocs lines 256\` and the leak of \`allocs leak 256\`"
	echo "(80 MB in 4-KiB blocks) against heaptrack's, which records every allocation."
	echo
	echo "| measure | value | target | |"
	echo "|---|---|---|---|"
	echo "| work bare / heaptrack / cprof-tui --memory (s) | $(kv bare_s) / $(kv heaptrack_s) / $(kv cprof_s) | | |"
	echo "| slowdown heaptrack / cprof-tui | $(pct heaptrack_slow) / $(pct cprof_slow) | | |"
	echo "| cprof-tui's slowdown over heaptrack's | $(kv cost_ratio) | <= 0.25 | $(verdict cost_ratio 0.25) |"
	echo "| allocation samples (one churn run) | $(kv cprof_samples) | | |"
	echo "| largest difference of a line's share of the bytes (points) | $(kv share_worst) | <= 3 | $(verdict share_worst 3) |"
	echo "| the leak: heaptrack / cprof-tui live (bytes) | $(kv leak_heaptrack) / $(kv leak_cprof) | | |"
	echo "| the leak: cprof-tui's error | $(awk -v v="$(kv leak_error)" 'BEGIN {printf "%.1f%%", v * 100}') | <= 10% | $(verdict leak_error 0.1) |"
}
if [ "${1:-}" = --table ]; then
	table "$2"
	exit
fi

BUILD=$1 OUT=$2 ROUNDS=${3:-3}
SRC=$(cd "$(dirname "$0")/.." && pwd)
ALLOCS=$BUILD/tests/workloads/allocs CPROF=$BUILD/cprof-tui
[ -x "$ALLOCS" ] || { echo "why=build tests/workloads/allocs first"; exit 0; }
command -v heaptrack >/dev/null || { echo "why=heaptrack not installed (apt-get install heaptrack)"; exit 0; }
command -v zstd >/dev/null || { echo "why=zstd not installed (apt-get install zstd)"; exit 0; }
mkdir -p "$OUT"
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
elapsed() { sed -n 's/^elapsed //p' "$1"; }

# tool TOOL TAG ARGS...: allocs ARGS under TOOL (bare, heaptrack, cprof);
# its output in OUT/TAG.out, heaptrack's recording in OUT/TAG.ht.zst,
# cprof-tui's session in OUT/TAG.db
tool() {
	local t=$1 tag=$2
	shift 2
	case $t in
	bare) "$ALLOCS" "$@" ;;
	heaptrack) heaptrack -o "$OUT/$tag.ht" "$ALLOCS" "$@" ;;
	cprof) "$CPROF" --memory --headless -o "$OUT/$tag.db" "$ALLOCS" "$@" 2>"$OUT/$tag.err" ;;
	esac >"$OUT/$tag.out" 2>>"$OUT/alloc.err" </dev/null
}

# churn: about half a second of work bare
N=1000000
while :; do
	tool bare calib churn $N
	awk -v t="$(elapsed "$OUT/calib.out")" 'BEGIN {exit !(t > 0.1)}' && break
	N=$((N * 4))
done
N=$(awk -v n=$N -v t="$(elapsed "$OUT/calib.out")" 'BEGIN {printf "%d", n * 0.5 / t}')
for r in $(seq "$ROUNDS"); do
	tool bare "bare1.$r" churn $N
	tool heaptrack "heaptrack.$r" churn $N
	rm -f "$OUT/heaptrack.$r.ht.zst"
	tool cprof "cprof.$r" churn $N
	[ "$r" = 1 ] || rm -f "$OUT/cprof.$r.db"
	tool bare "bare2.$r" churn $N
done
# col KIND: the medians of KIND's times; slow KIND: of its slowdowns
col() { for r in $(seq "$ROUNDS"); do elapsed "$OUT/$1.$r.out"; done | median; }
slow() {
	for r in $(seq "$ROUNDS"); do
		awk -v t="$(elapsed "$OUT/$1.$r.out")" -v a="$(elapsed "$OUT/bare1.$r.out")" \
			-v b="$(elapsed "$OUT/bare2.$r.out")" 'BEGIN {print t / ((a + b) / 2) - 1}'
	done | median
}
bare=$(for r in $(seq "$ROUNDS"); do elapsed "$OUT/bare1.$r.out"; elapsed "$OUT/bare2.$r.out"; done | median)
hslow=$(slow heaptrack) cslow=$(slow cprof)
echo "churn_n=$N"
awk -v n=$N -v t="$bare" 'BEGIN {printf "allocs_per_s=%.0f\n", n / t}'
echo "bare_s=$bare"
echo "heaptrack_s=$(col heaptrack)"
echo "cprof_s=$(col cprof)"
echo "heaptrack_slow=$hslow"
echo "cprof_slow=$cslow"
awk -v c="$cslow" -v h="$hslow" 'BEGIN {printf "cost_ratio=%.3f\n", (h > 0 ? c / h : 99)}'
echo "cprof_samples=$(sqlite3 "$OUT/cprof.1.db" "SELECT count(*) FROM allocs" 2>/dev/null)"

# per_line_ht TAG: "line<TAB>allocated<TAB>leaked" of allocs.cc, heaptrack's;
# per_line_cprof TAG METRIC: "line<TAB>bytes", cprof-tui's
per_line_ht() {
	python3 "$SRC/tests/lib/heaptrack.py" "$OUT/$1.ht.zst" allocs.cc | cut -f2-
}
per_line_cprof() {
	"$CPROF" --report "$OUT/$1.db" --by line --metric "$2" --format tsv --limit 100000 2>>"$OUT/alloc.err" |
		awk -F'\t' 'NR > 1 && $5 ~ /allocs\.cc$/ { print $6 "\t" $1 }'
}
tool heaptrack ht-lines lines 256
tool cprof cprof-lines lines 256
per_line_ht ht-lines >"$OUT/lines.ht"
per_line_cprof cprof-lines alloc >"$OUT/lines.cprof"
awk -F'\t' 'FNR == NR { r[$1] = $2; rt += $2; next } ($1 in r) { m[$1] += $2; mt += $2 }
	END { w = 0
		for (k in r) { d = 100 * (r[k] / rt - (mt ? m[k] / mt : 0)); if (d < 0) d = -d; if (d > w) w = d }
		printf "share_worst=%.2f\n", w }' "$OUT/lines.ht" "$OUT/lines.cprof"
tool heaptrack ht-leak leak 256
tool cprof cprof-leak leak 256
read -r line leaked < <(per_line_ht ht-leak | awk -F'\t' '$3 > 1000000 { print $1, $3 }')
live=$(per_line_cprof cprof-leak live | awk -F'\t' -v l="$line" '$1 == l { print $2 }')
echo "leak_heaptrack=$leaked"
echo "leak_cprof=${live:-0}"
awk -v a="${live:-0}" -v b="$leaked" 'BEGIN {e = a / b - 1; printf "leak_error=%.3f\n", (e < 0 ? -e : e)}'
rm -f "$OUT"/*.ht.zst
