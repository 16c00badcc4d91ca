#!/bin/bash
# Deep stacks (48+ frames) over 64 distinct functions, with qsort calling back
# into the program: stacks reach main, every stage function is resolved, and
# the comparator's share matches perf's, on the same run (cprof_with_perf).
#
# The shares are compared with the perf backend only. This workload's
# comparator share is not one number: alone under perf it is ~10% in most
# runs and ~26% in some, and under the ptrace backend it moves from 4% to 33%
# between quarter-seconds of one run (perf, recording the same run, sees it
# move too: the stops change how the program runs). On the same run the
# ptrace backend also gave cmp_u32 2.0-2.8 points less than perf in 4 of 4
# runs, which is not explained yet (doc/ENGINE.md, "Known weaknesses"). The
# stacks are checked with both backends.
. "$(dirname "$0")/lib/common.sh"

# Two tools sampling one 3-s run take ~3,000 samples each: for a share near
# 11% their difference spreads by ~0.8 points, so 3 points is well outside
# chance. In 2-s runs it was passed 2 times in 36 all the same (stages 9.0%
# against perf's 12.5%, in a run whose comparator share sat between its two
# usual levels; cmp_u32 9.8% against 12.9%), so a disagreement is measured
# once more, as against_perf does, before it fails.
with_perf=0
run() {
	rm -f "$T/s.db"
	if [ $with_perf = 1 ]; then
		cprof_with_perf deep --headless -o "$T/s.db" "$WL/deep" 3
	else
		cprof --headless -o "$T/s.db" "$WL/deep" 2
	fi
	rc=$?
	[ $rc -eq 0 ] || fail "cprof-tui exited $rc"
}
[ "${CPROF_BACKEND:-}" != ptrace ] && perf_ok && with_perf=1
run
report "$T/s.db" function >"$T/fn.tsv" || fail "--report failed"
main=$(row_val "$T/fn.tsv" function main total_pct)
ge "${main:-0}" 95 || fail "only ${main:-0}% of stacks reach main"
cmp=$(row_val "$T/fn.tsv" function cmp_u32 self_pct)
ge "${cmp:-0}" 3 || fail "comparator cmp_u32 self ${cmp:-none}% (a libc -> program callback)"
# leaf (with qsort and the comparator under it) has ~88% of the time, the
# stage functions' own mixing code the rest
qs=$(row_val "$T/fn.tsv" function leaf total_pct)
ge "${qs:-0}" 80 || fail "leaf total ${qs:-none}%, expected ~88%"
stages=$(awk -F'\t' '$5 ~ /^stage_[0-9]+$/ && $2 > 0 { n++ } END { print n + 0 }' "$T/fn.tsv")
ge "$stages" 60 || fail "only $stages of 64 stage functions seen in stacks"
stage_self() { awk -F'\t' '$2 ~ /^stage_[0-9]+$/ { s += $1 } END { printf "%.1f", s }' "$1"; }
vs_perf() {
	local cc pc cs ps
	cc=$(share_of "$T/cprof.split" cmp_u32)
	pc=$(share_of "$T/perf.split" cmp_u32)
	cs=$(stage_self "$T/cprof.split")
	ps=$(stage_self "$T/perf.split")
	within "$cc" "$pc" 3 || { echo "cmp_u32 self $cc%, perf $pc%"; return 1; }
	within "$cs" "$ps" 3 || { echo "stage functions' self: $cs% in all, perf $ps%"; return 1; }
}
backend=$(meta "$T/s.db" backend)
if [ $with_perf = 1 ] && [ "$backend" != perf ]; then
	fail "under perf record, cprof-tui took the $backend backend: $(grep 'note:' "$T/cprof.err")"
elif [ "$backend" != perf ]; then
	vs="ptrace backend: shares not compared with perf"
elif [ $with_perf = 1 ]; then
	cprof_split "$T/s.db" >"$T/cprof.split"
	if ! why=$(vs_perf); then
		note "perf disagrees ($why); measuring both once more"
		run
		cprof_split "$T/s.db" >"$T/cprof.split"
		why=$(vs_perf) || fail "$why"
	fi
	vs="perf: cmp_u32 $(share_of "$T/perf.split" cmp_u32)%, stages $(stage_self "$T/perf.split")%; cprof stages $(stage_self "$T/cprof.split")%"
else
	vs="perf comparison skipped: $PERF_WHY"
fi
pass "stacks reaching main $main%, $stages stage functions, cmp_u32 $cmp% ($vs)"
