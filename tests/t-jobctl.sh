#!/bin/bash
# Job control keeps working while a process is profiled: SIGSTOP and SIGTSTP
# stop every thread, SIGCONT resumes them, and the process ends normally.
. "$(dirname "$0")/lib/common.sh"

stopped() { # all threads stopped within 2 s
	local i st
	for i in $(seq 40); do
		st=$(task_states "$1")
		case "$st" in *R* | *S* | *D*) ;; *) [ -n "$st" ] && return 0 ;; esac
		sleep 0.05
	done
	return 1
}
running() { # no thread stopped within 2 s
	local i st
	for i in $(seq 40); do
		st=$(task_states "$1")
		case "$st" in *T* | *t*) ;; *) return 0 ;; esac
		sleep 0.05
	done
	return 1
}
no_progress() {
	local u0 u1
	u0=$(proc_utime "$1")
	sleep 0.5
	u1=$(proc_utime "$1")
	[ $((u1 - u0)) -le 2 ]
}
progress() {
	local u0 u1
	u0=$(proc_utime "$1")
	sleep 0.5
	u1=$(proc_utime "$1")
	[ $((u1 - u0)) -ge 10 ]
}

start_wl jobctl 8
pid=$WL_PID
# without a profiler first: does SIGTSTP stop a process here at all? (it is
# discarded in an orphaned process group)
tstp=1
kill -TSTP "$pid"
stopped "$pid" || { tstp=0; note "SIGTSTP does not stop an untraced process here; checking SIGSTOP only"; }
kill -CONT "$pid"
running "$pid" || fail "untraced: SIGCONT did not resume ($(task_states "$pid"))"

bg "$CPROF" --headless -p "$pid" -d 5 -o "$T/s.db" 2>"$T/cprof.err"
cp=$!
wait_sampled "$pid" "$cp" || fail "cprof-tui did not attach"
sigs=STOP
[ $tstp = 1 ] && sigs="STOP TSTP"
for sig in $sigs; do
	kill -s $sig "$pid"
	stopped "$pid" || fail "SIG$sig while profiled: threads not stopped ($(task_states "$pid"))"
	no_progress "$pid" || fail "SIG$sig while profiled: the process still runs"
	kill -CONT "$pid"
	running "$pid" || fail "SIGCONT after SIG$sig while profiled: still stopped ($(task_states "$pid"))"
	progress "$pid" || fail "SIGCONT after SIG$sig while profiled: no progress ($(task_states "$pid"))"
done
wait "$cp"
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui exited $rc"
assert_unharmed "$pid"
wait "$pid"
rc=$?
[ $rc -eq 0 ] || fail "target exited $rc, expected 0"
pass "SIG{$sigs}/SIGCONT work while profiled"
