#!/bin/bash
# Target slowdown at the default rate, next to `perf record -F 999 -g`: the
# same fixed work (split2 -n 30000, ~2 s) timed by the target's own clock
# (so start-up and the profilers' own wind-up are not counted), best of 2.
# Fails only when cprof-tui slows the target by more than 50% (stock
# libunwind-ptrace costs 84% to 10x); otherwise it reports the numbers.
. "$(dirname "$0")/lib/common.sh"

N=30000
# work_secs CMD...: run CMD (ending in the split2 arguments) twice, print
# the better of the two work times the target reported
work_secs() {
	local i best=
	for i in 1 2; do
		rm -f "$T/time"
		"$@" -n $N -T "$T/time" >/dev/null 2>>"$T/timing.err" || fail "$* failed: $(tail -n 1 "$T/timing.err")"
		[ -s "$T/time" ] || fail "$*: no time reported"
		best=$(awk -v a="$(cat "$T/time")" -v b="$best" 'BEGIN { print (b == "" || a < b) ? a : b }')
	done
	echo "$best"
}
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f%%", 100 * (a / b - 1) }'; }

plain=$(work_secs "$WL/split2")
cp=$(work_secs "$CPROF" --headless -o "$T/s.db" "$WL/split2")
n=$(meta "$T/s.db" samples)
hz=$(meta "$T/s.db" frequency_hz)
if perf_ok; then
	pf=$(work_secs perf record -q -F 999 -g -o "$T/perf.data" "$WL/split2")
	pv="perf record -F 999 -g ${pf}s ($(pct "$pf" "$plain"))"
else
	pv="perf: $PERF_WHY"
fi
msg="plain ${plain}s; cprof-tui at $hz Hz ${cp}s ($(pct "$cp" "$plain"), $n samples); $pv"
ge "$(awk -v p="$plain" 'BEGIN { print p * 1.5 }')" "$cp" || fail "too slow: $msg"
pass "$msg"
