#!/bin/bash
# A launched program that traces cprof-tui itself with ptrace and holds it
# stopped (tests/workloads/hostile.c): both would wait for each other for
# ever. cprof-tui ends within seconds with one line saying why, and what it
# committed before opens and is consistent.
. "$(dirname "$0")/lib/common.sh"

start=$(date +%s%N)
timeout -k 2 15 "$CPROF" --headless -o "$T/s.db" "$WL/hostile" -w 1.5 10 >/dev/null 2>"$T/cprof.err"
rc=$?
secs=$(( ($(date +%s%N) - start) / 1000000000 ))
[ $rc -ne 124 ] && [ $rc -ne 137 ] || fail "cprof-tui hung under a target that traces it (killed after 15 s)"
[ $rc -eq 2 ] || fail "cprof-tui exited $rc, expected 2"
grep -q "traces cprof-tui itself" "$T/cprof.err" || fail "no line saying why: $(tail -n 3 "$T/cprof.err")"
[ "$secs" -le 7 ] || fail "took $secs s to give up"
n=$(sql "$T/s.db" "SELECT count(*) FROM samples")
ge "$n" 500 || fail "only $n samples committed of the 1.5 s before the program traced cprof-tui"
[ "$(meta "$T/s.db" samples)" = "$n" ] || fail "session inconsistent: meta samples $(meta "$T/s.db" samples), table $n"
"$CPROF" --report "$T/s.db" >/dev/null 2>&1 || fail "--report of the committed session failed"
pass "ended after ${secs} s with one line; $n samples committed and consistent"
