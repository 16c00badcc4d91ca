#!/bin/bash
# Golden screens of the flame graph on the fixture session: g from
# Functions, moving down to a callee and beside it, zooming in and out, a
# search and its share, the source of a frame, g again closes it; a file
# toggled out of the profiled set (its frames folded into their caller),
# and a focus. The widths are the fixture's counts to the cell: on 80
# columns, main 90% is 72 cells and compute 60% 48.
. "$(dirname "$0")/lib.sh"

make_fixture

run_script flame --source-path extra fixture.db <<'KEYS'
g
:dump flame.txt
Down
Down
Right
:dump flame-moved.txt
Enter
:dump flame-zoomed.txt
Esc
/
:type check
Enter
:dump flame-search.txt
o
:dump flame-source.txt
q
g
:dump flame-closed.txt
KEYS
for s in flame flame-moved flame-zoomed flame-search flame-source flame-closed; do
	check_screen "$s"
done

# main is 90 of 100 samples: 72 of 80 cells, the gap of an eighth in its
# last one, the outside frame's label after it
line=$(sed -n 5p "$T/flame.txt")
[ "${line:0:4}" = main ] && [ "${line:71:1}" = "▉" ] && [ "${line:72:3}" = "(ou" ] ||
	fail "main is not 72 cells of 80: '$line'"

# util.c out of the profiled set: checksum folds into compute; a focus on
# copy_buffers leaves its path alone (on a copy: both are saved)
cp "$T/fixture.db" "$T/toggled.db"
run_script toggled toggled.db <<'KEYS'
Tab
/
:type util.c
Enter
Space
g
:dump flame-toggled.txt
g
S-Tab
f
:type copy*
Enter
g
:dump flame-focus.txt
KEYS
check_screen flame-toggled
check_screen flame-focus

# Keys before the views were ever drawn (a terminal too small) do nothing
# (they used what a first drawing makes, and crashed)
run_script small fixture.db <<'KEYS'
:resize 79x23
g
Down
Right
Enter
/
:type comp
Enter
o
g
t
Space
Right
Enter
+
:resize 80x24
:dump small.txt
KEYS
grep -q '^ Functions > Timeline at 0.000s' "$T/small.txt" ||
	fail "after keys on a small terminal: $(tail -n 1 "$T/small.txt")"
[ "$FAILED" = 0 ] || fail "screens differ from the golden ones"
pass
