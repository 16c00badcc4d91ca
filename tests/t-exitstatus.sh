#!/bin/bash
# --headless with a launched program exits with the program's status, or
# 128+N when it died of signal N; the session is complete either way.
. "$(dirname "$0")/lib/common.sh"

expect() {
	local want=$1
	shift
	cprof --headless -o "$T/s.db" "$@"
	local rc=$?
	[ $rc -eq "$want" ] || fail "cprof-tui --headless $* exited $rc, expected $want"
	[ -n "$(meta "$T/s.db" ended_at)" ] || fail "$*: session has no ended_at"
	rm -f "$T/s.db" "$T/s.db-wal" "$T/s.db-shm"
}

expect 0 "$WL/exitcode" 0
expect 3 "$WL/exitcode" 3
expect 255 "$WL/exitcode" 255
expect 143 "$WL/diesig" 15 # SIGTERM
expect 139 "$WL/diesig" 11 # SIGSEGV
expect 134 "$WL/diesig" 6  # SIGABRT
expect 137 "$WL/diesig" 9  # SIGKILL
expect 138 "$WL/diesig" 10 # SIGUSR1
pass "exit 0/3/255 and signals 15/11/6/9/10 passed through"
