#!/bin/bash
# The session is readable while it is written, and a cprof-tui killed with
# SIGKILL mid-session leaves a file that sqlite3 and --report open, holding
# at least what had been committed.
. "$(dirname "$0")/lib/common.sh"

bg "$CPROF" --headless -o "$T/s.db" "$WL/split2" 10 2>"$T/cprof.err"
cp=$!
seen=0
for i in $(seq 100); do
	seen=$(sql "$T/s.db" "SELECT count(*) FROM samples" 2>/dev/null) || seen=0
	[ "${seen:-0}" -ge 1500 ] && break
	sleep 0.1
done
ge "${seen:-0}" 1500 || fail "samples table had only ${seen:-0} rows after 10 s of live reads (not readable while written?)"
target=$(meta "$T/s.db" pid)
kill -9 "$cp"
wait "$cp" 2>/dev/null
# a launched target goes with its profiler (like a debugger's); do not leave it
if [ -n "$target" ] && ! wait_exit "$target" 2; then
	note "launched target $target outlived its killed profiler; killing it"
	kill -9 "$target" 2>/dev/null
fi

ok=$(sql "$T/s.db" "PRAGMA integrity_check") || fail "sqlite3 cannot open the killed session"
[ "$ok" = ok ] || fail "integrity_check: $ok"
n=$(sql "$T/s.db" "SELECT count(*) FROM samples")
ge "$n" "$seen" || fail "$n samples after the kill, $seen were already readable before"
cprof_split "$T/s.db" >"$T/cprof.split"
a=$(share_of "$T/cprof.split" work_a)
within "$a" 75 4 || fail "killed session: work_a $a%, expected 75%"
pass "$n samples survived ($seen read live before the kill), work_a $a%"
