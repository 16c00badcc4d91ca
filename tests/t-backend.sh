#!/bin/bash
# --backend auto takes perf events where perf_event_open works for the
# target and ptrace elsewhere, and says which: the headless summary, the
# session's meta.backend and, when it had to take ptrace, a note saying why
# not perf. "Elsewhere" is made here as a container makes it: a seccomp
# filter refusing perf_event_open (EPERM) to cprof-tui (tests/workloads/noperf).
# There --backend perf is refused with one line naming the cause; --wall
# always takes ptrace (perf events do not see sleeping threads), silently.
. "$(dirname "$0")/lib/common.sh"
"$WL/noperf" true || skip "seccomp filters are not available here"

# noperf_cprof ARGS...: cprof-tui where perf events are refused
noperf_cprof() {
	timeout -k 5 "$CPROF_TIMEOUT" "$WL/noperf" "$CPROF" "$@" 2>"$T/cprof.err"
}

noperf_cprof --backend auto --headless -o "$T/np.db" "$WL/split2" 0.3 >/dev/null ||
	fail "auto where perf events are refused: $(tail -n 1 "$T/cprof.err")"
grep -q '^  backend: ptrace$' "$T/cprof.err" ||
	fail "the summary does not say 'backend: ptrace': $(head -n 3 "$T/cprof.err")"
grep -q 'note: sampled with ptrace.*perf events could not be used: perf events are not permitted' \
	"$T/cprof.err" || fail "no note saying why not perf: $(grep note "$T/cprof.err")"
[ "$(meta "$T/np.db" backend)" = ptrace ] || fail "meta.backend is '$(meta "$T/np.db" backend)'"
n=$(sql "$T/np.db" "SELECT count(*) FROM samples")
ge "$n" 100 || fail "only $n samples with the ptrace fallback"

noperf_cprof --backend perf --headless -o "$T/x.db" "$WL/short" >/dev/null
rc=$?
[ $rc -eq 2 ] || fail "--backend perf where perf events are refused: exit $rc, expected 2"
[ "$(wc -l <"$T/cprof.err")" -eq 1 ] || fail "not one line: $(head -c 300 "$T/cprof.err")"
grep -q -- '--backend perf: perf events are not permitted.*perf_event_paranoid' "$T/cprof.err" ||
	fail "the refusal does not name the cause: $(cat "$T/cprof.err")"

# where they work: auto takes them, launching and attaching
if "$CPROF" --backend perf --headless -o "$T/probe.db" true >/dev/null 2>&1; then
	cprof --backend auto --headless -o "$T/a.db" "$WL/split2" 0.3 >/dev/null ||
		fail "auto: $(tail -n 1 "$T/cprof.err")"
	grep -q '^  backend: perf$' "$T/cprof.err" || fail "the summary does not say 'backend: perf'"
	! grep -q 'sampled with ptrace' "$T/cprof.err" || fail "a ptrace note with perf events"
	[ "$(meta "$T/a.db" backend)" = perf ] || fail "meta.backend is '$(meta "$T/a.db" backend)'"
	start_wl split2 20
	cprof --backend auto --headless -p "$WL_PID" -d 0.5 -o "$T/p.db" >/dev/null ||
		fail "auto, attached: $(tail -n 1 "$T/cprof.err")"
	[ "$(meta "$T/p.db" backend)" = perf ] || fail "attached: meta.backend is '$(meta "$T/p.db" backend)'"
	kill -0 "$WL_PID" || fail "the attached workload did not run on"
	where="perf where permitted"
else
	where="perf events refused everywhere here: auto checked under the filter only"
fi
# A user's own program where perf_event_paranoid is 2: perf events in user
# mode only (time in the kernel unsampled), and a note says so.
if [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)" = 2 ] && command -v setpriv >/dev/null &&
	id -u nobody >/dev/null 2>&1 && [ "$where" = "perf where permitted" ]; then
	mkdir -p "$T/nobody" && chmod 777 "$T/nobody" && chmod o+x "$T" || fail "cannot make a directory for nobody"
	timeout -k 5 "$CPROF_TIMEOUT" setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
		"$CPROF" --headless -o "$T/nobody/u.db" "$WL/syscalls" 1 >/dev/null 2>"$T/nobody.err" ||
		fail "as nobody: $(tail -n 1 "$T/nobody.err")"
	grep -q '^  backend: perf$' "$T/nobody.err" || fail "as nobody: not perf events: $(head -n 3 "$T/nobody.err")"
	grep -q 'note: sampled in user mode only' "$T/nobody.err" ||
		fail "as nobody, no note on user mode only: $(grep note "$T/nobody.err")"
	where="$where; as nobody (paranoid 2): user mode only, said"
fi
cprof --backend auto --wall --headless -o "$T/w.db" "$WL/short" >/dev/null || fail "--wall: $(tail -n 1 "$T/cprof.err")"
[ "$(meta "$T/w.db" backend)" = ptrace ] || fail "--wall: meta.backend is '$(meta "$T/w.db" backend)'"
! grep -q 'sampled with ptrace' "$T/cprof.err" || fail "--wall: a note about perf events"
pass "auto: ptrace where refused ($n samples, said why), $where; --wall: ptrace"
