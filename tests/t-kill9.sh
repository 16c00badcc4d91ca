#!/bin/bash
# kill -9 of cprof-tui while it samples an attached process: the process runs
# on untraced and ends normally; the session written so far opens.
. "$(dirname "$0")/lib/common.sh"

start_wl jobctl 5
bg "$CPROF" --headless -p "$WL_PID" -o "$T/s.db" 2>"$T/cprof.err"
cp=$!
wait_sampled "$WL_PID" "$cp" || fail "cprof-tui did not attach within 10 s"
sleep 1.5
kill -9 "$cp"
wait "$cp" 2>/dev/null
assert_unharmed "$WL_PID"
wait "$WL_PID"
rc=$?
[ $rc -eq 0 ] || fail "target exited $rc after its profiler was killed, expected 0"

ok=$(sql "$T/s.db" "PRAGMA integrity_check") || fail "sqlite3 cannot open the session of a killed cprof-tui"
[ "$ok" = ok ] || fail "integrity_check: $ok"
n=$(sql "$T/s.db" "SELECT count(*) FROM samples")
ge "$n" 500 || fail "only $n samples survived 1.5 s of sampling (commits at least every second)"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report on the killed session failed"
pass "target ran on and exited 0; $n samples survived"
