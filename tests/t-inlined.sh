#!/bin/bash
# An always_inline helper in a header is a frame of its own: mix() at
# inlined.h gets the self time, its caller outer() holds the call-site line.
. "$(dirname "$0")/lib/common.sh"

h=$SRCDIR/tests/workloads/inlined.h
first=$(grep -n -F "uint64_t mix(" "$h" | head -n 1 | cut -d: -f1)
[ -n "$first" ] || fail "no definition of mix() in $h"
last=$(awk -v f="$first" 'NR > f && /^}/ { print NR; exit }' "$h")
call=$(line_of "$SRCDIR/tests/workloads/inlined.c" CALL:mix)

cprof --headless -o "$T/s.db" "$WL/inlined" 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui exited $rc"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report --by function failed"
mixself=$(awk -F'\t' '$5 == "mix" && $6 ~ /\/inlined\.h$/ { s += $3 } END { print s + 0 }' "$T/fn.tsv")
ge "$mixself" 90 || fail "mix (inlined.h) self $mixself%, expected ~all; functions: $(cut -f3,5,6 "$T/fn.tsv" | head -n 5 | tr '\n' ' ')"
outer=$(awk -F'\t' '$5 == "outer" { print $3 "/" $4; exit }' "$T/fn.tsv")
case "$outer" in
*/*) ge "${outer#*/}" 90 || fail "outer total ${outer#*/}%, expected ~all (it calls mix)"
     ge 5 "${outer%/*}" || fail "outer self ${outer%/*}%: inlined mix frames charged to outer" ;;
*) fail "no function outer in the report" ;;
esac

report "$T/s.db" line >"$T/line.tsv" || fail "--report --by line failed"
inh=$(awk -F'\t' -v a="$first" -v b="$last" '$5 ~ /\/inlined\.h$/ && $6 >= a && $6 <= b { s += $3 } END { print s + 0 }' "$T/line.tsv")
ge "$inh" 90 || fail "lines $first-$last of inlined.h have $inh% self, expected ~all"
ct=$(awk -F'\t' -v l="$call" '$5 ~ /\/inlined\.c$/ && $6 == l { print $4 }' "$T/line.tsv")
ge "${ct:-0}" 90 || fail "call site inlined.c:$call has total ${ct:-none}%, expected ~all"
pass "mix self $mixself%, outer self/total $outer%, call site inlined.c:$call total $ct%"
