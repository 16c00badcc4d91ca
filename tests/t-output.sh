#!/bin/bash
# -o never destroys what it should not, and a session being written is
# locked. Refused with one line and exit 2, before the program is launched:
# a file that is not a session (unless --force), the program being
# profiled itself (even with --force), a session another cprof-tui is
# writing. A session, an empty file and (with --force) a text file are
# replaced; a writer killed with SIGKILL leaves no lock behind. Seen before:
# `-o ./myprog ./myprog` deleted the program (0 samples, no message), and a
# second recorder on one -o unlinked the first's database and WAL while the
# first went on to print "session: same.db" and exit 0.
. "$(dirname "$0")/lib/common.sh"

# refused WHAT ARGS...: exit 2, one line on stderr naming the file
refused() {
	local what=$1
	shift
	timeout -k 2 20 "$CPROF" --headless "$@" >"$T/out" 2>"$T/err" </dev/null
	local rc=$?
	[ $rc -eq 2 ] || fail "$what: exit $rc, expected 2; stderr: $(head -c 300 "$T/err")"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "$what: $(wc -l <"$T/err") lines on stderr, expected 1: $(cat "$T/err")"
}

cd "$T" || fail "cannot cd to $T"
cp "$WL/short" ./myprog || fail "cannot copy the short workload"
sum_prog=$(cksum <myprog)

# the program being profiled, with and without --force
refused "-o ./myprog ./myprog" -o ./myprog ./myprog
grep -q "is the program being profiled" "$T/err" || fail "-o ./myprog ./myprog: $(cat "$T/err")"
refused "-o ./myprog --force ./myprog" --force -o ./myprog ./myprog
ln -s myprog link-to-prog
refused "-o a link to the program" --force -o ./link-to-prog ./myprog
[ "$(cksum <myprog)" = "$sum_prog" ] || fail "-o ./myprog ./myprog changed the program"

# a text file: refused before the program runs, kept; --force replaces it
echo "my notes" >notes.txt
refused "-o notes.txt" -o notes.txt "$WL/split2" -T "$T/ran" 1
grep -q "notes.txt exists and is not a cprof-tui session.*--force" "$T/err" || fail "-o notes.txt: $(cat "$T/err")"
[ "$(cat notes.txt)" = "my notes" ] || fail "-o notes.txt changed the file"
[ ! -e "$T/ran" ] || fail "-o notes.txt: the program ran although the session was refused"
cprof --headless --force -o notes.txt "$WL/short" || fail "--force -o notes.txt: exit $?: $(cat "$T/cprof.err")"
ge "$(sql notes.txt "SELECT count(*) FROM samples")" 1 || fail "--force -o notes.txt: no session written"

# a session and an empty file are replaced without --force
cprof --headless -o notes.txt "$WL/short" || fail "replacing a session: exit $?: $(cat "$T/cprof.err")"
: >empty.db
cprof --headless -o empty.db "$WL/short" || fail "-o an empty file: exit $?: $(cat "$T/cprof.err")"

# two recorders on one -o: the second is refused, the first's file is whole
bg "$CPROF" --headless -o same.db "$WL/split2" 3 2>"$T/first.err"
first=$!
wait_file same.db 10 || fail "the first recorder made no same.db"
sleep 0.5
refused "a second writer of same.db" -o same.db "$WL/split2" -T "$T/ran2" 1
grep -q "same.db is being written by another cprof-tui" "$T/err" || fail "second writer: $(cat "$T/err")"
[ ! -e "$T/ran2" ] || fail "second writer: the program ran although the session was refused"
wait "$first"
rc=$?
[ $rc -eq 0 ] || fail "the first recorder exited $rc: $(tail -n 3 "$T/first.err")"
n=$(sql same.db "SELECT count(*) FROM samples")
k=$(sed -n 's/^cprof-tui: \([0-9]*\) samples in .*/\1/p' "$T/first.err")
[ "$n" = "$k" ] && [ "$n" = "$(meta same.db samples)" ] ||
	fail "the first recorder took $k samples, same.db holds $n (meta $(meta same.db samples))"

# a writer killed with SIGKILL: its lock goes with it
killed_session killed.db 100
cprof --headless -o killed.db "$WL/short" || fail "after the writer was killed: exit $?: $(cat "$T/cprof.err")"
pass "refused: the program itself (forced or not), a text file, a session being written; replaced: a session, an empty file, a forced text file, a killed writer's session"
