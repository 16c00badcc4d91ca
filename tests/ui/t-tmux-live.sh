#!/bin/bash
# The real binary in tmux on a live workload (split2: work_a 75%, work_b 25%):
# drill-down and back, search, toggling a file and the re-attribution, help,
# threads and backtrace, pause, resize, and quitting a launched program.
. "$(dirname "$0")/lib.sh"

WL=$BUILDDIR/tests/workloads/split2
[ -x "$WL" ] || fail "no $WL (build it: make check TESTS=)"
tmux_start "$CPROF" -o "$T/live.db" "$WL" 60

wait_screen 'running .* samples'
wait_line 4 '^ +[0-9.]+ +[0-9.]+ +[0-9]+ +work_a '
# Drill into the hottest function's source, and back.
tmux_keys Enter
wait_screen 'Functions > Source split2_a.c:'
wait_screen '# +[0-9]+ +x = x \* 6364136223846793005'
tmux_keys Escape
wait_screen '^ Functions '

# Search, then drill into what was found.
tmux_keys / w o r k _ b Enter Enter
wait_screen 'Functions > Source split2_b.c:'
tmux_keys q
wait_screen '^ Functions '

# Toggle split2_b.c out: work_b's self time moves to its caller, main.
tmux_keys Tab / s p l i t 2 _ b Enter Space
wait_screen 'split2_b.c is no longer profiled'
wait_screen '^ \[ \] .*split2_b.c'
# (Back in Functions the cursor keeps work_b where it was on the screen: once
# work_b sorts lower, that scrolls the top rows away when the list is longer
# than the screen, as when samples of ld.so's start-up add a dozen functions.
# Home shows the top.)
tmux_keys BTab Home
wait_screen '^ +(1[5-9]|2[0-9]|3[0-5])\.[0-9] +[0-9.]+ +[0-9]+ +run '
screen | grep -Eq ' work_b ' && ! screen | grep -Eq '^ +0\.0 +[0-9.]+ +0 +work_b ' &&
	fail "work_b still has self samples after its file was unprofiled: $(screen | grep work_b)"
# ... and back in.
tmux_keys Tab Space
wait_screen '^ \[x\] .*split2_b.c'
tmux_keys BTab Home
wait_screen '^ +(1[5-9]|2[0-9]|3[0-5])\.[0-9] +[0-9.]+ +[0-9]+ +work_b '

# Help lists the keys; q leaves it.
tmux_keys '?'
wait_screen 'Esc Backspace +Back to exactly where you were'
tmux_keys q
wait_screen '^ Functions '

# Threads, the latest backtrace, its innermost frame's source.
tmux_keys Tab Tab
wait_screen '^ +PID +TID +Name'
tmux_keys Enter
wait_screen 'Threads > Backtrace of [0-9]+'
wait_screen '#[0-9] +main '
tmux_keys Home Enter
wait_screen 'Backtrace of [0-9]+ .* > Source split2'
tmux_keys q q
wait_screen '^ Threads '

# Pause and resume sampling.
tmux_keys p
wait_screen 'sampling paused'
tmux_keys p
wait_screen 'sampling resumed'

# Resize below the minimum and back.
tmux_ resize-window -x 70 -y 20
wait_screen 'needs 80x24; this terminal is 70x20'
tmux_ resize-window -x 100 -y 30
wait_screen '^ +PID +TID +Name'

# q in a top view quits: the launched program is ended after the save.
tmux_keys q
status=$(wait_exit_status 15)
[ "$status" = 0 ] || fail "cprof-tui exited with $status after q"
"$CPROF" --report "$T/live.db" --by file --format tsv >"$T/files.tsv" 2>"$T/cprof.err" ||
	fail "the session cannot be reported after quitting"
grep -q 'split2_a.c' "$T/files.tsv" || fail "the saved session has no split2_a.c: $(cat "$T/files.tsv")"
pass
