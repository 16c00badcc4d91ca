#!/bin/bash
# tests/run-all.sh [--no-build] [NAME...] — build and run the whole test suite.
#
# 1. Installs missing Debian packages (bootstrap.sh --deps-only: a no-op when
#    everything is there; needs root only when something is missing).
# 2. Builds out of tree into ./build (autoreconf, configure, make) and the
#    test programs (make check TESTS=).
# 3. Runs, from ./build, one at a time (the engine tests measure time
#    shares, so they must not compete for the 2 cores): tests/t-*.sh (engine),
#    tests/ui/t-*.sh (TUI), and build/tests/unit/*.test (unit tests), each under
#    a timeout (TEST_TIMEOUT, default 180 s). cprof-tui samples with its
#    default backend (auto: perf events where they are permitted, else
#    ptrace); the tests whose outcome depends on how samples are taken
#    (BOTH below) run once more with the other backend, as NAME[ptrace] or
#    NAME[perf] (those skip, with the reason, where perf events cannot be
#    used).
# Prints "PASS|FAIL|SKIP name (reason)" per test and ends with the line
# "N passed, N failed, N skipped"; exits 1 when anything failed.
# NAMEs (e.g. t-split2) select tests by name (both runs of a BOTH test).
# Logs: build/test-logs/NAME.log.
# CPROF_BUILDDIR: another configured build directory to build and test
# (tests/sanitize.sh's build-asan) instead of ./build.
set -u
cd "$(dirname "$0")/.." || exit 1
SRCDIR=$PWD
BUILDDIR=${CPROF_BUILDDIR:-$SRCDIR/build}
TEST_TIMEOUT=${TEST_TIMEOUT:-180}
build=1
names=()
for a in "$@"; do
	case $a in
	--no-build) build=0 ;;
	-h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) names+=("$(basename "$a" .sh)") ;;
	esac
done

# Run with both backends: every test of the engine, whatever takes the
# samples and unwinds them (accuracy against perf, threads, bursts, deep,
# inlined, C++, Rust and stripped stacks, children, exec, exit statuses,
# signals, job control, attach and detach, focus, sampling again after a
# stop of the target or of cprof-tui in the TUI). Once: the session files,
# reports, exports, diagnostics, the TUI and the tests that pin their backend.
BOTH="t-attach t-bursty t-children t-children-edge t-churn t-cxx t-deep t-dlopen t-eintr t-exec
	t-exitstatus t-focus t-frequency t-hostile t-inlined t-jobctl t-kill9 t-libccall t-mainexit
	t-many-threads t-quick-children t-repeat t-rust t-short t-signals t-sigterm t-split2
	t-stripped t-syscalls t-thin t-threads t-threads-attach t-vdso ui/t-tmux-stop"

passed=0 failed=0 skipped=0
LOGDIR=$BUILDDIR/test-logs

finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

if [ $build = 1 ]; then
	mkdir -p "$BUILDDIR"
	if ! { [ "$BUILDDIR" != "$SRCDIR/build" ] || bash "$SRCDIR/bootstrap.sh" --build-only; } \
		>"$BUILDDIR/build.log" 2>&1 ||
		! make -C "$BUILDDIR" -j2 check TESTS= >>"$BUILDDIR/build.log" 2>&1; then
		echo "FAIL build (see build/build.log)"
		tail -n 25 "$BUILDDIR/build.log" | sed 's/^/    /'
		failed=1
		finish
	fi
fi
[ -x "$BUILDDIR/cprof-tui" ] || { echo "FAIL build (no $BUILDDIR/cprof-tui)"; failed=1; finish; }
mkdir -p "$LOGDIR"

selected() {
	[ ${#names[@]} -eq 0 ] && return 0
	local n
	for n in "${names[@]}"; do [ "$n" = "$1" ] && return 0; done
	return 1
}

# The backend the tests take (CPROF_BACKEND, else the one auto picks here);
# the BOTH tests' second run takes the other.
case ${CPROF_BACKEND:-auto} in
ptrace) OTHER=perf ;;
perf) OTHER=ptrace ;;
*)
	OTHER=perf
	"$BUILDDIR/cprof-tui" --headless --backend perf -o "$LOGDIR/probe.db" true \
		>/dev/null 2>&1 </dev/null && OTHER=ptrace
	rm -f "$LOGDIR"/probe.db*
	;;
esac

# run_one NAME CMD...: run a test from the build directory, report one line.
# (NAME[BACKEND]: with CPROF_BACKEND=BACKEND.)
run_one() {
	local name=$1 log rc reason last backend=
	shift
	case $name in *"["*) backend=${name#*[}; backend=${backend%]} ;; esac
	log=$LOGDIR/$(echo "${name//\//-}" | tr -d ']' | tr '[' '-').log
	(cd "$BUILDDIR" && CPROF_BACKEND=${backend:-${CPROF_BACKEND:-}} exec timeout -k 10 \
		"$TEST_TIMEOUT" "$@") >"$log" 2>&1 </dev/null
	rc=$?
	reason=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
	case $rc in
	0)
		passed=$((passed + 1))
		echo "PASS $name${reason:+ ($reason)}"
		;;
	77)
		skipped=$((skipped + 1))
		echo "SKIP $name (${reason#SKIP: })"
		;;
	*)
		failed=$((failed + 1))
		last=$reason
		reason=$(grep '^FAIL: ' "$log" | tail -n 1)
		reason=${reason#FAIL: }
		[ -n "$reason" ] || reason=$last
		[ $rc -eq 124 ] && reason="timed out after ${TEST_TIMEOUT}s"
		echo "FAIL $name (${reason:+$reason; }exit $rc; log: ${log#"$SRCDIR"/})"
		tail -n 12 "$log" | sed 's/^/    /'
		;;
	esac
}

for t in "$SRCDIR"/tests/t-*.sh "$SRCDIR"/tests/ui/t-*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	case $t in */tests/ui/*) name=ui/$name ;; esac
	selected "$(basename "$t" .sh)" || selected "$name" || continue
	run_one "$name" bash "$t"
	case " $(echo $BOTH) " in *" $name "*) run_one "$name[$OTHER]" bash "$t" ;; esac
done
for t in "$BUILDDIR"/tests/unit/*.test; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t" .test)
	selected "$(basename "$t" .test)" || selected "$name" || continue
	run_one "$name" "$t"
done
finish
