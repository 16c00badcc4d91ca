#!/bin/bash
# The flame graph in tmux on a live split2 (work_a 75%, work_b 25% of the
# work): it updates live; once the program has ended, work_a and work_b are
# drawn side by side at 3:1, each as wide as its samples to a cell (the
# frames measured from the pane's cells and their attributes, as a user
# sees them, by flame-frames.py), told apart without colours (NO_COLOR) and
# in colour; Enter zooms into work_b, Esc zooms out, o opens work_a's source.
. "$(dirname "$0")/lib.sh"

WL=$BUILDDIR/tests/workloads/split2
[ -x "$WL" ] || fail "no $WL (build it: make check TESTS=)"
command -v python3 >/dev/null || skip "python3 not installed (apt-get install python3)"
WIDTH=100

# frames N: the frames of line N of the pane, "label start end colour"
frames() { tmux_ capture-pane -e -p -N | python3 "$UI_SRCDIR/flame-frames.py" "$1"; }
# the line of the pane with a frame labelled $1
frame_line() { screen | grep -n -m1 -- "$1" | cut -d: -f1; }
# width LABEL LINE: a frame's width in cells
width() { frames "$2" | awk -v l="$1" '$1 == l { print $3 - $2 }'; }
# share LABEL: the selected frame's total% in the header, once searched for
share() {
	tmux_keys / "$1" Enter
	wait_line 3 "^ $1  total [0-9.]+%"
	screen | sed -n '3s/^ [^ ]*  total \([0-9.]*\)%.*/\1/p'
}
# near A B TOLERANCE: |A - B| <= TOLERANCE
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(d <= t && -d <= t) }'; }

tmux_start env NO_COLOR=1 "$CPROF" -o "$T/flame.db" "$WL" 3
wait_screen 'running .* samples'
tmux_keys g
wait_line 3 '^ all  total 100.0%  self 0.0%  [0-9]+ samples'
samples() { screen | sed -n '3s/.*  \([0-9]*\) samples.*/\1/p'; }
n0=$(samples) n1=$n0
for _ in $(seq 50); do # until the count moves, or the session is over
	[ "${n1:-0}" -gt "${n0:-0}" ] && break
	screen | grep -q 'session over' && break
	sleep 0.1
	n1=$(samples)
done
[ "${n1:-0}" -gt "${n0:-0}" ] || fail "the flame graph is not live: $n0 then $n1 samples"
wait_screen 'session over' 10

check_widths() {
	local row a b sa sb
	sa=$(share work_a)
	sb=$(share work_b)
	row=$(frame_line 'work_a.*work_b')
	[ -n "$row" ] || { screen; fail "$1: no line with work_a and work_b"; }
	a=$(width work_a "$row")
	b=$(width work_b "$row")
	echo "$1: work_a $a cells ($sa%), work_b $b cells ($sb%) of $WIDTH"
	[ -n "$a" ] && [ -n "$b" ] || { frames "$row"; fail "$1: work_a or work_b not told apart"; }
	near "$a" "$(awk -v s="$sa" -v w=$WIDTH 'BEGIN { print s * w / 100 }')" 1 ||
		fail "$1: work_a is $a cells for $sa% of $WIDTH"
	near "$b" "$(awk -v s="$sb" -v w=$WIDTH 'BEGIN { print s * w / 100 }')" 1 ||
		fail "$1: work_b is $b cells for $sb% of $WIDTH"
	# the sampled split within 3 points (as t-split2), and a cell's rounding
	near "$(awk -v a="$a" -v b="$b" 'BEGIN { print a / (a + b) }')" 0.75 0.04 ||
		fail "$1: work_a and work_b are $a and $b cells, not 3:1"
}
check_widths "no colour"

# work_b is selected: Enter zooms into it (the whole width), Esc back
row=$(frame_line 'work_a.*work_b')
tmux_keys Enter
wait_screen 'zoomed into work_b'
wb=$(width work_b "$row")
near "$wb" $WIDTH 0.2 || { frames "$row"; fail "zoomed into work_b, it is $wb cells wide"; }
tmux_keys Escape
wait_screen 'zoomed out to all'
tmux_keys / work_a Enter o
wait_screen 'Flame graph > Source split2_a.c:'
tmux_keys q q q
[ "$(wait_exit_status 10)" = 0 ] || fail "cprof-tui did not quit cleanly"

# the same session in colour: neighbours in different colours
tmux_ kill-server
rm -f "$T/exit"
tmux_start "$CPROF" "$T/flame.db"
wait_screen 'saved session'
tmux_keys g
wait_line 3 '^ all  total 100.0%'
check_widths "colour"
tmux_keys Up # neither selected (the selected frame has a colour of its own)
wait_line 3 '^ [^ ]+  total'
screen | sed -n 3p | grep -q '^ work_b ' && fail "Up did not leave work_b"
row=$(frame_line 'work_a.*work_b')
colours=$(frames "$row" | awk '$1 == "work_a" || $1 == "work_b" { print $4 }' | sort -u | grep -vc '^fg$')
[ "$colours" = 2 ] || { frames "$row"; fail "work_a and work_b are not in two colours"; }
pass "work_a and work_b at 3:1 to a cell, with and without colours"
