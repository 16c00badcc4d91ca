#!/bin/bash
# Sampling resumes at once after a stop: the target stopped and continued
# from outside (SIGSTOP, SIGCONT), by the TUI's S, and with cprof-tui itself
# (Ctrl-Z, then fg in the shell, while recording). Each time the first
# sample after the stop comes within 0.2 s of the target running again, the
# pause is not counted as lost samples, the target runs on (not left
# stopped), and the session is consistent.
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

# record: launch jobctl in the TUI, typed into the shell; sets pid.
record() {
	rm -f "$T/exit" "$T/s.db" "$T/pid"
	tmux_shell
	tmux_type "$CPROF" -o "$T/s.db" "$WL" -p "$T/pid" 60
	wait_screen 'running .* samples'
	for i in $(seq 50); do
		[ -s "$T/pid" ] && break
		sleep 0.1
	done
	pid=$(cat "$T/pid") || fail "$CASE: jobctl did not start"
	kill_at_exit "$pid"
	sleep 0.5
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
		(SELECT time_us, time_us - lag(time_us) OVER (PARTITION BY tid ORDER BY time_us) AS d
		 FROM samples) ORDER BY d DESC LIMIT 1)")
	[ "$after" -ge 300 ] || fail "$CASE: only $after samples in the second after the stop"
	awk -v l="$late" 'BEGIN { exit !(l <= 0.2) }' ||
		fail "$CASE: no sample for $late s after the target ran again (longest gap $gap s)"
	lost=$(sqlite3 "$T/s.db" "SELECT value FROM meta WHERE key = 'samples_lost'")
	[ "${lost:-0}" -le 4 ] || fail "$CASE: $lost samples counted lost for a ${PAUSE}s pause"
	tmux_ kill-server
	RESULTS="$RESULTS $CASE +${late}s"
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
cp=$(proc_field "$pid" TracerPid)
t0=$(now)
tmux_keys C-z
stopped "$cp"
wait_screen 'Stopped'
sleep $PAUSE
t1=$(now)
tmux_keys fg Enter
wait_screen 'running .* samples'
resumed "$t0" "$t1"
pass "the first sample after a ${PAUSE}s stop came:$RESULTS"
