#!/bin/bash
# m in the TUI (doc/PRODUCT.md §10): on a --memory session it counts, in
# every view, the bytes allocated, then live, then live at the peak, then
# CPU samples again; the header shows the three totals, the one counted in
# brackets; the source view's shares are --report --metric's. On a session
# without allocation samples m says how to get them.
. "$(dirname "$0")/lib.sh"

ALLOCS=$BUILDDIR/tests/workloads/allocs
[ -x "$ALLOCS" ] || fail "no $ALLOCS (make check TESTS=)"
"$CPROF" --memory --headless -o "$T/m.db" "$ALLOCS" lines 32 >"$T/allocs.out" 2>"$T/cprof.err" ||
	fail "cprof-tui --memory exited $?"
run_script metric m.db <<'KEYS'
:dump cpu.txt
m
:dump alloc.txt
/
:type lines
Enter
Enter
:dump source.txt
m
:dump live.txt
m
:dump peak.txt
m
:dump back.txt
KEYS
for f in cpu alloc source live peak back; do
	[ -s "$T/$f.txt" ] || fail "no screen dump $f.txt"
done
bytes='[0-9.]+[KMG]?B?'
head -n 1 "$T/cpu.txt" | grep -Eq "  [0-9]+ samples " &&
	sed -n 2p "$T/cpu.txt" | grep -Eq "  memory $bytes alloc $bytes live $bytes peak" ||
	fail "the CPU header does not show the allocation totals: $(head -n 2 "$T/cpu.txt")"
head -n 1 "$T/alloc.txt" | grep -Eq "\[$bytes alloc\] $bytes live $bytes peak" ||
	fail "after m the header does not count bytes allocated: $(head -n 1 "$T/alloc.txt")"
grep -Eq '^ +Self% +Total% +Alloc +Function' "$T/alloc.txt" ||
	fail "the functions' amount column is not Alloc: $(sed -n 3p "$T/alloc.txt")"
grep -Eq "^ +100\.0 +100\.0 +$bytes +lines " "$T/alloc.txt" ||
	fail "function lines does not hold every byte allocated: $(grep ' lines ' "$T/alloc.txt")"
grep -q 'counting bytes allocated (m: next)' "$T/alloc.txt" || fail "m did not say what it counts"

# the source view's shares of the realloc line are the report's
rl=$(grep -n 'realloc(buf, size)' "$UI_SRCDIR/../workloads/allocs.cc" | cut -d: -f1)
[ -n "$rl" ] || fail "no realloc line in allocs.cc"
"$CPROF" --report "$T/m.db" --by line --metric alloc --format tsv >"$T/lines.tsv" 2>>"$T/cprof.err" ||
	fail "--report --metric alloc failed"
want=$(awk -F'\t' -v l="$rl" '$6 == l { printf "%.1f %.1f", $3, $4 }' "$T/lines.tsv")
got=$(awk -v l="$rl" '$3 ~ /^[#*+.]$/ && $4 == l { print $1, $2 }' "$T/source.txt")
[ -n "$want" ] && [ "$got" = "$want" ] ||
	fail "line $rl in the source view: '$got', --report --metric alloc: '$want'"
head -n 1 "$T/live.txt" | grep -Eq "$bytes alloc \[0B live\]" ||
	fail "after m again the header does not count live bytes (none: all freed): $(head -n 1 "$T/live.txt")"
grep -Eq "^ +[0-9.]+ +[0-9.]+ [#*+.] +$rl " "$T/live.txt" &&
	fail "line $rl freed all it allocated, yet it has live bytes: $(grep " $rl " "$T/live.txt")"
head -n 1 "$T/peak.txt" | grep -Eq "$bytes live \[$bytes peak\]" ||
	fail "the third m does not count the peak: $(head -n 1 "$T/peak.txt")"
head -n 1 "$T/back.txt" | grep -Eq "  [0-9]+ samples " ||
	fail "the fourth m does not count CPU samples again: $(head -n 1 "$T/back.txt")"

make_fixture
run_script nometric fixture.db <<'KEYS'
m
:dump nometric.txt
KEYS
grep -q 'no allocation samples to count: record with --memory' "$T/nometric.txt" ||
	fail "m on a CPU session: $(tail -n 1 "$T/nometric.txt")"
pass
