#!/bin/bash
# --repeat N: the program run N times, one after the other, into one
# session: N processes with their samples, numbers merged by function; the
# exit status is the first failing run's (here the second of three).
. "$(dirname "$0")/lib/common.sh"

cprof --headless --repeat 3 -o "$T/r.db" "$WL/tcase" parse 0.3
rc=$?
[ $rc -eq 0 ] || fail "--repeat 3 tcase exited $rc"
runs=$(sql "$T/r.db" "SELECT group_concat(samples, ' ') FROM processes ORDER BY id")
[ "$(sql "$T/r.db" "SELECT count(*) FROM processes")" = 3 ] || fail "3 runs, processes: $runs"
for n in $runs; do ge "$n" 200 || fail "a run of 0.3 s CPU got $n samples (runs: $runs)"; done
rows=$(report "$T/r.db" function | awk -F'\t' '$5 == "test_parse"' | wc -l)
[ "$rows" = 1 ] || fail "test_parse is $rows rows, not one for the three runs"

echo 0 >"$T/count"
cprof --headless --repeat 3 -o "$T/f.db" sh -c 'n=$(cat "$1"); echo $((n + 1)) >"$1"; [ "$n" != 1 ] || exit 4' sh "$T/count"
rc=$?
[ $rc -eq 4 ] || fail "the second of three runs exited 4, cprof-tui exited $rc"
[ "$(cat "$T/count")" = 3 ] || fail "$(cat "$T/count") runs happened, expected 3 (a failing run does not stop the others)"
st=$(sql "$T/f.db" "SELECT group_concat(exit_status, ' ') FROM processes WHERE command LIKE 'sh -c%' ORDER BY id")
[ "$st" = "0 4 0" ] || fail "runs' exit statuses '$st', expected '0 4 0'"
pass "3 runs: $runs samples; exit 4 of run 2 of 3 reported"
