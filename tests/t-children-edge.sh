#!/bin/bash
# Children that could trip a follower, in one launched runner:
#  - a daemon (forked, setsid) that outlives the runner: cprof-tui ends with
#    the runner, and the daemon runs on untraced, unstopped, to its end;
#  - a child killed by a signal: its status in the session, the runner goes on;
#  - a child that stops itself (SIGSTOP) until its parent continues it: it
#    is sampled again after;
#  - a child that runs strace on a grandchild: strace and its child work and
#    exit 0; the ptrace backend lets it go (strace could not trace a process
#    it traces), the perf backend follows it and samples the grandchild.
# Then -p PID --follow on a runner already running: its children are sampled,
# and when cprof-tui lets go, none of them is left traced or stopped. And
# cprof-tui killed (-9) in the middle of a runner: the runner dies with it
# (it was launched), its children run on, untraced, to their end.
. "$(dirname "$0")/lib/common.sh"
TCASE=$WL/tcase
command -v strace >/dev/null || skip "strace not installed (./bootstrap.sh installs it)"
command -v valgrind >/dev/null || skip "valgrind not installed (./bootstrap.sh installs it)"

cat >"$T/edge.sh" <<END
"$TCASE" daemon 6
sh -c 'kill -9 \$\$'
echo "killed=\$?" >"$T/edge.out"
"$TCASE" self-stop 0.6 & p=\$!
sleep 0.5; kill -CONT \$p; wait \$p
echo "self-stop=\$?" >>"$T/edge.out"
strace -f -o /dev/null "$TCASE" sort 0.2
echo "strace=\$?" >>"$T/edge.out"
valgrind -q /bin/true
echo "valgrind=\$?" >>"$T/edge.out"
END
start=$(date +%s%N)
cprof --headless -o "$T/e.db" sh "$T/edge.sh"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ $rc -eq 0 ] || fail "runner exit status $rc, expected 0 ($(tail -n 2 "$T/cprof.err" | tr '\n' ' '))"
[ $ms -lt 4500 ] || fail "cprof-tui took $ms ms: it waited for the daemon that outlives the runner"
grep -q "killed=137" "$T/edge.out" || fail "the killed child's status did not reach the runner: $(cat "$T/edge.out")"
grep -q "self-stop=0" "$T/edge.out" || fail "the self-stopping child did not end well: $(cat "$T/edge.out")"
grep -q "strace=0" "$T/edge.out" || fail "strace under cprof-tui failed: $(cat "$T/edge.out")"
grep -q "valgrind=0" "$T/edge.out" || fail "valgrind under cprof-tui failed: $(cat "$T/edge.out")"

daemon=$(sql "$T/e.db" "SELECT pid FROM processes WHERE command LIKE '%tcase daemon%' ORDER BY id DESC LIMIT 1")
[ -n "$daemon" ] || fail "the daemon is not in the session"
assert_unharmed "$daemon"
wait_exit "$daemon" 6 || fail "the daemon $daemon did not end on its own"

st=$(sql "$T/e.db" "SELECT exit_status FROM processes WHERE command LIKE 'sh -c kill%'")
[ "$st" = -9 ] || fail "the killed child's exit_status is '$st', expected -9 (SIGKILL)"
hash=$(report "$T/e.db" function | awk -F'\t' '$5 == "test_hash" { print $1 }')
ge "${hash:-0}" 150 || fail "the self-stopped child got ${hash:-0} samples in test_hash after SIGCONT, expected ~300"
if [ "$(meta "$T/e.db" backend)" = ptrace ]; then
	let=$(sql "$T/e.db" "SELECT count(*) FROM processes WHERE command LIKE 'strace%' AND followed = 0")
	[ "$let" = 1 ] || fail "strace was not let go (followed = 0 rows: $let)"
	grep -q "runs strace: not followed" "$T/cprof.err" || fail "no word that strace was let go"
	straced="strace let go"
else
	n=$(sql "$T/e.db" "SELECT max(samples) FROM processes WHERE command LIKE '%tcase sort 0.2'
		AND command NOT LIKE 'strace %' AND followed = 1")
	ge "${n:-0}" 50 || fail "the child of strace has ${n:-no} samples in 0.2 s, expected ~200"
	straced="strace's child sampled ($n)"
fi

# -p --follow on a runner already running, children coming and going
cat >"$T/loop.sh" <<END
echo \$\$ >"$T/loop.pid.tmp"; mv "$T/loop.pid.tmp" "$T/loop.pid"
i=0; while [ \$i -lt 40 ]; do "$TCASE" parse 0.05; i=\$((i + 1)); done
END
bg sh "$T/loop.sh"
wait_file "$T/loop.pid" 10 || fail "the loop runner did not start"
lp=$(cat "$T/loop.pid")
cprof --headless -p "$lp" --follow -d 1 -o "$T/a.db"
rc=$?
[ $rc -eq 0 ] || fail "-p --follow exited $rc ($(tail -n 1 "$T/cprof.err"))"
sampled=$(sql "$T/a.db" "SELECT count(*) FROM processes WHERE command LIKE '%tcase parse%' AND samples > 0")
ge "$sampled" 8 || fail "-p --follow: $sampled children of the runner sampled in 1 s (about 20 ran)"
for pid in $lp $(pgrep -P "$lp"); do
	tp=$(proc_field "$pid" TracerPid)
	[ "${tp:-0}" = 0 ] || fail "process $pid still traced by $tp after -p --follow let go"
	case " $(task_states "$pid")" in *" t"* | *" T"*) fail "process $pid left stopped" ;; esac
done
wait_exit "$lp" 10 || fail "the loop runner did not finish after cprof-tui let go"

# kill -9 of cprof-tui while two tests run in parallel
bg env TCASE="$TCASE" SCALE=5 "$CPROF" --headless -o "$T/k.db" "$SRCDIR/tests/workloads/runner.sh"
cp=$!
for i in $(seq 50); do [ "$(pgrep -fc "$TCASE (parse|sort)")" = 2 ] && break; sleep 0.1; done
kids=$(pgrep -f "$TCASE (parse|sort)" | tr '\n' ' ')
[ -n "$kids" ] || fail "the runner's tests did not start under cprof-tui"
sleep 0.3
kill -9 "$cp"
wait "$cp" 2>/dev/null
# The launched runner dies with cprof-tui (PTRACE_O_EXITKILL); its tests may
# end before they are looked at, and then wait as zombies for init.
for k in $kids; do
	assert_runs_on "$k"
	wait_exit "$k" 10 || fail "test $k did not end after cprof-tui was killed"
done

pass "daemon outlived the runner unharmed; SIGKILL child -9; valgrind 0; self-stopped child resumed ($hash samples); $straced; -p --follow: $sampled children sampled; killed, the children ran on"
