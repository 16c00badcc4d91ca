#!/bin/bash
# The session reader under a fuzzer (tests/fuzz/fuzz.sh: libFuzzer with
# ASan and UBSan): every kept regression case (tests/fuzz/regress/) replays
# clean, and FUZZ_SECONDS (default 20; longer runs by hand) of fuzzing from real sessions and SQL
# edits of them find nothing. A finding fails the test with the input's
# path: keep it in tests/fuzz/regress/ with the fix.
. "$(dirname "$0")/lib/common.sh"

CPROF_BUILDDIR=$BUILDDIR bash "$SRCDIR/tests/fuzz/fuzz.sh" "${FUZZ_SECONDS:-20}" >"$T/fuzz.out" 2>&1
rc=$?
cat "$T/fuzz.out"
case $rc in
0) pass "$(tail -n 1 "$T/fuzz.out")" ;;
77) skip "$(tail -n 1 "$T/fuzz.out" | sed 's/^SKIP: //')" ;;
*) fail "$(tail -n 1 "$T/fuzz.out" | sed 's/^FAIL: //')" ;;
esac
