#!/bin/bash
# Target slowdown at the default rate next to `perf record -F 999 -g`, on a
# fixed amount of work (split2 -n 30000, ~2 s). Fails only when cprof-tui
# slows the target by more than 50% (stock libunwind-ptrace costs 84% to 10x).
. "$(dirname "$0")/lib/common.sh"

# timed VAR CMD...: set VAR to the wall seconds CMD took
timed() {
	local var=$1 s e
	shift
	s=$(date +%s%N)
	"$@" >/dev/null 2>>"$T/timing.err" || fail "$* failed: $(tail -n 1 "$T/timing.err")"
	e=$(date +%s%N)
	printf -v "$var" '%s' "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", (e - s) / 1e9 }')"
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print a < b ? a : b }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f%%", 100 * (a / b - 1) }'; }

N=30000
timed p1 "$WL/split2" -n $N
timed p2 "$WL/split2" -n $N
plain=$(min "$p1" "$p2")
timed c1 "$CPROF" --headless -o "$T/s.db" "$WL/split2" -n $N
timed c2 "$CPROF" --headless -o "$T/s.db" "$WL/split2" -n $N
cp=$(min "$c1" "$c2")
n=$(meta "$T/s.db" samples)
hz=$(meta "$T/s.db" frequency_hz)
if perf_ok; then
	timed pf perf record -q -F 999 -g -o "$T/perf.data" "$WL/split2" -n $N
	pv="perf record -F 999 -g ${pf}s ($(pct "$pf" "$plain"))"
else
	pv="perf: $PERF_WHY"
fi
msg="plain ${plain}s; cprof-tui at $hz Hz ${cp}s ($(pct "$cp" "$plain"), $n samples); $pv"
ge "$(awk -v p="$plain" 'BEGIN { print p * 1.5 }')" "$cp" || fail "too slow: $msg"
pass "$msg"
