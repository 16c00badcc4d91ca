#!/bin/bash
# Golden screens of the timeline on the fixture session (100 samples, one a
# millisecond, in two threads: the worker's end at 70 ms, checksum alone
# after it): t from Functions, a range marked from the end back and Enter,
# which narrows Functions and the flame graph to checksum (the header says
# the range), T back to the whole session; by process, a finer scale.
. "$(dirname "$0")/lib.sh"

make_fixture

run_script timeline fixture.db < <(
	printf '%s\n' t ':dump timeline.txt' End Space
	printf 'Left\n%.0s' {1..14}
	cat <<'KEYS'
:dump timeline-marked.txt
Enter
:dump timeline-narrowed.txt
Esc
:dump functions-range.txt
g
:dump flame-range.txt
g
T
:dump functions-whole.txt
t
s
+
Right
Right
:dump timeline-process.txt
Space
Esc
:dump timeline-unmarked.txt
Esc
:dump timeline-closed.txt
KEYS
)
for s in timeline timeline-marked timeline-narrowed functions-range flame-range timeline-process; do
	check_screen "$s"
done
sed -n 2p "$T/functions-range.txt" | grep -q '  time 0.072-0.102s  ' ||
	fail "the header does not show the range: $(sed -n 2p "$T/functions-range.txt")"
sed -n 2p "$T/functions-whole.txt" | grep -q 'time' &&
	fail "T left a range: $(sed -n 2p "$T/functions-whole.txt")"
grep -q '^ the whole session again ' "$T/functions-whole.txt" || fail "T did not say so"
grep -q '^   60.0   60.0        60   checksum ' "$T/functions-whole.txt" ||
	fail "T did not count every sample again: $(sed -n 4p "$T/functions-whole.txt")"
# Esc drops a mark before it leaves the view
grep -q '> Timeline at ' "$T/timeline-unmarked.txt" || fail "Esc did not drop the mark"
grep -q '^ Functions  ' "$T/timeline-closed.txt" || fail "Esc did not leave the timeline"
[ "$FAILED" = 0 ] || fail "screens differ from the golden ones"
pass
