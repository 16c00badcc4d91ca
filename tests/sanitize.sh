#!/bin/bash
# tests/sanitize.sh [--no-build] [NAME...] — the whole suite on an ASan and
# UBSan build.
#
# Configures ./build-asan with SANITIZE="-fsanitize=address,undefined ..."
# (configure.ac): cprof-tui, its engine, the unit tests and the fixture
# maker are built with the sanitizers; the test workloads and the demo are
# not (they are the programs being profiled). Then runs tests/run-all.sh on
# it (NAMEs select tests, as there). Any sanitizer report (a memory error,
# undefined behaviour, a leak at exit) ends cprof-tui with a non-zero status
# and its report on stderr, so the test that ran into it fails; read
# build-asan/test-logs/. The sanitizers make cprof-tui slower: a time-share
# test could also fail from that alone (its log then shows no sanitizer
# report). valgrind and a tracer above cprof-tui cannot run with them:
# t-valgrind and that case of t-badinput say so and are left out. As long
# as the plain suite again (5 min of tests here): not in CI, run by hand,
# as the plain suite under the machine lock:
#   flock /tmp/cprof-machine.lock bash tests/sanitize.sh
set -u
cd "$(dirname "$0")/.." || exit 1
SRCDIR=$PWD
BUILDDIR=$SRCDIR/build-asan
build=1
[ "${1:-}" = --no-build ] && { build=0; shift; }

if [ $build = 1 ]; then
	bash "$SRCDIR/bootstrap.sh" --deps-only || exit 1
	[ -x configure ] && [ -f Makefile.in ] || autoreconf -fi || exit 1
	mkdir -p "$BUILDDIR"
	if [ ! -f "$BUILDDIR/Makefile" ]; then
		(cd "$BUILDDIR" && ../configure -q \
			SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer") ||
			{ echo "FAIL configure (build-asan)"; exit 1; }
	fi
fi
# every report fatal; leaks reported at exit
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
args=("$@")
[ $build = 1 ] || args=(--no-build "$@")
CPROF_BUILDDIR=$BUILDDIR exec bash "$SRCDIR/tests/run-all.sh" "${args[@]}"
