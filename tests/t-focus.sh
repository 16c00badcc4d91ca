#!/bin/bash
# --focus: only samples with a matching function on the stack count, in the
# recording, in a report of any session after the fact, and stored in the
# session (a later --report applies it). Where inside fill() does the time
# go, libc calls included: with --profile-all, memset and strlen under it.
. "$(dirname "$0")/lib/common.sh"

cprof --headless --focus fill --profile-all -o "$T/f.db" "$WL/libccall" 1 ||
	fail "--focus fill libccall failed: $(tail -n 1 "$T/cprof.err")"
[ "$(sql "$T/f.db" "SELECT pattern FROM focus")" = fill ] || fail "the focus is not stored in the session"
report "$T/f.db" function >"$T/f.tsv" || fail "--report of a focused session failed"
tot=$(row_val "$T/f.tsv" function fill total_pct)
[ "$tot" = 100.0 ] || fail "fill's total is $tot% of a session focused on it, expected 100"
ms=$(awk -F'\t' '$5 ~ /memset/ { s += $3 } END { print s + 0 }' "$T/f.tsv")
sl=$(awk -F'\t' '$5 ~ /strlen/ { s += $3 } END { print s + 0 }' "$T/f.tsv")
ge "${ms:-0}" 5 && ge "${sl:-0}" 5 || fail "under fill: memset ${ms:-0}%, strlen ${sl:-0}% (the libc calls under fill must show)"

# after the fact, on a session recorded without a focus
export TCASE=$WL/tcase
cprof --headless -o "$T/r.db" "$SRCDIR/tests/workloads/runner.sh"
want=$(sql "$T/r.db" "SELECT count(*) FROM samples s WHERE EXISTS (SELECT 1 FROM stack_frames sf
	JOIN frames f ON f.id = sf.frame_id WHERE sf.stack_id = s.stack_id AND f.function = 'test_sort')")
ge "$want" 300 || fail "only $want samples in test_sort"
"$CPROF" --report "$T/r.db" --focus 'test_s*' --format json >"$T/r.json" 2>>"$T/cprof.err" ||
	fail "--report --focus failed: $(tail -n 1 "$T/cprof.err")"
got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["samples"], d["focus"][0],
	sum(r["self"] for r in d["rows"] if r["function"] in ("test_parse", "test_hash")))' "$T/r.json")
[ "$got" = "$want test_s* 0" ] || fail "--report --focus 'test_s*': samples, focus, other tests' self = '$got', expected '$want test_s* 0'"
"$CPROF" --report "$T/r.db" --focus no_such_function >"$T/none.txt" 2>>"$T/cprof.err"
grep -q "^focus: no_such_function ($(meta "$T/r.db" samples) samples without a focus function left out)" "$T/none.txt" ||
	fail "a focus matching nothing does not say so: $(head -n 3 "$T/none.txt" | tr '\n' '|')"
[ "$(sql "$T/r.db" "SELECT count(*) FROM focus")" = 0 ] || fail "--report --focus changed the session"

pass "focused recording: fill 100%, memset $ms%, strlen $sl% under it; --report --focus: $want samples of test_sort, as SQL counts them"
