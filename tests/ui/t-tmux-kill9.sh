#!/bin/bash
# kill -9 of cprof-tui at random moments of a TUI recording of an attached
# process: each time the process runs on, untraced and unharmed, and the
# session committed so far opens and is consistent (meta samples equal the
# samples table, --report reads it). The shell reports the kill (137).
. "$(dirname "$0")/lib.sh"

WL=$BUILDDIR/tests/workloads/split2
[ -x "$WL" ] || fail "no $WL (build it: make check TESTS=)"
"$WL" -t 2 120 &
target=$!
kill_at_exit $target

for round in 1 2 3 4 5; do
	rm -f "$T/exit" "$T"/k.db*
	tmux_start "$CPROF" -o "$T/k.db" -p "$target"
	wait_screen "pid $target .*running"
	cp=$(cprof_pid "$T/k.db")
	[ -n "$cp" ] && sampled_by "$target" "$cp" || fail "round $round: the target is not sampled"
	delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", r % 250 / 100 }')
	# half the rounds with a key on its way: a redraw or a drill-down in progress
	[ $((round % 2)) = 0 ] && tmux_keys Enter
	sleep "$delay"
	kill -9 "$cp"
	status=$(wait_exit_status 10)
	[ "$status" = 137 ] || fail "round $round: exit status $status after kill -9, expected 137"
	assert_unharmed "$target"
	session_ok "$T/k.db"
	tmux_ kill-server
done
pass "5 kills, the last after $delay s: the target ran on, every session consistent"
