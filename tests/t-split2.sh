#!/bin/bash
# A launched 75/25 two-file workload (2 threads, 3 s: ~6000 samples): the
# function split, the hot line and the file split match the known split
# within 3 points, and perf's within 4 (each measurement has a statistical
# spread of about 1 point here, so their difference has ~1.4).
. "$(dirname "$0")/lib/common.sh"

cprof --headless -o "$T/s.db" "$WL/split2" -t 2 3
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui --headless split2 exited $rc, expected 0"

cprof_split "$T/s.db" >"$T/cprof.split"
a=$(share_of "$T/cprof.split" work_a)
b=$(share_of "$T/cprof.split" work_b)
within "$a" 75 3 || fail "work_a self $a%, known split 75%"
within "$b" 25 3 || fail "work_b self $b%, known split 25%"

# the hottest line is the loop line of split2_a.c; by file, split2_a.c ~75%
report "$T/s.db" line >"$T/line.tsv" || fail "--report --by line failed"
hot=$(line_of "$SRCDIR/tests/workloads/split2_a.c" HOT:a)
top=$(awk -F'\t' 'NR == 2 { print $5 ":" $6 }' "$T/line.tsv")
case "$top" in */split2_a.c:$hot) ;; *) fail "hottest line is $top, expected split2_a.c:$hot" ;; esac
report "$T/s.db" file >"$T/file.tsv" || fail "--report --by file failed"
fa=$(awk -F'\t' '$7 ~ /\/split2_a\.c$/ { print $3 }' "$T/file.tsv")
within "${fa:-0}" 75 3 || fail "split2_a.c self ${fa:-none}% by file, expected 75%"

vs_perf() {
	local d
	d=$(split_distance "$T/perf.split" "$T/cprof.split" work_a work_b)
	within "$d" 0 4 || { echo "cprof split (work_a $a%, work_b $b%) is $d points from perf's (work_a $(share_of "$T/perf.split" work_a)%)"; return 1; }
}
if perf_ok; then
	against_perf vs_perf "$WL/split2" -t 2 3
	pass "work_a $a% work_b $b% (perf: work_a $(share_of "$T/perf.split" work_a)%, distance $(split_distance "$T/perf.split" "$T/cprof.split" work_a work_b) points)"
fi
pass "work_a $a% work_b $b% (perf comparison skipped: $PERF_WHY)"
