#!/bin/bash
# Signals sent to a profiled process are all delivered: SIGUSR1 sent with
# gaps and real-time signals (which queue) are counted exactly by the target,
# attached and launched.
. "$(dirname "$0")/lib/common.sh"

NUSR1=30
NRT=200

send_signals() {
	local pid=$1 i
	for i in $(seq $NUSR1); do
		kill -USR1 "$pid" || fail "kill -USR1 $pid failed"
		sleep 0.02
	done
	for i in $(seq $NRT); do
		kill -s SIGRTMIN+1 "$pid" || fail "kill -RTMIN+1 $pid failed"
	done
}

check_counts() {
	local got
	got=$(cat "$1" 2>/dev/null)
	[ "$got" = "usr1=$NUSR1 rt=$NRT" ] || fail "$2: target counted '${got:-nothing}', sent usr1=$NUSR1 rt=$NRT"
}

# attached
start_wl signals -o "$T/attach.out" 4
bg "$CPROF" --headless -p "$WL_PID" -d 3 -o "$T/a.db" 2>"$T/cprof.err"
cp=$!
wait_traced "$WL_PID" || fail "cprof-tui did not attach to $WL_PID within 10 s"
send_signals "$WL_PID"
[ "$(proc_field "$WL_PID" TracerPid)" = "$cp" ] || fail "signals were not all sent while traced (cprof-tui detached too early?)"
wait "$cp"
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui -p exited $rc"
wait "$WL_PID"
rc=$?
[ $rc -eq 0 ] || fail "attached target exited $rc"
check_counts "$T/attach.out" attached

# launched
rm -f "$T/signals.pid"
bg "$CPROF" --headless -o "$T/l.db" "$WL/signals" -p "$T/signals.pid" -o "$T/launch.out" 3 2>"$T/cprof.err"
cp=$!
wait_file "$T/signals.pid" || fail "launched workload did not start"
pid=$(cat "$T/signals.pid")
wait_traced "$pid" || fail "launched target $pid is not traced"
send_signals "$pid"
wait "$cp"
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui with launched signals workload exited $rc"
check_counts "$T/launch.out" launched
pass "usr1=$NUSR1 rt=$NRT delivered, attached and launched"
