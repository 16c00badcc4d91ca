#!/bin/bash
# Time in system calls is CPU time of the code that made them: a thread
# reading /dev/zero (most of its CPU time in the kernel) beside one spinning
# in user code gets its share of the samples by its share of the CPU time,
# charged to the function that called read(), and the samples cover the
# CPU time. (perf events: a sample taken in the kernel carries the user
# registers and stack of the call into it; ptrace: the stop comes as the
# call returns.)
. "$(dirname "$0")/lib/common.sh"

cprof --headless -o "$T/s.db" "$WL/syscalls" -c "$T/cpu.txt" 2 >/dev/null ||
	fail "cprof-tui syscalls: $(tail -n 1 "$T/cprof.err")"
k=$(awk '$1 == "kern" {print $2}' "$T/cpu.txt") u=$(awk '$1 == "user" {print $2}' "$T/cpu.txt")
[ -n "$k" ] && [ -n "$u" ] || fail "the workload wrote no CPU times"
ks=$(sql "$T/s.db" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name = 'kern'")
us=$(sql "$T/s.db" "SELECT coalesce(sum(samples), 0) FROM threads WHERE name = 'user'")
cpu_pct=$(awk -v k="$k" -v u="$u" 'BEGIN {printf "%.1f", 100 * k / (k + u)}')
smp_pct=$(awk -v k="$ks" -v u="$us" 'BEGIN {printf "%.1f", (k + u) ? 100 * k / (k + u) : 0}')
within "$smp_pct" "$cpu_pct" 5 ||
	fail "the reading thread has $smp_pct% of the samples ($ks), $cpu_pct% of the CPU time ($k ms; user $u ms)"
expect=$(awk -v k="$k" -v u="$u" 'BEGIN {printf "%.0f", (k + u) * 0.999}')
ge "$((ks + us))" "$(awk -v e="$expect" 'BEGIN {printf "%.0f", 0.85 * e}')" ||
	fail "$((ks + us)) samples for $((k + u)) ms of CPU ($expect at 999 Hz)"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report failed"
kt=$(row_val "$T/fn.tsv" function in_kernel total_pct)
within "${kt:-0}" "$cpu_pct" 5 || fail "in_kernel total ${kt:-none}%, its thread's CPU share $cpu_pct%"
pass "reading /dev/zero: $smp_pct% of $((ks + us)) samples, in_kernel $kt% (CPU $cpu_pct%); $expect expected"
