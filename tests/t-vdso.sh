#!/bin/bash
# A loop on clock_gettime (vDSO): stacks unwind through [vdso] to main.
. "$(dirname "$0")/lib/common.sh"

cprof --headless -o "$T/s.db" "$WL/vdso" 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui exited $rc"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report failed"
main=$(row_val "$T/fn.tsv" function main total_pct)
spin=$(row_val "$T/fn.tsv" function spin_clock total_pct)
ge "${spin:-0}" 90 || fail "spin_clock total ${spin:-none}%, expected ~all"
ge "${main:-0}" 95 || fail "only ${main:-0}% of stacks reach main (vDSO unwinding)"
pass "stacks reaching main: $main%, spin_clock total $spin%"
