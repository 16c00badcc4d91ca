#!/bin/bash
# exec from a non-leader thread: the profile follows into the new program,
# and the new program's exit status is passed through.
. "$(dirname "$0")/lib/common.sh"

cprof --headless -o "$T/s.db" "$WL/exectest" 1 "$WL/split2" 1.5
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui exectest exited $rc, expected 0"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report failed"
for f in before_exec exec_thread work_a work_b; do
	v=$(row_val "$T/fn.tsv" function $f total)
	ge "${v:-0}" 200 || fail "function $f has ${v:-no} samples (before and after exec expected)"
done
a=$(row_val "$T/fn.tsv" function work_a self)
b=$(row_val "$T/fn.tsv" function work_b self)
r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", 100 * a / (a + b) }')
within "$r" 75 5 || fail "after exec work_a:work_b is $r:$(awk -v r="$r" 'BEGIN { print 100 - r }'), expected 75:25"

cprof --headless -o "$T/s2.db" "$WL/exectest" 0.5 "$WL/exitcode" 5
rc=$?
[ $rc -eq 5 ] || fail "exec'd program exits 5, cprof-tui exited $rc"
pass "before and after exec sampled (work_a share $r% after exec), status passed through"
