#!/bin/bash
# SIGINT or SIGTERM to cprof-tui during an attach: it detaches cleanly (the
# target runs on), finishes the session and exits. Sent to cprof-tui alone
# (kill, timeout -s INT) while it runs a launched program, the signal is
# passed on: cprof-tui ends with the program, its status 128+N (seen: a
# SIGINT left cprof-tui waiting for ever for a server that never got it).
. "$(dirname "$0")/lib/common.sh"

for sig in INT TERM; do
	start_wl jobctl 4
	rm -f "$T/s.db"
	bg "$CPROF" --headless -p "$WL_PID" -o "$T/s.db" 2>"$T/cprof.err"
	cp=$!
	wait_traced "$WL_PID" || fail "cprof-tui did not attach within 10 s"
	sleep 1
	kill -s $sig "$cp"
	wait_exit "$cp" 5 || fail "cprof-tui still running 5 s after SIG$sig"
	wait "$cp"
	rc=$?
	case $rc in 0 | 130 | 143) ;; *) fail "cprof-tui exited $rc on SIG$sig" ;; esac
	assert_unharmed "$WL_PID"
	[ -n "$(meta "$T/s.db" ended_at)" ] || fail "SIG$sig: session has no ended_at"
	n=$(meta "$T/s.db" samples)
	ge "${n:-0}" 500 || fail "SIG$sig: only ${n:-no} samples recorded in 1 s"
	wait "$WL_PID"
	rc=$?
	[ $rc -eq 0 ] || fail "target exited $rc, expected 0"
done
for sig in INT TERM; do
	bg "$CPROF" --headless -o "$T/l.db" sleep 30 2>"$T/cprof.err"
	cp=$!
	sleep 0.5
	kill -s $sig "$cp"
	wait_exit "$cp" 5 || fail "launched: cprof-tui still running 5 s after SIG$sig (not passed on)"
	wait "$cp"
	rc=$?
	want=$((128 + $(kill -l $sig)))
	[ $rc -eq $want ] || fail "launched: SIG$sig to cprof-tui gave $rc, expected the program's $want"
done
pass "clean detach on SIGINT and SIGTERM; passed on to a launched program"
