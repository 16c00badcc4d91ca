#!/bin/bash
# Attach to a running 75/25 workload (2 threads) for 2 s: the split is right, and the
# target runs on afterwards, untraced, and ends with its own status.
. "$(dirname "$0")/lib/common.sh"

start_wl split2 -t 2 6
cprof --headless -p "$WL_PID" -d 2 -o "$T/s.db"
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui -p $WL_PID -d 2 exited $rc, expected 0"
assert_unharmed "$WL_PID"

[ "$(meta "$T/s.db" pid)" = "$WL_PID" ] || fail "meta pid is '$(meta "$T/s.db" pid)', expected $WL_PID"
n=$(meta "$T/s.db" samples)
# two busy threads keep both cores of a 2-core machine: a stop then waits for
# a core (bench/ptrace-floor measures ~1100 samples/s there with no unwinding)
ge "${n:-0}" 1000 || fail "only ${n:-no} samples in 2 s of two busy threads"
cprof_split "$T/s.db" >"$T/cprof.split"
a=$(share_of "$T/cprof.split" work_a)
b=$(share_of "$T/cprof.split" work_b)
within "$a" 75 3 || fail "work_a self $a%, known split 75%"
within "$b" 25 3 || fail "work_b self $b%, known split 25%"

wait "$WL_PID"
st=$?
[ $st -eq 0 ] || fail "target exited $st after being profiled, expected 0"
pass "work_a $a% work_b $b%, $n samples; target ran on and exited 0"
