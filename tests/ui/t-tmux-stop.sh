#!/bin/bash
# Sampling resumes at once after a stop: the target stopped and continued
# from outside (SIGSTOP, SIGCONT), by the TUI's S, and with cprof-tui itself
# (Ctrl-Z, then fg in the shell, while recording a launched program, which
# stops with it). Each time the first sample after the stop comes within
# 0.2 s of the target running again, the pause is not counted as lost
# samples, the target runs on (not left stopped), and the session is
# consistent. An attached process is let go when cprof-tui is stopped: it
# runs on meanwhile, neither traced nor with a thread left stopped.
. "$(dirname "$0")/lib.sh"

WL=$BUILDDIR/tests/workloads/jobctl
[ -x "$WL" ] || fail "no $WL (build it: make check TESTS=)"
command -v bash >/dev/null || skip "no bash for job control"
PAUSE=1

now() { date +%s.%N; }

# running PID: every thread of PID runs again within 2 s.
running() {
	local i st
	for i in $(seq 40); do
		st=$(task_states "$1")
		case " $st" in *" T"* | *" t"*) ;; *) return 0 ;; esac
		sleep 0.05
	done
	fail "$CASE: the target is left stopped (thread states: $st)"
}

# stopped PID: PID is stopped (T, or t when traced) within 2 s.
stopped() {
	local i
	for i in $(seq 40); do
		case $(proc_field "$1" State) in T | t) return 0 ;; esac
		sleep 0.05
	done
	fail "$CASE: process $1 did not stop (state $(proc_field "$1" State))"
}

# record [-p]: launch jobctl in the TUI, typed into the shell, or attach to
# it (-p); sets pid.
record() {
	rm -f "$T/s.db" "$T/pid"
	tmux_shell
	if [ $# = 0 ]; then
		tmux_type "$CPROF" -o "$T/s.db" "$WL" -p "$T/pid" 60
		wait_screen 'running .* samples'
	else
		"$WL" -p "$T/pid" 60 &
		kill_at_exit $!
	fi
	for i in $(seq 50); do
		[ -s "$T/pid" ] && break
		sleep 0.1
	done
	pid=$(cat "$T/pid") || fail "$CASE: jobctl did not start"
	kill_at_exit "$pid"
	if [ $# != 0 ]; then
		tmux_type "$CPROF" -o "$T/s.db" -p "$pid"
		wait_screen 'running .* samples'
	fi
	sleep 0.5
}

# suspend_cprof: Ctrl-Z to cprof-tui; sets t0 (just before).
suspend_cprof() {
	t0=$(now)
	tmux_keys C-z
	stopped "$cp"
	wait_screen 'Stopped'
}

# resume_cprof: fg, cprof-tui runs again; sets t1 (just before).
resume_cprof() {
	t1=$(now)
	tmux_keys fg Enter
	wait_screen "pid $pid "
}

# resumed STOP CONT: after a second of sampling on, q; the longest gap
# between two samples of a thread is the stop, and no more than 0.2 s longer.
resumed() {
	local gap late lost after
	running "$pid"
	sleep 1
	tmux_keys q
	status=$(wait_exit_status 10)
	[ "$status" = 0 ] || fail "$CASE: cprof-tui exited with $status after q"
	session_ok "$T/s.db"
	gap=$(sample_gap "$T/s.db")
	late=$(awk -v g="$gap" -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", g - (b - a) }')
	awk -v l="$late" 'BEGIN { exit !(l >= -0.05) }' ||
		fail "$CASE: no gap in the samples while the target was stopped for $PAUSE s (longest $gap s)"
	after=$(sqlite3 "$T/s.db" "SELECT count(*) FROM samples WHERE time_us > (SELECT time_us FROM
		(SELECT time_us, time_us - lag(time_us) OVER (PARTITION BY thread_id ORDER BY time_us) AS d
		 FROM samples) ORDER BY d DESC LIMIT 1)")
	[ "$after" -ge 300 ] || fail "$CASE: only $after samples in the second after the stop"
	awk -v l="$late" 'BEGIN { exit !(l <= 0.2) }' ||
		fail "$CASE: no sample for $late s after the target ran again (longest gap $gap s)"
	lost=$(sqlite3 "$T/s.db" "SELECT value FROM meta WHERE key = 'samples_lost'")
	[ "${lost:-0}" -le 4 ] || fail "$CASE: $lost samples counted lost for a ${PAUSE}s pause"
	tmux_ kill-server
	RESULTS="$RESULTS $CASE $(printf '%+.3f' "$late")s"
}
RESULTS=

CASE="SIGSTOP/SIGCONT"
record
t0=$(now)
kill -STOP "$pid"
stopped "$pid"
sleep $PAUSE
t1=$(now)
kill -CONT "$pid"
resumed "$t0" "$t1"

CASE="S"
record
t0=$(now)
tmux_keys S
wait_screen 'target stopped \(S continues\)'
stopped "$pid"
sleep $PAUSE
t1=$(now)
tmux_keys S
wait_screen 'target continued'
resumed "$t0" "$t1"

CASE="Ctrl-Z/fg"
record
cp=$(cprof_pid "$T/s.db")
suspend_cprof
sleep $PAUSE
resume_cprof
resumed "$t0" "$t1"

# Attached: Ctrl-Z lets the process go, for good (traced, its signals and
# new threads would wait for the stopped profiler); after fg the TUI shows
# the final profile.
CASE="Ctrl-Z/fg attached"
record -p
cp=$(cprof_pid "$T/s.db")
suspend_cprof
[ "$(proc_field "$pid" TracerPid)" = 0 ] || fail "$CASE: the process is still traced while cprof-tui is stopped"
st=$(task_states "$pid")
case " $st" in *" t"* | *" T"*) fail "$CASE: a thread is left stopped while cprof-tui is (states: $st)" ;; esac
assert_unharmed "$pid"
resume_cprof
wait_screen 'session over: detached while cprof-tui was stopped'
tmux_keys q
status=$(wait_exit_status 10)
[ "$status" = 0 ] || fail "$CASE: cprof-tui exited with $status after q"
session_ok "$T/s.db"
assert_unharmed "$pid"
pass "the first sample after a ${PAUSE}s stop came:$RESULTS; attached: let go at Ctrl-Z"
