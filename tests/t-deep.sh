#!/bin/bash
# Deep stacks (48+ frames) over 64 distinct functions, with qsort calling back
# into the program: stacks reach main, every stage function is resolved, and
# the comparator's share matches perf's.
. "$(dirname "$0")/lib/common.sh"

cprof --headless -o "$T/s.db" "$WL/deep" 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui exited $rc"
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
	local pc cs ps
	pc=$(share_of "$T/perf.split" cmp_u32)
	cs=$(stage_self "$T/cprof.split")
	ps=$(stage_self "$T/perf.split")
	within "$cmp" "$pc" 3 || { echo "cmp_u32 self $cmp%, perf $pc%"; return 1; }
	within "$cs" "$ps" 3 || { echo "stage functions' self: $cs% in all, perf $ps%"; return 1; }
}
if perf_ok; then
	cprof_split "$T/s.db" >"$T/cprof.split"
	against_perf vs_perf "$WL/deep" 2
	vs="perf: cmp_u32 $(share_of "$T/perf.split" cmp_u32)%, stages $(stage_self "$T/perf.split")%; cprof stages $(stage_self "$T/cprof.split")%"
else
	vs="perf comparison skipped: $PERF_WHY"
fi
pass "stacks reaching main $main%, $stages stage functions, cmp_u32 $cmp% ($vs)"
