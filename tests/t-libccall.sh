#!/bin/bash
# Time in libc (memset, strlen) is charged to the program's lines that call
# it, in the proportions perf measures for the libc functions; marking every
# file profiled (files.profiled) moves it into libc.
. "$(dirname "$0")/lib/common.sh"

src=$SRCDIR/tests/workloads/libccall.c
lm=$(line_of "$src" HOT:memset)
ls=$(line_of "$src" HOT:strlen)

cprof --headless -o "$T/s.db" "$WL/libccall" 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui --headless libccall exited $rc"
report "$T/s.db" line >"$T/line.tsv" || fail "--report --by line failed"
selfpct() { awk -F'\t' -v l="$1" '$5 ~ /\/libccall\.c$/ && $6 == l { print $3 }' "$T/line.tsv"; }
m=$(selfpct "$lm")
s=$(selfpct "$ls")
ge "${m:-0}" 50 || fail "memset line libccall.c:$lm self ${m:-none}%, expected most samples"
within "$(awk -v a="${m:-0}" -v b="${s:-0}" 'BEGIN { print a + b }')" 100 5 ||
	fail "memset + strlen lines self ${m:-0}% + ${s:-0}%, expected ~100%"

# libc is not profiled by default; the program's file is
p=$(sql "$T/s.db" "SELECT profiled FROM files WHERE path LIKE '%/libccall.c'")
[ "$p" = 1 ] || fail "libccall.c profiled='$p', expected 1"
sql "$T/s.db" "SELECT path FROM files WHERE profiled = 1" | grep -E 'libc[.-]|/usr/include/|ld-linux' &&
	fail "system files profiled by default (above)"

perf_share() { awk -F'\t' -v re="$1" '$2 ~ re { s += $1 } END { printf "%.1f", s }' "$T/perf.split"; }
vs_perf() {
	local pm ps
	pm=$(perf_share memset)
	ps=$(perf_share strlen)
	within "$m" "$pm" 4 || { echo "memset line self $m%, perf's memset functions $pm%"; return 1; }
	within "${s:-0}" "$ps" 4 || { echo "strlen line self ${s:-0}%, perf's strlen functions $ps%"; return 1; }
}
if perf_ok; then
	against_perf vs_perf "$WL/libccall" 2
	vs="perf: memset $(perf_share memset)% strlen $(perf_share strlen)%"
else
	vs="perf comparison skipped: $PERF_WHY"
fi

# toggling every file in: the samples move to libc, out of the calling line
sql "$T/s.db" "UPDATE files SET profiled = 1" || fail "cannot update files.profiled"
report "$T/s.db" line >"$T/line2.tsv" || fail "--report after toggling failed"
m2=$(awk -F'\t' -v l="$lm" '$5 ~ /\/libccall\.c$/ && $6 == l { print $3 }' "$T/line2.tsv")
ge 10 "${m2:-0}" || fail "with libc profiled the memset line still has ${m2}% self"
pass "memset line $m%, strlen line ${s:-0}% ($vs); ${m2:-0}% with libc profiled"
