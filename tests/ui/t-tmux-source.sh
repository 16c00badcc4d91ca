#!/bin/bash
# The source view of a live session while its files change under it: the
# file shown is truncated (an editor's save, git checkout), made larger than
# a source view reads, and replaced by a FIFO. The TUI neither crashes
# (a mapped file gave SIGBUS) nor blocks (opening a FIFO waits for a
# writer): it keeps sampling, says why a file is not shown, and quits
# normally; the attached program runs on unharmed and the session is whole.
. "$(dirname "$0")/lib.sh"

command -v cc >/dev/null || skip "no C compiler (apt-get install build-essential)"
src=$UI_SRCDIR/../workloads
mkdir "$T/src" && cp "$src"/split2.c "$src"/split2_a.c "$src"/split2_b.c "$src"/split2.h "$src"/wl.h "$T/src" ||
	fail "cannot copy split2's sources"
(cd "$T/src" && cc -g -O1 -pthread -o "$T/split2" split2.c split2_a.c split2_b.c) ||
	fail "cannot build split2 from its copied sources"
"$T/split2" 60 &
target=$!
kill_at_exit $target
tmux_start "$CPROF" -o "$T/source.db" -p "$target"
wait_screen "pid $target .*running"
wait_line 4 ' work_a '

# samples_grow: the header's sample count moves on (the TUI is not stuck).
samples() { screen | sed -n '1s/.*  \([0-9]*\) samples .*/\1/p'; }
samples_grow() {
	local n0 n1 i
	n0=$(samples)
	for i in $(seq 30); do
		sleep 0.1
		n1=$(samples)
		[ -n "$n1" ] && [ "${n1:-0}" -gt "${n0:-0}" ] && return 0
	done
	[ -s "$T/exit" ] && fail "$1: cprof-tui ended, exit status $(cat "$T/exit")"
	screen
	fail "$1: the TUI is stuck (samples $n0 -> $n1)"
}

tmux_keys Enter
wait_screen 'Functions > Source split2_a.c:'
wait_screen 'x = x \* 6364136223846793005'
: >"$T/src/split2_a.c"
tmux_keys End Home
samples_grow "split2_a.c truncated while shown"
wait_screen 'x = x \* 6364136223846793005' # the text as it was read
tmux_keys q
truncate -s 40M "$T/src/split2_a.c"
tmux_keys Enter
wait_screen 'Source file not shown: .*split2_a.c'
wait_screen 'split2_a.c \(over 32 MiB: too large to show\)'
tmux_keys q

rm "$T/src/split2_b.c" && mkfifo "$T/src/split2_b.c" || fail "cannot make a FIFO"
tmux_keys / w o r k _ b Enter Enter
wait_screen 'Source file not shown: .*split2_b.c'
wait_screen 'split2_b.c \(not a regular file\)'
samples_grow "split2_b.c a FIFO"
tmux_keys q q
status=$(wait_exit_status 10)
[ "$status" = 0 ] || fail "cprof-tui exited with $status after q"
assert_unharmed "$target"
session_ok "$T/source.db"
pass
