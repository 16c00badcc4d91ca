#!/bin/bash
# The terminal goes away under the TUI (tmux kill-session, or the pane's
# shell killed): while recording and after the launched program exited,
# with and without the SIGHUP a closed terminal sends. cprof-tui ends within
# seconds as on q (a launched program ended, even one that ignores SIGHUP;
# an attached one detached, running on unharmed), the session is saved and
# consistent, and it says so: a line on stderr, exit status 129.
. "$(dirname "$0")/lib.sh"

WL=$BUILDDIR/tests/workloads
for w in split2 exitcode; do
	[ -x "$WL/$w" ] || fail "no $WL/$w (build it: make check TESTS=)"
done

# close HOW: end the terminal, HOW = kill-session or kill-shell.
close() {
	if [ "$1" = kill-shell ]; then
		kill -9 "$(pane_pid)"
	else
		tmux_ kill-session
	fi
}

# ended CASE DB: cprof-tui has ended as it should and said so.
ended() {
	local status
	status=$(wait_exit_status 10) || fail "$1: $status"
	[ "$status" = 129 ] || fail "$1: cprof-tui exited with $status after its terminal closed, expected 129"
	grep -q 'the terminal was closed: the profile is saved in' "$T/cprof.err" ||
		fail "$1: nothing said on stderr: $(cat "$T/cprof.err")"
	session_ok "$2"
}

# launched_gone CASE PID: the launched program was ended.
launched_gone() {
	local i
	for i in $(seq 50); do
		kill -0 "$2" 2>/dev/null || return 0
		sleep 0.1
	done
	fail "$1: the launched program $2 outlived its profiler by 5 s"
}

# 1. Recording a launched program that ignores SIGHUP (nohup): it is ended as on q.
rm -f "$T/exit"
tmux_start "$CPROF" -o "$T/nohup.db" nohup "$WL/split2" 60
wait_screen 'running .* samples'
pid=$(sqlite3 "$T/nohup.db" "SELECT value FROM meta WHERE key = 'pid'")
kill_at_exit "$pid" $(ps -o ppid= -p "$pid")
close kill-session
ended "nohup, recording" "$T/nohup.db"
launched_gone "nohup, recording" "$pid"

# 2. The launched program has exited, the TUI shows the final profile; then
# the terminal closes (without the SIGHUP, then with it).
for nohup in 1 ''; do
	rm -f "$T/exit" "$T/exited.db"
	TMUX_NOHUP=$nohup tmux_start "$CPROF" -o "$T/exited.db" "$WL/exitcode" 3 0.5
	wait_screen 'session over: exited with status 3' 20
	close kill-session
	ended "exited${nohup:+, no SIGHUP}" "$T/exited.db"
done

# 3. Attached, recording: the pane's shell is killed (SIGHUP), or the
# terminal closes without SIGHUP: the process runs on, detached.
for how in kill-shell nohup; do
	"$WL/split2" 60 &
	target=$!
	kill_at_exit $target
	rm -f "$T/exit" "$T/attach.db"
	TMUX_NOHUP=${how#kill-shell} tmux_start "$CPROF" -o "$T/attach.db" -p "$target"
	wait_screen "pid $target .*running"
	close "${how/nohup/kill-session}"
	ended "attached, $how" "$T/attach.db"
	assert_unharmed "$target"
	kill -9 "$target"
done
pass "3 launched and 2 attached sessions ended cleanly with their terminal"
