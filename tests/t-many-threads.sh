#!/bin/bash
# 2 busy threads among 120 idle ones: every thread is listed, and the idle
# threads do not take samples away from the busy ones. On a 2-core machine two
# busy threads already keep both cores, so the sampling rate they get is
# compared with the same run with only 2 idle threads, not with -F alone.
# A thread asleep for a second among 60 idle ones (looked at less and less
# often), then busy, is noticed and gets its share.
. "$(dirname "$0")/lib/common.sh"

busy_samples() { # DB -> samples of busy-0 and busy-1
	sql "$1" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name LIKE 'busy-%'"
}

cprof --headless -F 500 -o "$T/few.db" "$WL/threads" -b 2 -i 2 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui (2 idle threads) exited $rc"
cprof --headless -F 500 -o "$T/many.db" "$WL/threads" -b 2 -i 120 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui (120 idle threads) exited $rc"

few=$(busy_samples "$T/few.db")
many=$(busy_samples "$T/many.db")
ge "$few" 400 || fail "only $few samples of 2 busy threads in 2 s at -F 500 (2 idle threads)"
# idle threads may cost a little, not a share of the busy threads' samples
ge "$((many * 100))" "$((few * 80))" ||
	fail "busy threads got $many samples among 120 idle threads, $few among 2"
listed=$(sql "$T/many.db" "SELECT count(*) FROM threads")
[ "$listed" -ge 123 ] || fail "$listed threads listed, expected 123 (main, 2 busy, 120 idle)"
idle=$(sql "$T/many.db" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name LIKE 'idle-%'")
ge $((many / 10)) "$idle" || fail "idle threads have $idle samples in CPU mode, busy ones $many"

# sleeper-0 sleeps 1 s of 3, then spins like busy-0: 2/3 of busy-0's samples
cprof --headless -o "$T/wake.db" "$WL/threads" -b 1 -i 60 -s 1 -L 1 3
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui (a sleeper among 60 idle threads) exited $rc"
b=$(sql "$T/wake.db" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name = 'busy-0'")
w=$(sql "$T/wake.db" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name = 'sleeper-0'")
ge "$b" 1000 || fail "busy-0 has only $b samples in 3 s"
ratio=$(awk -v w="$w" -v b="$b" 'BEGIN { printf "%.2f", w / b }')
awk -v r="$ratio" 'BEGIN { exit !(r >= 0.55 && r <= 0.8) }' ||
	fail "sleeper-0 (busy 2 s of 3) has $w samples, busy-0 (3 s) $b: ratio $ratio, expected ~0.67"
pass "busy threads: $many samples among 120 idle threads, $few among 2; $listed threads listed; a sleeper woken after 1 s: $ratio of a busy thread's samples"
