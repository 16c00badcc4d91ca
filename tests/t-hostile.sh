#!/bin/bash
# A launched program that traces cprof-tui itself with ptrace and holds it
# stopped (tests/workloads/hostile.c): both would wait for each other for
# ever. cprof-tui ends within seconds with one line saying why, and what it
# committed before opens and is consistent. The same when a child of the
# program does it (the ptrace backend traces that child too). In the TUI,
# the terminal is given back before that line.
. "$(dirname "$0")/lib/common.sh"

start=$(date +%s%N)
timeout -k 2 15 "$CPROF" --headless -o "$T/s.db" "$WL/hostile" -w 1.5 10 >/dev/null 2>"$T/cprof.err"
rc=$?
secs=$(( ($(date +%s%N) - start) / 1000000000 ))
[ $rc -ne 124 ] && [ $rc -ne 137 ] || fail "cprof-tui hung under a target that traces it (killed after 15 s)"
[ $rc -eq 2 ] || fail "cprof-tui exited $rc, expected 2"
grep -q "traces cprof-tui itself" "$T/cprof.err" || fail "no line saying why: $(tail -n 3 "$T/cprof.err")"
[ "$secs" -le 7 ] || fail "took $secs s to give up"
n=$(sql "$T/s.db" "SELECT count(*) FROM samples")
ge "$n" 500 || fail "only $n samples committed of the 1.5 s before the program traced cprof-tui"
[ "$(meta "$T/s.db" samples)" = "$n" ] || fail "session inconsistent: meta samples $(meta "$T/s.db" samples), table $n"
"$CPROF" --report "$T/s.db" >/dev/null 2>&1 || fail "--report of the committed session failed"
# a child of the launched program does it
timeout -k 2 15 "$CPROF" --headless -o "$T/c.db" "$WL/hostile" -c -w 1 10 >/dev/null 2>"$T/cprof.err"
rc=$?
[ $rc -ne 124 ] && [ $rc -ne 137 ] || fail "cprof-tui hung under a child of its target that traces it (killed after 15 s)"
[ $rc -eq 2 ] && grep -q "traces cprof-tui itself" "$T/cprof.err" ||
	fail "a child tracing cprof-tui: exit $rc, expected 2 with one line ($(tail -n 1 "$T/cprof.err"))"
"$CPROF" --report "$T/c.db" >/dev/null 2>&1 || fail "--report of the session a child ended failed"

# in the TUI: the terminal is left as it was found
command -v script >/dev/null || skip "script(1) is missing (bsdutils)"
SHELL=/bin/bash script -qec "echo BEFORE=\$(stty -g); env TERM=xterm timeout --foreground -k 2 15 $CPROF -o $T/t.db \
	$WL/hostile -w 1 10 2>/dev/null; echo; echo AFTER=\$(stty -g)" /dev/null >"$T/tui.out" </dev/null
first=$(tr -d '\r' <"$T/tui.out" | sed -n 's/^BEFORE=//p')
after=$(tr -d '\r' <"$T/tui.out" | sed -n 's/^AFTER=//p')
[ -n "$first" ] && [ "$first" = "$after" ] ||
	fail "the TUI ended by a hostile target left the terminal changed (stty -g before: $first, after: $after)"
pass "ended after ${secs} s with one line; $n samples committed and consistent; a child tracing it too; the TUI gave the terminal back"
