#!/bin/bash
# A Rust program (tests/workloads/crunch.rs, built here with debug info):
# crunch::hidden::crunch, whose loop is core-library code inlined from three
# files, is ONE row, demangled without the hash, at crunch.rs; the inlined
# core functions are frames of their own (total > 0) in files that are not
# profiled, so their time is the caller's. The split matches perf's within
# 4 points.
. "$(dirname "$0")/lib/common.sh"

RUSTC=$(command -v rustc) || skip "no rustc on PATH (bootstrap.sh installs Debian's rustc)"
"$RUSTC" -C debuginfo=2 -C opt-level=2 -o "$T/crunch" "$SRCDIR/tests/workloads/crunch.rs" \
	>"$T/rustc.out" 2>&1 || fail "rustc failed: $(tail -n 3 "$T/rustc.out")"

C='crunch::hidden::crunch' L='crunch::light'
cprof --headless -o "$T/s.db" "$T/crunch" 3
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui crunch exited $rc"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report --by function failed"
rows=$(col "$T/fn.tsv" function | grep -cxF "$C")
[ "$rows" = 1 ] || fail "$rows rows named $C, expected one; functions: $(col "$T/fn.tsv" function | head -n 6 | tr '\n' '|')"
mangled=$(col "$T/fn.tsv" function | grep -E '^_(ZN|R)|17h[0-9a-f]{16}E?$' | head -n 3 | tr '\n' '|')
[ -z "$mangled" ] || fail "mangled or hashed names: $mangled"
where=$(row_val "$T/fn.tsv" function "$C" file)
case "$where" in */tests/workloads/crunch.rs) ;; *) fail "$C is in '$where', expected crunch.rs" ;; esac
# the core library's code inlined into it: frames of its own, not profiled
core=$(awk -F'\t' '$6 ~ /\/library\/core\// && $2 > 0 { n++ } END { print n + 0 }' "$T/fn.tsv")
ge "$core" 2 || fail "only $core inlined core-library functions on the stacks"
coreself=$(awk -F'\t' '$6 ~ /\/library\/core\// { s += $3 } END { print s + 0 }' "$T/fn.tsv")
ge 1 "$coreself" || fail "inlined core-library functions have $coreself% self: their files are profiled"

# built without -g: the standard library's line information, linked in from
# its rlibs, is not the program's; the program's own code is profiled by
# default (it was 100% "outside profiled files")
"$RUSTC" -C opt-level=2 -o "$T/crunch-nog" "$SRCDIR/tests/workloads/crunch.rs" \
	>"$T/rustc.out" 2>&1 || fail "rustc without -g failed: $(tail -n 3 "$T/rustc.out")"
cprof --headless -o "$T/nog.db" "$T/crunch-nog" 1 || fail "cprof-tui crunch-nog exited $?"
report "$T/nog.db" function >"$T/nog.tsv" || fail "--report --by function failed"
nog=$(row_val "$T/nog.tsv" function "$C" self_pct)
ge "${nog:-0}" 20 || fail "built without -g, $C has ${nog:-no}% self (its module is the user's code)"

cprof_split "$T/s.db" >"$T/cprof.split"
c=$(share_of "$T/cprof.split" "$C") l=$(share_of "$T/cprof.split" "$L")
ge "$(awk -v a="$c" -v b="$l" 'BEGIN { print a + b }')" 90 ||
	fail "$C $c% and $L $l%: they should hold nearly all the time"
vs_perf() {
	local d
	d=$(split_distance "$T/perf.split" "$T/cprof.split" "$C" "$L")
	within "$d" 0 4 || { echo "cprof split ($C $c%, $L $l%) is $d points from perf's ($C $(share_of "$T/perf.split" "$C")%)"; return 1; }
}
if perf_ok; then
	against_perf vs_perf "$T/crunch" 3
	pass "$C one row, $c% ($L $l%; perf: $(share_of "$T/perf.split" "$C")%, distance $(split_distance "$T/perf.split" "$T/cprof.split" "$C" "$L") points); $core inlined core functions"
fi
pass "$C one row, $c% ($L $l%; perf comparison skipped: $PERF_WHY)"
