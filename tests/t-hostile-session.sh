#!/bin/bash
# --report on hostile and damaged session files, and into a full disk:
#  - ids of any value (2^62, 2^40, 3e9) load in bounded time and memory;
#  - SQLite's own error text quoting escapes from the file's schema is one
#    escaped line;
#  - names with escapes, C1 controls and invalid UTF-8 give valid JSON and
#    TSV without a control byte;
#  - a report never changes the file, a damaged WAL included;
#  - a report that cannot be written (/dev/full) exits non-zero, one line.
# Seen before: 2^62 overflowed the heap, 2^40 aborted, 3e9 took 29 s and
# 11.7 GB; ESC]0;..BEL ESC[2J reached the terminal; JSON passed invalid
# UTF-8; the report deleted a damaged WAL; `> /dev/full` exited 0.
. "$(dirname "$0")/lib/common.sh"

command -v python3 >/dev/null || skip "python3 not installed (./bootstrap.sh installs it)"
cprof --headless -o "$T/good.db" "$WL/split2" 0.5 || fail "cannot record a session of split2"
n=$(meta "$T/good.db" samples)

# one_line WHAT: the last command's stderr ($T/err) is one line, no control byte
one_line() {
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "$1: $(wc -l <"$T/err") lines on stderr: $(head -c 300 "$T/err" | od -c | head -n 5)"
	! LC_ALL=C grep -q '[[:cntrl:]]' "$T/err" || fail "$1: a control byte on stderr: $(od -c "$T/err" | head -n 5)"
}

# ids far from 0: each report within 10 s of CPU and 1 GB of address space
# (an ASan build, tests/sanitize.sh, maps terabytes of shadow: no limit there)
vmem=1000000
ldd "$CPROF" | grep -q libasan && vmem=unlimited
for shift in 4611686018427387904 1099511627776 3000000000; do
	cp "$T/good.db" "$T/ids.db"
	sql "$T/ids.db" "UPDATE files SET id = id + $shift;
		UPDATE frames SET file_id = file_id + $shift, function_file_id = function_file_id + $shift;" ||
		fail "cannot move the ids"
	(ulimit -t 10 -v $vmem; "$CPROF" --report "$T/ids.db" --format tsv >"$T/ids.tsv" 2>"$T/err")
	rc=$?
	[ $rc -eq 0 ] || fail "files.id + $shift: --report exit $rc: $(head -c 300 "$T/err")"
	s=$(col "$T/ids.tsv" self | awk '{ s += $1 } END { print s + 0 }')
	[ "$s" = "$n" ] || fail "files.id + $shift: the report counts $s samples of $n"
done

# an escape sequence in the schema, quoted by SQLite's error
cp "$T/good.db" "$T/evil.db"
sql "$T/evil.db" "PRAGMA writable_schema = ON; INSERT INTO sqlite_master VALUES('table',
	'x' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J', 'x', 0,
	'CREATE TABLE' || char(27) || '[2J' || char(10) || 'line two');" || fail "cannot plant the schema entry"
"$CPROF" --report "$T/evil.db" >/dev/null 2>"$T/err"
[ $? -eq 2 ] || fail "a damaged schema: exit $?, expected 2"
one_line "a damaged schema"

# names with escapes, C1 controls, invalid UTF-8: valid JSON, clean TSV
cp "$T/good.db" "$T/names.db"
sql "$T/names.db" "UPDATE frames SET function = 'f' || char(27) || '[2J' || char(7) || char(155) ||
		CAST(X'FF41C0AF' AS TEXT) || char(9) || 'x' WHERE function = 'work_a';
	UPDATE files SET path = path || CAST(X'E282' AS TEXT) || char(27) WHERE path LIKE '%split2_b.c';" ||
	fail "cannot plant the names"
"$CPROF" --report "$T/names.db" --format json >"$T/r.json" 2>"$T/err" || fail "--format json: exit $?"
python3 -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$T/r.json" 2>"$T/py.err" ||
	fail "--format json is not valid JSON in UTF-8: $(tail -n 1 "$T/py.err")"
for by in function line file; do
	"$CPROF" --report "$T/names.db" --by $by --format tsv >"$T/r.tsv" 2>"$T/err" || fail "--by $by tsv: exit $?"
	! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$T/r.tsv" || fail "--by $by tsv: a control byte: $(grep -a work "$T/r.tsv" | od -c | head -n 4)"
	! grep -qa $'\xc2[\x80-\x9f]' "$T/r.tsv" || fail "--by $by tsv: a C1 control"
	bad=$(awk -F'\t' 'NR == 1 { n = NF } NF != n' "$T/r.tsv" | wc -l)
	[ "$bad" = 0 ] || fail "--by $by tsv: $bad rows without the header's columns"
done
"$CPROF" --report "$T/names.db" >"$T/r.txt" 2>"$T/err" || fail "text report: exit $?"
! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$T/r.txt" || fail "text report: a control byte"

# a killed writer's WAL with a damaged tail: the report reads the commits
# before the damage and changes nothing
killed_session "$T/wal.db" 1000
[ -s "$T/wal.db-wal" ] || skip "the killed writer left no WAL (checkpointed?)"
size=$(stat -c %s "$T/wal.db-wal")
printf 'damaged!' | dd of="$T/wal.db-wal" bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
before=$(cat "$T/wal.db" "$T/wal.db-wal" | cksum)
"$CPROF" --report "$T/wal.db" >/dev/null 2>"$T/err" || fail "a damaged WAL: --report exit $?: $(cat "$T/err")"
[ -e "$T/wal.db-wal" ] || fail "--report deleted the WAL"
[ "$(cat "$T/wal.db" "$T/wal.db-wal" | cksum)" = "$before" ] || fail "--report changed the session or its WAL"

# a report on a closed session leaves nothing beside it (no -wal, no -shm)
rm -f "$T/good.db-wal" "$T/good.db-shm"
"$CPROF" --report "$T/good.db" >/dev/null 2>"$T/err" || fail "--report good.db: exit $?: $(cat "$T/err")"
[ ! -e "$T/good.db-wal" ] && [ ! -e "$T/good.db-shm" ] || fail "--report left $(ls "$T"/good.db-*) beside the session"

# a report that cannot be written
"$CPROF" --report "$T/good.db" >/dev/full 2>"$T/err"
rc=$?
[ $rc -ne 0 ] || fail "--report >/dev/full exits 0"
one_line "--report >/dev/full"
pass "ids 2^62/2^40/3e9 load; escapes and bad UTF-8 cleaned in errors, JSON, TSV, text; a damaged WAL kept; /dev/full: exit $rc"
