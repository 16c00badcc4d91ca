#!/bin/bash
# Every thread is seen, with its name: 3 busy threads on 2 cores get samples
# in proportion to the CPU time each really got (the workload measures it),
# and profiling does not starve one of them; idle threads get none in CPU
# mode and their share in --wall mode.
. "$(dirname "$0")/lib/common.sh"

tsamples() { sql "$1" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name = '$2'"; }

cprof --headless -o "$T/cpu.db" "$WL/threads" -b 3 -i 2 -c "$T/cpu.ms" 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui --headless threads exited $rc"
total=$(meta "$T/cpu.db" samples)
ge "${total:-0}" 1000 || fail "only ${total:-no} samples from 3 busy threads in 2 s"
all_ms=$(awk '{ s += $2 } END { print s }' "$T/cpu.ms")
busy_n=$(sql "$T/cpu.db" "SELECT sum(samples) FROM threads WHERE name LIKE 'busy-%'")
shares=""
for i in 0 1 2; do
	n=$(tsamples "$T/cpu.db" busy-$i)
	ms=$(awk -v t="busy-$i" '$1 == t { print $2 }' "$T/cpu.ms")
	sp=$(awk -v n="$n" -v a="$busy_n" 'BEGIN { printf "%.1f", 100 * n / a }')
	cp=$(awk -v m="$ms" -v a="$all_ms" 'BEGIN { printf "%.1f", 100 * m / a }')
	shares+="busy-$i $sp% (CPU $cp%) "
	within "$sp" "$cp" 5 || fail "busy-$i has $sp% of the busy threads' samples but $cp% of their CPU time ($shares)"
	# a third each unprofiled; the profiler's stops must not starve one
	ge "$cp" 20 || fail "busy-$i got only $cp% of the busy threads' CPU time under the profiler ($shares)"
done
for i in 0 1; do
	n=$(tsamples "$T/cpu.db" idle-$i)
	ge "$(awk -v t="$total" 'BEGIN { print t * 0.02 }')" "$n" ||
		fail "idle thread idle-$i has $n of $total samples in CPU mode"
done
[ "$(meta "$T/cpu.db" mode)" = cpu ] || fail "meta mode '$(meta "$T/cpu.db" mode)', expected cpu"

cprof --backend ptrace --headless --wall -o "$T/wall.db" "$WL/threads" -b 1 -i 2 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui --headless --wall threads exited $rc"
[ "$(meta "$T/wall.db" mode)" = wall ] || fail "meta mode '$(meta "$T/wall.db" mode)', expected wall"
busy=$(tsamples "$T/wall.db" busy-0)
ge "$busy" 1000 || fail "busy-0 has $busy samples in 2 s of --wall"
for i in 0 1; do
	n=$(tsamples "$T/wall.db" idle-$i)
	ge "$n" "$(awk -v b="$busy" 'BEGIN { print b * 0.5 }')" ||
		fail "--wall: sleeping thread idle-$i has $n samples, busy-0 has $busy (expected about the same)"
done
pass "cpu: $total samples, $shares; wall: busy-0 $busy, idle-0 $(tsamples "$T/wall.db" idle-0)"
