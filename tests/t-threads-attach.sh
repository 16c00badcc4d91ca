#!/bin/bash
# Attach to a process with threads, two more threads start after the attach:
# all busy threads are seen and sampled, and the process runs on.
. "$(dirname "$0")/lib/common.sh"

start_wl threads -b 1 -i 1 -l 2 -L 1.2 4
cprof --headless -p "$WL_PID" -d 2.5 -o "$T/s.db"
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui -p exited $rc"
assert_unharmed "$WL_PID"
list=$(sql "$T/s.db" "SELECT name || '=' || samples FROM threads" | tr '\n' ' ')
for name in busy-0 late-0 late-1; do
	n=$(sql "$T/s.db" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name = '$name'")
	# late threads run ~1.2 s of the 2.5 s: at least 300 samples each
	ge "$n" 300 || fail "thread $name has $n samples (threads: $list)"
done
wait "$WL_PID"
st=$?
[ $st -eq 0 ] || fail "target exited $st, expected 0"

# Threads there at the attach end while profiled, and the process with them.
# (Perf backend: their events, opened one by one, report no CPU time at their
# end, as inherited ones do; that is not a kernel that does not tell.)
start_wl threads -b 2 -i 1 1.5
cprof --headless -p "$WL_PID" -d 4 -o "$T/e.db"
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui -p (threads ending) exited $rc"
wait "$WL_PID"
grep -q "not told by the kernel" "$T/cprof.err" &&
	fail "threads opened at the attach ended: $(grep -o "[^;]*not told by the kernel" "$T/cprof.err")"
n=$(sql "$T/e.db" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name LIKE 'busy-%'")
ge "$n" 1000 || fail "the ending busy threads have $n samples"
pass "threads: $list; threads ending while attached: $n samples, nothing said of the kernel"
