#!/bin/bash
# Signals sent to a profiled process are all delivered: SIGUSR1 sent with
# gaps and real-time signals (which queue) are counted exactly by the target,
# attached and launched. Each SIGUSR1 is sent only once the previous one is no
# longer pending (/proc/PID/status SigPnd/ShdPnd), so none may merge with
# another: every one must reach the handler.
. "$(dirname "$0")/lib/common.sh"

NUSR1=30
NRT=200

# usr1_pending PID: SIGUSR1 (bit 9) pending for the process or its main
# thread (shell builtins only: polled in a tight loop)
usr1_pending() {
	local k v
	while read -r k v; do
		case $k in SigPnd: | ShdPnd:) [ $((0x$v & 0x200)) -ne 0 ] && return 0 ;; esac
	done <"/proc/$1/status"
	return 1
}

# gone PID OUTFILE: why a kill failed
gone() {
	[ -s "$2" ] && fail "target ended before all signals were sent ($(cat "$2"))"
	fail "target $1 died while signals were sent to it (no counts written)"
}

send_signals() {
	local pid=$1 out=$2 i t0
	for i in $(seq $NUSR1); do
		t0=$SECONDS
		while usr1_pending "$pid"; do
			[ $((SECONDS - t0)) -ge 2 ] && fail "SIGUSR1 #$((i - 1)) still pending after 2 s (states: $(task_states "$pid"))"
		done
		kill -USR1 "$pid" 2>/dev/null || gone "$pid" "$out"
		sleep 0.01
	done
	for i in $(seq $NRT); do
		kill -s SIGRTMIN+1 "$pid" 2>/dev/null || gone "$pid" "$out"
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
wait_sampled "$WL_PID" "$cp" || fail "cprof-tui did not attach to $WL_PID within 10 s"
send_signals "$WL_PID" "$T/attach.out"
sampled_by "$WL_PID" "$cp" || fail "signals were not all sent while sampled (cprof-tui detached too early?)"
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
wait_sampled "$pid" "$cp" || fail "launched target $pid is not sampled"
send_signals "$pid" "$T/launch.out"
wait "$cp"
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui with launched signals workload exited $rc"
check_counts "$T/launch.out" launched
pass "usr1=$NUSR1 rt=$NRT delivered, attached and launched"
