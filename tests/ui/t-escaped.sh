#!/bin/bash
# Every string the TUI shows from a session file is escaped, the header and
# the status line included: a session whose start time, command, paths,
# function and thread names hold control characters (newline, carriage
# return, ESC sequences, BEL, a C1 CSI), in a file whose own name holds
# some, and an error from SQLite naming that file. No screen holds a raw
# control character or ncurses' "^[" stand-in, no line is broken, and what
# is escaped is escaped once.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || skip "sqlite3 shell not installed (apt-get install sqlite3)"
make_fixture
nl=$'\n' esc=$'\e'
name="hostile${esc}[2J${nl}.db" db="$T/hostile${esc}[2J${nl}.db"
mv "$T/fixture.db" "$db" || fail "cannot rename the fixture"
sqlite3 "$db" "
	UPDATE meta SET value = '2026-01-02' || char(10) || char(27) || '[2J' || char(13) || 'X'
		WHERE key = 'started_at';
	UPDATE meta SET value = './prog' || char(9) || char(7) || char(155) || '31m' || char(10) || 'arg'
		WHERE key = 'command';
	UPDATE files SET path = path || char(10) || 'next' WHERE path LIKE 'fixture/ctrl%';
	UPDATE frames SET function = function || char(13) || 'cr' WHERE function LIKE 'evil%';" ||
	fail "cannot make the fixture hostile"

# While the TUI runs, another connection holds the write lock: saving a
# toggle fails with SQLite's error, which names the file.
command -v python3 >/dev/null || skip "python3 not installed (apt-get install python3)"
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(60)' "$db" "$T/locked" &
locker=$!
kill_at_exit $locker
for i in $(seq 50); do
	[ -e "$T/locked" ] && break
	sleep 0.1
done
[ -e "$T/locked" ] || fail "cannot hold the session's write lock"
run_script hostile "$name" <<'KEYS'
:resize 160x24
:dump functions.txt
/
:type evil
Enter
Enter
:dump source.txt
Esc
c
:dump callers.txt
Esc
Tab
/
:type ctrl
Enter
Space
:dump files.txt
Tab
Enter
:dump backtrace.txt
Esc
Down
Enter
:dump backtrace2.txt
KEYS
kill -9 $locker
wait $locker 2>/dev/null
# ... and once it is let go, the toggle is saved; the message names the file.
run_script toggle "$name" <<'KEYS'
:resize 160x24
Tab
/
:type ctrl
Enter
Space
:dump toggled.txt
KEYS

for s in functions source callers files backtrace backtrace2 toggled; do
	f=$T/$s.txt
	[ -s "$f" ] || fail "no screen $s"
	[ "$(wc -l <"$f")" = 24 ] || fail "screen $s has $(wc -l <"$f") lines, not 24: a line was broken"
	LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$f") && fail "screen $s holds a raw control character"
	grep -qF '^[' "$f" && fail "screen $s holds ncurses' ^[ for a raw ESC: $(grep -F '^[' "$f")"
	grep -qF '\\' "$f" && fail "screen $s escapes something twice: $(grep -F '\\' "$f")"
done
header=$(sed -n 2p "$T/functions.txt")
case $header in
*'hostile\x1b[2J\n.db '*'started 2026-01-02\n\x1b[2J\rX'*) ;;
*) fail "the header does not show the file name and start time escaped: '$header'" ;;
esac
case $(sed -n 1p "$T/functions.txt") in
' ./prog\t\x07\u009b31m\narg  pid 4242'*) ;;
*) fail "the header does not show the command escaped: '$(sed -n 1p "$T/functions.txt")'" ;;
esac
grep -qF 'evil\x1b[2Jname\rcr' "$T/functions.txt" || fail "the function name is not shown escaped"
grep -qF 'Source file not found: fixture/ctrl\x1b[31m.c\nnext' "$T/source.txt" ||
	fail "the source view does not name the file escaped"
status=$(tail -n 1 "$T/files.txt")
case $status in
' not saved: cannot write session '*'hostile\x1b[2J\n.db: database is locked'*) ;;
*) fail "the status line does not show SQLite's error, escaped: '$status'" ;;
esac
grep -qF ' fixture/ctrl\x1b[31m.c\nnext is no longer profiled' "$T/toggled.txt" ||
	fail "the toggle's message does not name the file escaped: '$(tail -n 1 "$T/toggled.txt")'"
grep -qF 'worker\x1b]0;pwned\x07' "$T/backtrace.txt" "$T/backtrace2.txt" ||
	fail "the backtrace's thread name is not shown escaped"
pass
