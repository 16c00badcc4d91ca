#!/bin/bash
# --memory against heaptrack, which records every allocation: on the same
# deterministic program, the shares of the bytes allocated per line within 3
# points of heaptrack's, and a leak's live bytes within 10% of what
# heaptrack says leaked (tests/lib/heaptrack.py reads its recording).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/memory.sh"

command -v heaptrack >/dev/null || skip "heaptrack not installed (apt-get install heaptrack)"
command -v zstd >/dev/null || skip "zstd not installed (apt-get install zstd)"
command -v python3 >/dev/null || skip "python3 not installed (apt-get install python3)"
ALLOCS=$WL/allocs
MIB=256

# heaptrack_lines NAME ARGS...: "file<TAB>line<TAB>allocated<TAB>leaked"
# per line of allocs.cc, from heaptrack's recording of the workload
heaptrack_lines() {
	local name=$1
	shift
	heaptrack -o "$T/$name.ht" "$@" >"$T/$name.ht.out" 2>&1 ||
		fail "heaptrack $* failed: $(tail -n 1 "$T/$name.ht.out")"
	python3 "$SRCDIR/tests/lib/heaptrack.py" "$T/$name.ht.zst" allocs.cc |
		awk -F'\t' '{ f = $1; sub(/.*\//, "", f); print f "\t" $2 "\t" $3 "\t" $4 }'
}

heaptrack_lines lines "$ALLOCS" lines $MIB >"$T/lines.ht"
[ "$(grep -c . "$T/lines.ht")" -ge 7 ] || fail "heaptrack saw $(grep -c . "$T/lines.ht") lines of allocs.cc, not 7"
cprof --memory --headless -o "$T/lines.db" "$ALLOCS" lines $MIB >/dev/null || fail "cprof-tui --memory exited $?"
bytes_per_line "$T/lines.db" alloc >"$T/lines.cprof"
note "the shares of the bytes per line, heaptrack's and measured"
w=$(share_diff "$T/lines.ht" "$T/lines.cprof")
ge 3 "$w" || fail "a line's share of the bytes allocated is $w points from heaptrack's (3 at most)"

heaptrack_lines leak "$ALLOCS" leak $MIB >"$T/leak.ht"
# (at 32K, the leak's estimate is off by 1.5% (one sigma), not 5%: t-memory)
cprof --memory-interval 32K --headless -o "$T/leak.db" "$ALLOCS" leak $MIB >/dev/null || fail "cprof-tui --memory exited $?"
bytes_per_line "$T/leak.db" live >"$T/leak.cprof"
read -r line leaked < <(awk -F'\t' '$4 > 1000000 { print $2, $4 }' "$T/leak.ht")
[ -n "${leaked:-}" ] || fail "heaptrack saw no leak of a megabyte or more"
live=$(awk -F'\t' -v l="$line" '$2 == l { print $3 }' "$T/leak.cprof")
note "leak at line $line: heaptrack $leaked bytes, cprof-tui ${live:-0}"
within "${live:-0}" "$leaked" "$((leaked / 10))" || fail "the leak's live bytes, ${live:-0}, are not within 10% of heaptrack's $leaked"
pass "shares per line $w points from heaptrack's at most; the leak within 10%"
