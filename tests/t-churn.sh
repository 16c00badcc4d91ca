#!/bin/bash
# A process that creates and joins short threads all the time, launched and
# attached mid-churn: no hang, no harm, the short threads are followed and
# (ptrace backend) sampled.
. "$(dirname "$0")/lib/common.sh"

"$WL/churn" -o "$T/plain.out" 1 || fail "churn alone failed"
plain=$(sed 's/threads=//' "$T/plain.out")

cprof --headless -o "$T/l.db" "$WL/churn" -o "$T/launch.out" 2
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui churn exited $rc"
n=$(sed 's/threads=//' "$T/launch.out")
[ "${n:-0}" -ge 100 ] || fail "only ${n:-0} threads created in 2 s under the profiler (alone: $plain in 1 s)"
s=$(sql "$T/l.db" "SELECT count(*) FROM threads WHERE samples > 0")
if [ "$(meta "$T/l.db" backend)" = perf ]; then
	# Perf events, as perf record's, sample a thread once it has run a
	# whole period of CPU time: threads of 0.5 ms mostly go unsampled (perf
	# record -F 999: ~25 samples a second here). They are followed all the same.
	t=$(sql "$T/l.db" "SELECT count(*) FROM threads")
	ge "$t" "$n" || fail "only $t threads in the session, $n created"
else
	[ "$s" -ge 20 ] || fail "only $s threads with samples among $n short threads"
	report "$T/l.db" function >"$T/fn.tsv" || fail "--report failed"
	sl=$(row_val "$T/fn.tsv" function shortlived total_pct)
	ge "${sl:-0}" 60 || fail "shortlived total ${sl:-none}%, expected most samples"
fi

start_wl churn -o "$T/attach.out" 3.5
cprof --headless -p "$WL_PID" -d 2 -o "$T/a.db"
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui -p churn exited $rc"
kill -0 "$WL_PID" 2>/dev/null || fail "churn target died"
[ "$(proc_field "$WL_PID" TracerPid)" = 0 ] || fail "churn target still traced"
wait "$WL_PID"
rc=$?
[ $rc -eq 0 ] || fail "attached churn target exited $rc"
a=$(sed 's/threads=//' "$T/attach.out")
[ "${a:-0}" -ge 100 ] || fail "attached: only ${a:-0} threads created"
pass "launched: $n threads ($s sampled), attached: $a threads; alone: $plain/s"
