#!/bin/bash
# cprof-tui under valgrind: no invalid memory use and no definite or indirect
# leaks while recording (launch and attach), reporting, and refusing bad input.
. "$(dirname "$0")/lib/common.sh"

command -v valgrind >/dev/null || skip "valgrind not installed (apt-get install valgrind)"
ldd "$CPROF" | grep -q libasan && skip "an ASan build (tests/sanitize.sh) does not run under valgrind"
vg() {
	local what=$1
	shift
	timeout -k 5 120 valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --log-file="$T/vg.log" "$@" >"$T/vg.out" 2>"$T/cprof.err"
	local rc=$?
	[ $rc -ne 99 ] || fail "$what: valgrind found errors: $(grep -m 3 -E 'Invalid|uninitialised|definitely|indirectly' "$T/vg.log" | tr '\n' ' ')"
	vg_rc=$rc
}

vg "launch" "$CPROF" --headless -o "$T/s.db" "$WL/split2" -t 2 1
[ $vg_rc -eq 0 ] || fail "launch under valgrind exited $vg_rc"
start_wl split2 4
vg "attach" "$CPROF" --headless -p "$WL_PID" -d 1 -o "$T/a.db"
[ $vg_rc -eq 0 ] || fail "attach under valgrind exited $vg_rc"
for by in function line file; do
	for fmt in text tsv json; do
		vg "report --by $by --format $fmt" "$CPROF" --report "$T/s.db" --by $by --format $fmt
		[ $vg_rc -eq 0 ] || fail "report --by $by --format $fmt under valgrind exited $vg_rc"
	done
done
head -c 100 "$T/s.db" >"$T/bad.db"
vg "report of a truncated session" "$CPROF" --report "$T/bad.db"
[ $vg_rc -eq 2 ] || fail "truncated session under valgrind exited $vg_rc, expected 2"
vg "missing program" "$CPROF" --headless -o "$T/x.db" "$T/no-such-program"
[ $vg_rc -eq 2 ] || fail "missing program under valgrind exited $vg_rc, expected 2"
pass "launch, attach, 9 reports and 2 refusals clean under valgrind"
