#!/bin/bash
# The rules of doc/ARCHITECTURE.md: layers used one way (includes and calls,
# read from the compiled objects), no circle of files, no source file over
# 700 lines, no document outside the repository. The checker first shows it
# catches one planted breach of each rule.
. "$(dirname "$0")/lib/common.sh"

command -v python3 >/dev/null || skip "python3 not installed (apt-get install python3)"
command -v nm >/dev/null || skip "nm not installed (apt-get install binutils)"
python3 "$SRCDIR/tests/layout.py" --self-test >"$T/self.out" 2>&1 ||
	{ cat "$T/self.out"; fail "the layout checker misses breaches"; }
python3 "$SRCDIR/tests/layout.py" "$SRCDIR" "$BUILDDIR" >"$T/out" 2>&1
rc=$?
cat "$T/out"
[ $rc -eq 0 ] || fail "$(grep -c . "$T/out") lines above: the architecture's rules are broken"
pass "$(tail -n 1 "$T/out")"
