#!/bin/bash
# Toggling a file out of the profiled set re-charges every view at once,
# is saved to the session file, and a reopened session and --report agree
# with what was on screen.
. "$(dirname "$0")/lib.sh"

make_fixture
run_script toggle fixture.db <<'KEYS'
Tab
/
:type util.c
Enter
Space
:dump files-toggled.txt
S-Tab
:dump functions-toggled.txt
KEYS
check_screen files-toggled
check_screen functions-toggled

run_script reopen fixture.db <<'KEYS'
:dump functions-reopened.txt
KEYS
check_screen functions-reopened
# The same rows as on screen before quitting (the status line differs).
diff <(head -n 23 "$T/functions-toggled.txt") <(head -n 23 "$T/functions-reopened.txt") ||
	fail "the reopened session shows other numbers than the screen did"

"$CPROF" --report "$T/fixture.db" --by file --format tsv >"$T/files.tsv" 2>"$T/cprof.err" ||
	fail "--report failed"
awk -F'\t' '$NF == "fixture/util.c" && $5 == 0 { found = 1 } END { exit !found }' "$T/files.tsv" ||
	fail "--report does not show fixture/util.c as not profiled: $(cat "$T/files.tsv")"
[ "$FAILED" = 0 ] || fail "screens differ from the golden ones"
pass
