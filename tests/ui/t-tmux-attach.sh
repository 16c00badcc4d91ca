#!/bin/bash
# Attach to a running process from the TUI; q detaches and leaves it running,
# untraced and not stopped.
. "$(dirname "$0")/lib.sh"

WL=$BUILDDIR/tests/workloads/split2
[ -x "$WL" ] || fail "no $WL (build it: make check TESTS=)"
"$WL" 60 &
target=$!
trap 'kill -9 $target 2>/dev/null; tmux_ kill-server 2>/dev/null; _cleanup' EXIT
tmux_start "$CPROF" -o "$T/attach.db" -p "$target"
trap 'kill -9 $target 2>/dev/null; tmux_ kill-server 2>/dev/null; _cleanup' EXIT

wait_screen "pid $target .*running"
wait_screen ' work_a '
tmux_keys q
status=$(wait_exit_status 15)
[ "$status" = 0 ] || fail "cprof-tui exited with $status after q"
kill -0 "$target" 2>/dev/null || fail "the attached target is gone"
sleep 0.3
tracer=$(awk '$1 == "TracerPid:" { print $2 }' "/proc/$target/status")
state=$(awk '$1 == "State:" { print $2 }' "/proc/$target/status")
[ "$tracer" = 0 ] || fail "the target is still traced (TracerPid $tracer)"
[ "$state" = R ] || [ "$state" = S ] || fail "the target is left in state $state"
pass
