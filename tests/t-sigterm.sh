#!/bin/bash
# SIGINT or SIGTERM to cprof-tui during an attach: it detaches cleanly (the
# target runs on), finishes the session and exits.
. "$(dirname "$0")/lib/common.sh"

for sig in INT TERM; do
	start_wl jobctl 4
	rm -f "$T/s.db"
	bg "$CPROF" --headless -p "$WL_PID" -o "$T/s.db" 2>"$T/cprof.err"
	cp=$!
	wait_sampled "$WL_PID" "$cp" || fail "cprof-tui did not attach within 10 s"
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
pass "clean detach on SIGINT and SIGTERM"
