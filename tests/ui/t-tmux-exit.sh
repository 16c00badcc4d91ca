#!/bin/bash
# When the launched program ends by itself, the TUI stays open on the final
# profile and says how it ended; q then exits with the program's status.
. "$(dirname "$0")/lib.sh"

WL=$BUILDDIR/tests/workloads/exitcode
[ -x "$WL" ] || fail "no $WL (build it: make check TESTS=)"
tmux_start "$CPROF" -o "$T/exit.db" "$WL" 3 1
wait_screen 'exited with status [0-9]+' 20
wait_screen 'session over: exited with status'
sleep 0.5
[ -s "$T/exit" ] && fail "cprof-tui quit by itself when the program ended"
want=$(screen | sed -n 's/.*exited with status \([0-9]*\).*/\1/p' | head -n 1)
tmux_keys q
status=$(wait_exit_status 15)
[ "$status" = "$want" ] || fail "cprof-tui exited with $status, the program with $want"
pass
