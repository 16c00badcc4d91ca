#!/bin/bash
# A test suite's runner made of child processes (tests/workloads/runner.sh:
# two tests in parallel, one after them, thirty of 10 ms each; exits 3),
# profiled as launched: every child is followed, as `perf record` follows
# them. The three test functions' shares are within 5 points of perf's and
# the sample count within 20% of perf's; the runner's exit status is passed
# through; every child is in the session with its exit status, and nearly
# every 10-ms child has samples. --no-follow profiles the shell alone, and
# says how much CPU time its children had.
# Seen before: 1 sample in 7 s of such a runner, 100% "outside", one thread.
. "$(dirname "$0")/lib/common.sh"
export TCASE=$WL/tcase
RUNNER=$SRCDIR/tests/workloads/runner.sh

cprof --headless -o "$T/s.db" "$RUNNER"
rc=$?
[ $rc -eq 3 ] || fail "the runner's exit status came back as $rc, expected 3 ($(tail -n 1 "$T/cprof.err"))"
n=$(meta "$T/s.db" samples)
ge "$n" 1000 || fail "only $n samples of a runner using about 1.5 s of CPU"

short=$(sql "$T/s.db" "SELECT count(*) FROM processes WHERE command LIKE '%tcase sort 0.01'")
[ "$short" = 30 ] || fail "$short of the 30 short children are in the session's processes"
hit=$(sql "$T/s.db" "SELECT count(*) FROM processes WHERE command LIKE '%tcase sort 0.01' AND samples > 0")
ge "$hit" 27 || fail "only $hit of the 30 children living 10 ms were sampled"
bad=$(sql "$T/s.db" "SELECT count(*) FROM processes WHERE command LIKE '%tcase%' AND exit_status IS NOT 0")
[ "$bad" = 0 ] || fail "$bad test processes without exit status 0 in the session"
root=$(sql "$T/s.db" "SELECT exit_status FROM processes ORDER BY id LIMIT 1")
[ "$root" = 3 ] || fail "the runner's process row says exit status '$root', expected 3"
sum=$(sql "$T/s.db" "SELECT sum(samples) FROM processes")
[ "$sum" = "$n" ] || fail "processes.samples add up to $sum, meta says $n"
pgrep -f "$WL/tcase" >/dev/null && fail "a test process is still running after the runner ended"

cprof_split "$T/s.db" >"$T/cprof.split"
names=(test_parse test_sort test_hash)
vs_perf() {
	local d
	d=$(split_distance "$T/perf.split" "$T/cprof.split" "${names[@]}")
	within "$d" 0 5 || { echo "test shares $d points from perf's (cprof: $(tr '\t\n' ': ' <"$T/cprof.split" | head -c 200))"; return 1; }
}
if perf_ok; then
	against_perf vs_perf "$RUNNER"
	pn=$(perf script -i "$T/perf.data" -F tid 2>/dev/null | wc -l)
	ratio=$(awk -v a="$n" -v b="$pn" 'BEGIN { printf "%.2f", a / b }')
	within "$ratio" 1 0.2 || fail "$n samples, perf $pn ($ratio of perf's)"
	vs="perf distance $(split_distance "$T/perf.split" "$T/cprof.split" "${names[@]}") points, samples $ratio of perf's"
else
	vs="perf comparison skipped: $PERF_WHY"
fi

# --no-follow: the shell only
cprof --headless --no-follow -o "$T/nf.db" "$RUNNER"
rc=$?
[ $rc -eq 3 ] || fail "--no-follow: exit status $rc, expected 3"
np=$(sql "$T/nf.db" "SELECT count(*) FROM processes")
[ "$np" = 1 ] || fail "--no-follow: $np processes in the session, expected the runner alone"
tests=$(report "$T/nf.db" function | awk -F'\t' '$5 ~ /^test_/ { s += $1 } END { print s + 0 }')
[ "$tests" = 0 ] || fail "--no-follow: $tests samples in test functions (children were followed)"
grep -q "note: 1\.[0-9][0-9] s of the program's 1\.[0-9][0-9] s of CPU ran in its child processes, left out: drop --no-follow" "$T/cprof.err" ||
	fail "--no-follow: no word of the CPU time left out in children: $(grep note "$T/cprof.err" | head -n 2)"

pass "$n samples, $(sql "$T/s.db" "SELECT count(*) FROM processes") processes, $hit/30 10-ms children sampled; $vs; --no-follow: the shell alone"
