#!/bin/bash
# Golden screens of every view on the fixture session (tests/ui/mkfixture.c),
# driven headless through CPROF_TUI_SCRIPT: functions, source (hottest line,
# scrolled, missing file with --source-path, a library without line
# information), callers, files, threads, backtrace and its frame's source,
# help, search, sort, resize.
. "$(dirname "$0")/lib.sh"

make_fixture

run_script browse --source-path extra fixture.db <<'KEYS'
:dump functions.txt
Enter
:dump source.txt
>
>
:dump source-scrolled.txt
<
<
N
N
:dump source-prev-hot.txt
Esc
/
:type lost
Enter
Enter
:dump source-missing.txt
q
/
:type compute
Enter
c
:dump callers.txt
Enter
:dump callers-of-caller.txt
Esc
Esc
Tab
:dump files.txt
Tab
:dump threads.txt
Enter
:dump backtrace.txt
Down
Enter
:dump backtrace-source.txt
F1
:dump help.txt
KEYS
for s in functions source source-scrolled source-prev-hot source-missing callers \
	callers-of-caller files threads backtrace backtrace-source help; do
	check_screen "$s"
done

# Processes (S-Tab from Functions wraps to it), narrowing to one and back;
# a focus on compute (saved in the session: on a copy of the fixture); the
# notes on this profile.
cp "$T/fixture.db" "$T/focus.db"
run_script processes focus.db <<'KEYS'
S-Tab
:dump processes.txt
Enter
:dump processes-narrowed.txt
x
Tab
f
:type comp*
Enter
:dump functions-focus.txt
i
:dump notes.txt
KEYS
for s in processes processes-narrowed functions-focus notes; do
	check_screen "$s"
done
[ "$(sqlite3 "$T/focus.db" "SELECT pattern FROM focus")" = 'comp*' ] || fail "the focus set with f is not saved"

run_script sort fixture.db <<'KEYS'
s
:dump functions-by-total.txt
Down
Down
Down
s
s
s
:dump functions-sort-kept.txt
KEYS
check_screen functions-by-total
check_screen functions-sort-kept

# memcpy is libc's, without line information: nothing to look for
run_script nolines --source-path extra fixture.db <<'KEYS'
/
:type memcpy
Enter
Enter
:dump source-nolines.txt
KEYS
check_screen source-nolines

run_script resize fixture.db <<'KEYS'
:resize 79x23
:dump too-small.txt
:resize 120x30
:dump functions-wide.txt
KEYS
check_screen too-small
check_screen functions-wide

# A command too long for the header is cut; the pid after it stays whole.
cp "$T/fixture.db" "$T/longcmd.db"
sqlite3 "$T/longcmd.db" "UPDATE meta SET value = './fixture-prog --size 100 ' || hex(zeroblob(40)) WHERE key = 'command'" ||
	fail "cannot lengthen the fixture's command"
run_script longcmd longcmd.db <<'KEYS'
:dump longcmd.txt
KEYS
[ "$(sqlite3 "$T/longcmd.db" "SELECT length(value) FROM meta WHERE key = 'command'")" -gt 80 ] ||
	fail "the fixture's command was not lengthened"
head -n 1 "$T/longcmd.txt" | grep -q '^ ./fixture-prog --size 100 .*  pid 4242  .*samples' ||
	fail "header with a long command: '$(head -n 1 "$T/longcmd.txt")'"

# Every string from the session is escaped: no raw control characters.
if grep -l "$(printf '\033')" "$T"/*.txt; then
	fail "a screen holds a raw escape character"
fi
[ "$FAILED" = 0 ] || fail "screens differ from the golden ones"
pass
