#!/bin/bash
# Stripped programs are profiled by default: none of their own code has line
# information, so their modules stand in for their files and are the user's.
# 1. `stripped` (no .symtab, no DWARF; work_a/work_b only in .dynsym): the
#    functions are named from .dynsym, at the module:0, and split 75/25.
# 2. `stripped-nosym` (no symbol of its own at all): its code is split into
#    functions by the unwind table, named stripped-nosym+0xSTART (the FDE's
#    start); the split matches perf's, whose samples (raw addresses) are
#    grouped by the same FDE ranges, read with readelf.
. "$(dirname "$0")/lib/common.sh"

command -v readelf >/dev/null || skip "readelf not installed (apt-get install binutils)"
for w in stripped stripped-nosym; do
	readelf -SW "$WL/$w" | grep -Eq '\.symtab|\.debug_' && fail "workload '$w' is not stripped"
done
readelf --dyn-syms -W "$WL/stripped-nosym" | grep -Eq ' work_[ab]$' &&
	fail "workload 'stripped-nosym' exports work_a/work_b"

cprof --headless -o "$T/s.db" "$WL/stripped" 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui stripped exited $rc"
module=$(sql "$T/s.db" "SELECT path FROM files WHERE path LIKE '%/stripped'")
[ -n "$module" ] || fail "no files row for the stripped module; files: $(sql "$T/s.db" "SELECT path FROM files" | tr '\n' ' ')"
[ "$(sql "$T/s.db" "SELECT profiled FROM files WHERE path = '$module'")" = 1 ] ||
	fail "the stripped module (no line info anywhere in the program) is not profiled by default"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report failed"
for f in work_a work_b; do
	row=$(awk -F'\t' -v f=$f '$5 == f { print $6 ":" $7; exit }' "$T/fn.tsv")
	[ "$row" = "$module:0" ] || fail "$f is at '${row:-missing}', expected $module:0"
done
cprof_split "$T/s.db" >"$T/cprof.split"
a=$(share_of "$T/cprof.split" work_a)
b=$(share_of "$T/cprof.split" work_b)
within "$a" 75 3 || fail "stripped: work_a self $a%, expected 75%"
within "$b" 25 3 || fail "stripped: work_b self $b%, expected 25%"

N=$WL/stripped-nosym
cprof --headless -o "$T/n.db" "$N" 3
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui stripped-nosym exited $rc"
cprof_split "$T/n.db" >"$T/nosym.split"
out=$(share_of "$T/nosym.split" "(outside profiled files)")
ge 1 "$out" || fail "stripped-nosym: $out% outside profiled files by default"
# the FDEs of the binary: "start end" (hex, ELF addresses)
readelf --debug-dump=frames "$N" 2>/dev/null |
	sed -n 's/.* FDE .*pc=\([0-9a-f]*\)\.\.\([0-9a-f]*\).*/\1 \2/p' >"$T/fdes"
[ -s "$T/fdes" ] || fail "readelf lists no FDE in $N"
top=$(awk -F'\t' 'NR <= 2 { print $2 }' "$T/nosym.split")
for name in $top; do
	start=${name#stripped-nosym+0x}
	[ "$name" != "$start" ] && grep -q "^0*$start " "$T/fdes" ||
		fail "stripped-nosym: top function '$name' is not stripped-nosym+0xSTART of an FDE"
done
# perf's sample addresses, grouped by FDE: "pct<TAB>stripped-nosym+0xSTART"
perf_by_fde() {
	perf_split "$N" 3 | awk -F'\t' -v fdes="$T/fdes" '
		function hex(x,  i, v) { v = 0; sub(/^0x/, "", x)
			for (i = 1; i <= length(x); i++) v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
			return v }
		BEGIN { while ((getline l < fdes) > 0) { split(l, f, " "); n++; lo[n] = hex(f[1]); hi[n] = hex(f[2]); name[n] = sprintf("stripped-nosym+0x%x", lo[n]) } }
		$2 ~ /^0x[0-9a-f]+$/ { a = hex($2); k = $2
			for (i = 1; i <= n; i++) if (a >= lo[i] && a < hi[i]) { k = name[i]; break }
			s[k] += $1; next }
		{ s[$2] += $1 }
		END { for (k in s) printf "%.2f\t%s\n", s[k], k }' | sort -rn
}
n1=$(awk -F'\t' 'NR == 1 { print $2 }' "$T/nosym.split") n2=$(awk -F'\t' 'NR == 2 { print $2 }' "$T/nosym.split")
s1=$(share_of "$T/nosym.split" "$n1") s2=$(share_of "$T/nosym.split" "$n2")
within "$s1" 75 3 || fail "stripped-nosym: $n1 self $s1%, expected 75% (work_a)"
within "$s2" 25 3 || fail "stripped-nosym: $n2 self $s2%, expected 25% (work_b)"
if perf_ok; then
	perf_by_fde >"$T/perf.fde"
	d=$(split_distance "$T/perf.fde" "$T/nosym.split" "$n1" "$n2")
	if ! within "$d" 0 4; then
		note "perf disagrees ($d points); measuring perf once more"
		perf_by_fde >"$T/perf.fde"
		d=$(split_distance "$T/perf.fde" "$T/nosym.split" "$n1" "$n2")
		within "$d" 0 4 || fail "stripped-nosym: $n1 $s1%, $n2 $s2% is $d points from perf's by FDE ($(head -n 2 "$T/perf.fde" | tr '\t\n' ' '))"
	fi
	vs="perf by FDE: $(share_of "$T/perf.fde" "$n1")%/$(share_of "$T/perf.fde" "$n2")%, distance $d points"
else
	vs="perf comparison skipped: $PERF_WHY"
fi
pass "stripped: work_a/work_b at $module:0, $a/$b; stripped-nosym: $n1 $s1%, $n2 $s2% ($vs)"
