#!/bin/bash
# The real binary in tmux on a live test runner (children in parallel, in
# sequence, and short, as tests/workloads/runner.sh): the Processes view fills
# with the children as they come, Enter narrows every view to one of them
# (its own test function alone in Functions), x shows all again; once the
# runner has exited, the header counts the processes ended and i shows the
# notes.
. "$(dirname "$0")/lib.sh"

TCASE=$BUILDDIR/tests/workloads/tcase
[ -x "$TCASE" ] || fail "no $TCASE (build it: make check TESTS=)"
# a runner whose two parallel tests last until the checks of the live
# view are done (however slow the machine), then one more and 30 short ones
mkfifo "$T/go"
cat >"$T/runner.sh" <<END
"$TCASE" parse 60 & p=\$!
"$TCASE" sort 60 & s=\$!
read go <"$T/go"
kill \$p \$s; wait
"$TCASE" hash 0.3
i=0; while [ \$i -lt 30 ]; do "$TCASE" sort 0.01; i=\$((i + 1)); done
exit 3
END
tmux_start "$CPROF" -o "$T/r.db" sh "$T/runner.sh"
wait_screen 'running .* samples'
tmux_keys BTab
wait_screen '^ +PID +Samples +Share% +Status +Time +Command'
wait_screen 'running +.*tcase parse'
wait_screen 'running +.*tcase sort'
# the parse test's row: search for it, narrow to it
tmux_keys / p a r s e Enter Enter
wait_screen 'narrowed to process [0-9]+ \(x: every process\)'
wait_screen 'only pid [0-9]+'
tmux_keys Tab
wait_line 4 '^ +[0-9.]+ +[0-9.]+ +[0-9]+ +test_parse '
screen | grep -q 'test_sort' && fail "narrowed to the parse test, Functions still shows test_sort"
tmux_keys x
wait_screen 'every process again'
wait_screen 'test_sort'
echo go >"$T/go"
# the runner ends (exit 3): the session is over, the notes are offered
wait_screen 'session over: exited with status 3'
wait_screen 'processes 0 running [0-9]+ ended'
tmux_keys i
wait_screen 'Why this profile is thin'
tmux_keys i q
status=$(wait_exit_status 15)
[ "$status" = 3 ] || fail "cprof-tui exited $status, expected the runner's 3"
pass "children listed live, narrowing and back, processes counted, notes shown"
