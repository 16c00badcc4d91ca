#!/bin/bash
# tests/fuzz/fuzz.sh [SECONDS] — fuzz the session reader.
#
# Builds tests/fuzz/fuzz-session.c with the engine's model, db/ and report
# code (clang: libFuzzer, ASan, UBSan, every finding fatal) into
# BUILDDIR/fuzz/, replays every kept regression case (tests/fuzz/regress/),
# then fuzzes for SECONDS (default 45) from the seed corpus
# (tests/fuzz/corpus/: real sessions, and SQL edits run on corpus/base.db)
# with the SQL dictionary (tests/fuzz/session.dict). New inputs go to
# BUILDDIR/fuzz/corpus/, which later runs start from too.
#
# Exits 0 (nothing found), 1 (a finding: the input's path is printed; keep
# it in tests/fuzz/regress/ with the fix) or 77 (no clang with libFuzzer).
# BUILDDIR is $CPROF_BUILDDIR or ./build (configured: its config.h is used).
# By hand, for longer (under the machine lock, as the suite):
#   flock /tmp/cprof-machine.lock bash tests/fuzz/fuzz.sh 3600
set -u
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
BUILDDIR=$(cd "${CPROF_BUILDDIR:-$SRCDIR/build}" 2>/dev/null && pwd) ||
	{ echo "FAIL: no build directory (bash tests/run-all.sh builds ./build)"; exit 1; }
SECONDS_TO_FUZZ=${1:-45}
OUT=$BUILDDIR/fuzz
BIN=$OUT/fuzz-session
mkdir -p "$OUT/corpus" "$OUT/findings"

[ -f "$BUILDDIR/config.h" ] || { echo "FAIL: $BUILDDIR has no config.h (configure it first)"; exit 1; }
command -v clang >/dev/null || { echo "SKIP: clang not installed (./bootstrap.sh installs it)"; exit 77; }

sources=("$SRCDIR"/tests/fuzz/fuzz-session.c "$SRCDIR"/db/*.c "$SRCDIR"/src/model/*.c
	"$SRCDIR"/src/app/report.c "$SRCDIR"/src/app/report-diff.c "$SRCDIR"/src/app/export-*.c)
if [ ! -x "$BIN" ] || [ -n "$(find "${sources[@]}" "$SRCDIR"/db "$SRCDIR"/src/model "$SRCDIR"/src/app \
	-newer "$BIN" -name '*.[ch]' 2>/dev/null | head -n 1)" ]; then
	echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' >"$OUT/probe.c"
	clang -fsanitize=fuzzer,address,undefined "$OUT/probe.c" -o "$OUT/probe" 2>/dev/null || {
		echo "SKIP: clang cannot build a libFuzzer target here (libclang-rt-14-dev; ./bootstrap.sh installs it)"
		exit 77
	}
	# shellcheck disable=SC2046
	if ! clang -std=gnu11 -g -O1 -Wall -Wno-unused-parameter \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I"$SRCDIR/src" -I"$SRCDIR" -I"$BUILDDIR" \
		-DFUZZ_BASE="\"$SRCDIR/tests/fuzz/corpus/base.db\"" \
		"${sources[@]}" $(pkg-config --cflags --libs sqlite3 zlib) -o "$BIN" 2>"$OUT/build.log"; then
		cat "$OUT/build.log"
		echo "FAIL: the fuzz target does not build (see above)"
		exit 1
	fi
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
cd "$OUT" || exit 1

regress=("$SRCDIR"/tests/fuzz/regress/*)
if [ -e "${regress[0]}" ]; then
	if ! "$BIN" -timeout=30 "${regress[@]}" >"$OUT/regress.log" 2>&1; then
		grep -E "^(==|SUMMARY|Running: )|runtime error" "$OUT/regress.log" | tail -n 20
		echo "FAIL: a kept regression case fails again (log: $OUT/regress.log)"
		exit 1
	fi
fi

rm -f "$OUT"/findings/*
"$BIN" -max_total_time="$SECONDS_TO_FUZZ" -timeout=10 -rss_limit_mb=2048 -max_len=131072 \
	-dict="$SRCDIR/tests/fuzz/session.dict" -artifact_prefix="$OUT/findings/" \
	-print_final_stats=1 "$OUT/corpus" "$SRCDIR/tests/fuzz/corpus" >"$OUT/fuzz.log" 2>&1
rc=$?
found=$(find "$OUT/findings" -type f | head -n 1)
if [ $rc -ne 0 ] || [ -n "$found" ]; then
	grep -E "^(==|SUMMARY)|runtime error|ERROR: libFuzzer" "$OUT/fuzz.log" | tail -n 20
	echo "FAIL: a finding after fuzzing: ${found:-see $OUT/fuzz.log}; keep it in tests/fuzz/regress/ with the fix"
	exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/fuzz.log")
echo "${runs:-?} inputs in ${SECONDS_TO_FUZZ} s, $(ls "$OUT/corpus" | wc -l) in the corpus, $(ls "$SRCDIR"/tests/fuzz/regress | wc -l) regression cases replayed: nothing found"
