#!/bin/bash
# Threads blocked in epoll_wait, sigtimedwait and select (10 ms timeouts) see
# no EINTR while the process is profiled, attached or launched, CPU or --wall.
. "$(dirname "$0")/lib/common.sh"

# parse "calls=N epoll=E sigtimedwait=S select=T" -> "N E S T"
counts() { sed 's/[a-z]*=//g' "$1" 2>/dev/null; }

# the workload's own check: a signal does interrupt each blocked call
"$WL/eintr" -k -o "$T/self.out" 1 || fail "eintr -k failed"
read -r calls e s t < <(counts "$T/self.out")
[ "${e:-0}" -ge 1 ] && [ "${s:-0}" -ge 1 ] && [ "${t:-0}" -ge 1 ] ||
	fail "workload self-check: a kicked thread did not see EINTR ($(cat "$T/self.out"))"

check() {
	read -r calls e s t < <(counts "$1")
	[ -n "${calls:-}" ] || fail "$2: no counts from the target"
	[ "$calls" -ge 300 ] || fail "$2: only $calls blocking calls completed in ~2.5 s ($(cat "$1"))"
	[ "$e" = 0 ] && [ "$s" = 0 ] && [ "$t" = 0 ] || fail "$2: EINTR injected: $(cat "$1")"
}

start_wl eintr -o "$T/attach.out" 3.5
cprof --headless -p "$WL_PID" -d 2.5 -o "$T/a.db"
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui -p exited $rc"
wait "$WL_PID" || fail "attached eintr workload failed"
check "$T/attach.out" "attached, cpu"

cprof --headless -o "$T/l.db" "$WL/eintr" -o "$T/launch.out" 2.5
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui eintr exited $rc"
check "$T/launch.out" "launched, cpu"

cprof --backend ptrace --headless --wall -o "$T/w.db" "$WL/eintr" -o "$T/wall.out" 2.5
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui --wall eintr exited $rc"
check "$T/wall.out" "launched, --wall"
# in --wall mode the blocked threads are sampled too
n=$(sql "$T/w.db" "SELECT count(*) FROM threads WHERE samples > 100")
[ "$n" -ge 4 ] || fail "--wall: only $n threads with >100 samples, expected the 4 workers"
pass "0 EINTR in $(counts "$T/attach.out" | cut -d' ' -f1) + $(counts "$T/launch.out" | cut -d' ' -f1) + $(counts "$T/wall.out" | cut -d' ' -f1) blocking calls"
