#!/bin/bash
# The timeline in tmux on a live program that changes phase halfway
# (phases: phase_one for 1.5 s, then phase_two): zoomed in, it scrolls with
# the newest samples; once the program has ended, a range marked over the
# first 40% of the session narrows Functions to phase_one, one over the
# last 40% to phase_two, the header says the range, and T counts everything
# again. Before that, while the session grows out of its scale, a cursor
# moved back from the newest cell stays at its time.
. "$(dirname "$0")/lib.sh"

WL=$BUILDDIR/tests/workloads/phases
[ -x "$WL" ] || fail "no $WL (build it: make check TESTS=)"
SECONDS_RUN=4

# the first tick of the ruler, in seconds
first_tick() { screen | sed -n '3s/^[^|]*|\([0-9.]*\)s.*/\1/p'; }
# the seconds a cell of the title: "Timeline at 1.2s, 0.05s a cell"
cell() { screen | sed -n 's/.*Timeline at [0-9.]*s, \([0-9.]*\)s a cell.*/\1/p'; }
# the cursor's time in the title
cursor_at() { screen | sed -n 's/.*Timeline at \([0-9.]*\)s, [0-9.]*s a cell.*/\1/p'; }
# functions_only YES NO: Functions lists YES and not NO
functions_only() {
	wait_screen "^ +[0-9.]+ +[0-9.]+ +[0-9]+ +$1 "
	screen | grep -q " $2 " && { screen; fail "narrowed to $1's phase, Functions still lists $2"; }
	return 0
}

tmux_start "$CPROF" -o "$T/phases.db" "$WL" $SECONDS_RUN
wait_screen 'running .* samples'
tmux_keys t
wait_screen 'Timeline at [0-9.]+s, [0-9.]+s a cell'
tmux_keys Home
tmux_keys -N 5 Right
sleep 0.3
c0=$(cell) at0=$(cursor_at) c1=$c0
for _ in $(seq 40); do # until the growing session changes the scale
	[ "$c1" != "$c0" ] && break
	sleep 0.1
	c1=$(cell)
done
[ "$c1" != "$c0" ] || fail "the live timeline kept ${c0}s a cell for 4 s: no change of scale to test"
at1=$(cursor_at)
awk -v a="$at0" -v b="$at1" -v c="$c1" 'BEGIN { d = a - b; exit !(d >= -c/2 && d <= c + 0.0001) }' ||
	fail "the cursor moved in time when the scale went from ${c0}s to ${c1}s a cell: at ${at0}s, then ${at1}s"
tmux_keys End
# a millisecond a cell: 74 ms on the strip, which moves on with the samples
tmux_keys + + + + + +
wait_screen 'Timeline at [0-9.]+s, 0.001s a cell'
t0=$(first_tick) t1=$t0
for _ in $(seq 50); do # until it has moved on 0.2 s, or the session is over
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b > a + 0.2) }' && break
	screen | grep -q 'session over' && break
	sleep 0.1
	t1=$(first_tick)
done
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b > a + 0.2) }' ||
	fail "zoomed in, the live timeline does not scroll: its first tick at ${t0}s, then ${t1}s"
wait_screen 'session over' 10
# zoomed out to where the session fits
tmux_keys - - - - - - - - - - - -
wait_screen 'Timeline at [0-9.]+s, [0-9.]+s a cell'
step=$(cell)
n=$(awk -v s="$step" -v d=$SECONDS_RUN 'BEGIN { print int(0.4 * d / s) }')
[ "$n" -ge 5 ] || fail "the timeline has $step s a cell for a ${SECONDS_RUN}s session"

tmux_keys Home Space
tmux_keys -N "$n" Right
wait_screen 'Timeline: marked 0.0+s-'
tmux_keys Enter
wait_screen 'every view narrowed to 0.0+s-[0-9.]+s \(T: the whole session\)'
wait_line 2 '  time 0.000-1\.[0-9]+s  '
tmux_keys Escape
functions_only phase_one phase_two

tmux_keys t End Space
tmux_keys -N "$n" Left
wait_screen 'Timeline: marked'
tmux_keys Enter Escape
wait_line 2 '  time [1-3]\.[0-9]+-[2-4]\.[0-9]+s  '
functions_only phase_two phase_one

tmux_keys T
wait_screen 'the whole session again'
wait_screen ' phase_one '
wait_screen ' phase_two '
tmux_keys q
[ "$(wait_exit_status 10)" = 0 ] || fail "cprof-tui did not quit cleanly"
pass "each phase's range narrowed Functions to its function"
