#!/bin/bash
# The TUI built with AddressSanitizer and UndefinedBehaviorSanitizer, every
# report fatal, through the golden screens of every view, a toggle, and the
# hostile session (t-screens, t-toggle, t-escaped with that binary). The
# build is kept in build/san and remade when the sources change.
. "$(dirname "$0")/lib.sh"

SAN=$BUILDDIR/san
SRCDIR=$(cd "$UI_SRCDIR/../.." && pwd)
FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
[ -x "$SRCDIR/configure" ] || fail "no $SRCDIR/configure (run bootstrap.sh --build-only first)"
echo 'int main(void) { return 0; }' >"$T/probe.c"
cc $FLAGS -o "$T/probe" "$T/probe.c" 2>"$T/probe.err" && "$T/probe" ||
	skip "the C compiler cannot build with sanitizers here: $(head -n 1 "$T/probe.err")"
mkdir -p "$SAN"
if [ ! -f "$SAN/Makefile" ]; then
	(cd "$SAN" && "$SRCDIR/configure" -q CFLAGS="-O1 -g $FLAGS" LDFLAGS="$FLAGS") >"$T/build.log" 2>&1 ||
		fail "configure for the sanitizer build failed: $(tail -n 3 "$T/build.log")"
fi
make -C "$SAN" -j2 cprof-tui tests/ui/mkfixture >>"$T/build.log" 2>&1 ||
	fail "the sanitizer build failed: $(grep -m 3 -E 'error|Error' "$T/build.log")"

export ASAN_OPTIONS=abort_on_error=0:exitcode=86 UBSAN_OPTIONS=print_stacktrace=1
for t in t-screens t-toggle t-escaped; do
	CPROF=$SAN/cprof-tui bash "$UI_SRCDIR/$t.sh" >"$T/$t.log" 2>&1 && continue
	why=$(grep -m 1 -E 'runtime error|ERROR: AddressSanitizer' "$T/$t.log") ||
		why=$(grep -m 1 FAIL "$T/$t.log")
	fail "$t under ASan+UBSan: $why"
done
pass "t-screens, t-toggle, t-escaped clean under ASan and UBSan"
