#!/bin/bash
# Every thread is seen, with its name: 3 busy threads share the samples
# evenly, idle threads get none in CPU mode and their share in --wall mode.
. "$(dirname "$0")/lib/common.sh"

tsamples() { sql "$1" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name = '$2'"; }

cprof --headless -o "$T/cpu.db" "$WL/threads" -b 3 -i 2 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui --headless threads exited $rc"
total=$(meta "$T/cpu.db" samples)
ge "${total:-0}" 1000 || fail "only ${total:-no} samples from 3 busy threads in 2 s"
for i in 0 1 2; do
	n=$(tsamples "$T/cpu.db" busy-$i)
	# 3 threads on the cores share evenly: each ~1/3 of the samples
	ge "$n" "$(awk -v t="$total" 'BEGIN { print t * 0.25 }')" ||
		fail "thread busy-$i has $n of $total samples, expected ~1/3 (threads: $(sql "$T/cpu.db" "SELECT name || '=' || samples FROM threads" | tr '\n' ' '))"
done
for i in 0 1; do
	n=$(tsamples "$T/cpu.db" idle-$i)
	ge "$(awk -v t="$total" 'BEGIN { print t * 0.02 }')" "$n" ||
		fail "idle thread idle-$i has $n of $total samples in CPU mode"
done
[ "$(meta "$T/cpu.db" mode)" = cpu ] || fail "meta mode '$(meta "$T/cpu.db" mode)', expected cpu"

cprof --headless --wall -o "$T/wall.db" "$WL/threads" -b 1 -i 2 2
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
pass "cpu: $total samples over busy-0..2; wall: busy-0 $busy, idle-0 $(tsamples "$T/wall.db" idle-0)"
