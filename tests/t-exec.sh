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
# a program written over in place (cp onto it) between two runs of it: the
# first run's module, mapped by the symbol reader, now ends early; reading
# it faulted (SIGBUS) and cprof-tui died with the runner
cp "$WL/split2" "$T/prog"
cprof --headless -o "$T/cp.db" sh -c "\"$T/prog\" 0.5; cp \"$WL/stripped-nosym\" \"$T/prog\"; \"$T/prog\" 0.5"
rc=$?
[ $rc -eq 0 ] || fail "a program written over between two runs: cprof-tui exited $rc ($(tail -n 1 "$T/cprof.err"))"
[ "$(sql "$T/cp.db" "SELECT count(*) FROM processes WHERE command LIKE '%prog 0.5'")" = 2 ] ||
	fail "not both runs of the rewritten program in the session"
pass "before and after exec sampled (work_a share $r% after exec), status passed through; a program rewritten between two runs"
