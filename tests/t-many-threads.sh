#!/bin/bash
# 2 busy threads among 120 sleeping ones: the busy ones are sampled at the
# requested rate all the same, and the program ends normally.
. "$(dirname "$0")/lib/common.sh"

cprof --headless -F 500 -o "$T/s.db" "$WL/threads" -b 2 -i 120 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui exited $rc"
for name in busy-0 busy-1; do
	n=$(sql "$T/s.db" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name = '$name'")
	# 500 Hz x 2 s = 1000 per thread; accept 60%
	ge "$n" 600 || fail "$name has $n samples at -F 500 over 2 s among 122 threads"
done
seen=$(sql "$T/s.db" "SELECT count(*) FROM threads WHERE name LIKE 'busy-%'")
[ "$seen" -ge 2 ] || fail "busy threads seen: $seen"
pass "busy-0 $(sql "$T/s.db" "SELECT samples FROM threads WHERE name = 'busy-0'") samples, $(sql "$T/s.db" "SELECT count(*) FROM threads") threads listed"
