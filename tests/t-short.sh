#!/bin/bash
# Programs that live a few milliseconds: /bin/true, /bin/false and a tiny
# workload; the default session name; a report of a session with no samples.
. "$(dirname "$0")/lib/common.sh"

for prog in /bin/true "$WL/short"; do
	cprof --headless -o "$T/s.db" "$prog"
	rc=$?
	[ $rc -eq 0 ] || fail "cprof-tui --headless $prog exited $rc"
	n=$(meta "$T/s.db" samples)
	case "$n" in '' | *[!0-9]*) fail "$prog: meta samples is '$n'" ;; esac
	report "$T/s.db" function >"$T/fn.tsv" || fail "$prog: --report failed"
	[ "$(head -n 1 "$T/fn.tsv")" = "$(printf 'self\ttotal\tself_pct\ttotal_pct\tfunction\tfile\tline')" ] ||
		fail "$prog: report header is '$(head -n 1 "$T/fn.tsv")'"
	rm -f "$T/s.db" "$T/s.db-wal" "$T/s.db-shm"
done
cprof --headless -o "$T/s.db" /bin/false
rc=$?
[ $rc -eq 1 ] || fail "cprof-tui --headless /bin/false exited $rc, expected 1"

mkdir "$T/cwd"
(cd "$T/cwd" && cprof --headless "$WL/short") || fail "cprof-tui without -o failed"
ls "$T/cwd" | grep -Eq '^cprof-short-[0-9]+\.db$' || fail "default session name: found '$(ls "$T/cwd" | tr '\n' ' ')', expected cprof-short-PID.db"
pass "short-lived programs profiled; default name $(ls "$T/cwd" | grep -E '\.db$')"
