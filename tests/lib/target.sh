# tests/lib/target.sh — the state of a profiled process, for the engine
# tests (tests/lib/common.sh) and the TUI tests (tests/ui/lib.sh) alike.
# Needs `fail MSG` from the test's library.
#
#   proc_field PID KEY   a field of /proc/PID/status (State, TracerPid, ...)
#   proc_utime PID       user+system CPU ticks of PID (all threads)
#   wait_traced PID [S]  wait until PID has a tracer
#   sampled_by PID CP    cprof-tui (process CP) samples PID (either backend)
#   wait_sampled PID CP [S]  wait until it does
#   cprof_pid DB         the cprof-tui process writing session DB
#   task_states PID      the state letters of PID's threads
#   finished PID         PID is gone or a zombie
#   assert_unharmed PID  fail unless PID runs on untraced, unstopped, progressing
#   assert_runs_on PID   the same, but PID may have finished on its own

proc_field() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status" 2>/dev/null; }
proc_utime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }'; }

# wait_traced PID [S]: wait until PID has a tracer; false after S seconds.
wait_traced() {
	local pid=$1 limit=${2:-10} i=0 tp
	while :; do
		tp=$(proc_field "$pid" TracerPid)
		[ -n "$tp" ] && [ "$tp" != 0 ] && return 0
		[ $i -ge $((limit * 20)) ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
}

# sampled_by PID CP: cprof-tui (process CP) samples PID: it traces PID (the
# ptrace backend), or holds perf events (the perf backend opens them for
# every thread of its target, and holds no other).
sampled_by() {
	[ "$(proc_field "$1" TracerPid)" = "$2" ] && return 0
	ls -l "/proc/$2/fd" 2>/dev/null | grep -q 'perf_event'
}

# wait_sampled PID CP [S]: wait until cprof-tui (CP) samples PID; false after
# S seconds (default 10).
wait_sampled() {
	local i=0 limit=${3:-10}
	until sampled_by "$1" "$2"; do
		[ $i -ge $((limit * 20)) ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
}

# cprof_pid DB: the cprof-tui process whose command line names DB.
cprof_pid() {
	local p
	for p in $(pgrep -x cprof-tui); do
		tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -qxF -- "$1" && { echo "$p"; return 0; }
	done
	return 1
}

# task_states PID: the state letters of every thread of PID, e.g. "R S S".
task_states() {
	local f
	for f in /proc/"$1"/task/*/stat; do
		sed 's/.*) //' "$f" 2>/dev/null | cut -d' ' -f1
	done | tr '\n' ' '
}

# finished PID: PID is gone, or a zombie waiting for its parent (every
# thread a zombie: a main thread that called pthread_exit is one too).
finished() {
	! kill -0 "$1" 2>/dev/null || ! task_states "$1" | grep -q '[^Z ]'
}

# assert_unharmed PID: PID runs on, untraced, not stopped, and makes progress.
assert_unharmed() {
	kill -0 "$1" 2>/dev/null || fail "target $1 is gone"
	assert_runs_on "$1"
	finished "$1" && fail "target $1 ended after the profiler let go"
}

# assert_runs_on PID: PID is untraced and not stopped, and makes progress,
# unless it has finished on its own (a process whose work ends may end while
# it is being looked at).
assert_runs_on() {
	local pid=$1 tp st u0 u1 i
	for i in $(seq 40); do
		finished "$pid" && return 0
		tp=$(proc_field "$pid" TracerPid)
		[ "$tp" = 0 ] && break
		sleep 0.05
	done
	[ "$tp" = 0 ] || fail "target $pid still traced (TracerPid $tp) after the profiler let go"
	st=$(task_states "$pid")
	case " $st" in *" t"* | *" T"*) fail "target $pid left stopped (thread states: $st)" ;; esac
	u0=$(proc_utime "$pid")
	sleep 0.4
	u1=$(proc_utime "$pid")
	finished "$pid" && return 0
	[ $((u1 - u0)) -ge 5 ] || fail "target $pid makes no progress after detach (utime $u0 -> $u1, states: $(task_states "$pid"))"
}
