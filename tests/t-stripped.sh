#!/bin/bash
# A fully stripped binary (no .symtab, no DWARF; functions only in .dynsym):
# functions are still named, the module stands in for the file at line 0,
# it is not profiled by default, and profiling it shows the 75/25 split.
. "$(dirname "$0")/lib/common.sh"

command -v readelf >/dev/null || skip "readelf not installed (apt-get install binutils)"
sections=$(readelf -SW "$WL/stripped")
echo "$sections" | grep -Eq '\.symtab|\.debug_' && fail "workload 'stripped' is not stripped"

cprof --headless -o "$T/s.db" "$WL/stripped" 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui stripped exited $rc"
module=$(sql "$T/s.db" "SELECT path FROM files WHERE path LIKE '%/stripped'")
[ -n "$module" ] || fail "no files row for the stripped module; files: $(sql "$T/s.db" "SELECT path FROM files" | tr '\n' ' ')"
[ "$(sql "$T/s.db" "SELECT profiled FROM files WHERE path = '$module'")" = 0 ] ||
	fail "the stripped module (no line info) is profiled by default"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report failed"
for f in work_a work_b; do
	row=$(awk -F'\t' -v f=$f '$5 == f { print $6 ":" $7; exit }' "$T/fn.tsv")
	[ "$row" = "$module:0" ] || fail "$f is at '${row:-missing}', expected $module:0"
done
ta=$(row_val "$T/fn.tsv" function work_a total_pct)
within "${ta:-0}" 75 3 || fail "work_a total ${ta:-none}%, expected 75%"
out=$(row_val "$T/fn.tsv" function "(outside profiled files)" self_pct)
ge "${out:-0}" 95 || fail "with nothing profiled, outside row has ${out:-no}%"

sql "$T/s.db" "UPDATE files SET profiled = 1 WHERE path = '$module'"
cprof_split "$T/s.db" >"$T/cprof.split"
a=$(share_of "$T/cprof.split" work_a)
b=$(share_of "$T/cprof.split" work_b)
within "$a" 75 3 || fail "stripped module profiled: work_a self $a%, expected 75%"
within "$b" 25 3 || fail "stripped module profiled: work_b self $b%, expected 25%"
pass "work_a/work_b named at $module:0; split $a/$b when profiled"
