#!/bin/bash
# --diff of two sessions with a known change: split2 (work_a 75%, work_b
# 25%) against split2 -a 0, which never calls work_a (work_b ~100%). Rows
# are matched by function and file, file:line and file; work_a vanished at
# -75 points, work_b up 75, first as the largest changes; the other way
# round work_a is new. TSV's header, each session's shares as --report gives
# them, JSON, text marks, --focus on both, and the bad uses.
. "$(dirname "$0")/lib/common.sh"

cprof --headless -o "$T/base.db" "$WL/split2" 1 || fail "recording split2 failed"
cprof --headless -o "$T/new.db" "$WL/split2" -a 0 1 || fail "recording split2 -a 0 failed"
diff_tsv() { "$CPROF" --diff "$@" --format tsv 2>>"$T/cprof.err"; }

diff_tsv "$T/base.db" "$T/new.db" >"$T/f.tsv" || fail "--diff failed: $(tail -n 1 "$T/cprof.err")"
hdr=$(printf 'base_self_pct\tnew_self_pct\tdelta_pct\tfunction\tfile\tline\tstatus')
[ "$(head -n 1 "$T/f.tsv")" = "$hdr" ] || fail "--diff TSV header: '$(head -n 1 "$T/f.tsv")'"
field() { row_val "$T/$1" function "$2" "$3"; }
a_base=$(field f.tsv work_a base_self_pct) a_new=$(field f.tsv work_a new_self_pct)
a_delta=$(field f.tsv work_a delta_pct) a_st=$(field f.tsv work_a status)
b_base=$(field f.tsv work_b base_self_pct) b_new=$(field f.tsv work_b new_self_pct)
b_delta=$(field f.tsv work_b delta_pct) b_st=$(field f.tsv work_b status)
[ "$a_st" = vanished ] && [ "$a_new" = 0.00 ] || fail "work_a: status '$a_st', new share '$a_new' (expected vanished, 0)"
within "$a_base" 75 5 && within "$a_delta" -75 5 || fail "work_a: base $a_base%, delta $a_delta (expected ~75, ~-75)"
[ "$b_st" = both ] || fail "work_b: status '$b_st', expected both"
within "$b_base" 25 5 && ge "$b_new" 95 && within "$b_delta" 75 5 || fail "work_b: base $b_base%, new $b_new%, delta $b_delta (expected ~25, ~100, ~+75)"
within "$b_delta" "$(awk -v a="$b_new" -v b="$b_base" 'BEGIN { print a - b }')" 0.011 || fail "work_b: delta $b_delta is not new - base ($b_new - $b_base)"
top2=$(awk -F'\t' 'NR == 2 || NR == 3 { print $4 }' "$T/f.tsv" | sort | tr '\n' ' ')
[ "$top2" = "work_a work_b " ] || fail "the largest changes are not first: $top2"
awk -F'\t' 'NR > 1 { d = $3 < 0 ? -$3 : $3; if (NR > 2 && d > last + 1e-9) exit 1; last = d }' "$T/f.tsv" ||
	fail "--diff rows are not sorted by the size of the change"
# each side's shares are --report's of that session
for side in base new; do
	report "$T/$side.db" function >"$T/$side.tsv" || fail "--report $side.db failed"
	r=$(row_val "$T/$side.tsv" function work_b self_pct)
	d=$(field f.tsv work_b ${side}_self_pct)
	within "$r" "$d" 0.051 || fail "work_b in $side.db: --report says $r%, --diff $d%"
done

diff_tsv "$T/new.db" "$T/base.db" >"$T/r.tsv" || fail "--diff NEW BASE failed"
[ "$(field r.tsv work_a status)" = new ] && within "$(field r.tsv work_a delta_pct)" 75 5 ||
	fail "the other way round, work_a is '$(field r.tsv work_a status)' at $(field r.tsv work_a delta_pct) (expected new, ~+75)"

# by file and by line
diff_tsv "$T/base.db" "$T/new.db" --by file >"$T/file.tsv" || fail "--diff --by file failed"
fa=$(awk -F'\t' '$5 ~ /\/split2_a\.c$/ { print $7 ":" $3 }' "$T/file.tsv")
fb=$(awk -F'\t' '$5 ~ /\/split2_b\.c$/ { print $3 }' "$T/file.tsv")
case $fa in vanished:*) within "${fa#*:}" -75 5 ;; *) false ;; esac && within "${fb:-0}" 75 5 ||
	fail "--by file: split2_a.c '$fa', split2_b.c '$fb' (expected vanished at ~-75, ~+75)"
hot=$(line_of "$SRCDIR/tests/workloads/split2_a.c" HOT:a)
diff_tsv "$T/base.db" "$T/new.db" --by line >"$T/line.tsv" || fail "--diff --by line failed"
la=$(awk -F'\t' -v l="$hot" '$5 ~ /\/split2_a\.c$/ && $6 == l { print $7 }' "$T/line.tsv")
[ "$la" = vanished ] || fail "--by line: split2_a.c:$hot is '$la', expected vanished"
[ "$(awk -F'\t' 'NR > 1 && $4 != ""' "$T/line.tsv" | wc -l)" = 0 ] || fail "--by line rows name a function"

# JSON and text
"$CPROF" --diff "$T/base.db" "$T/new.db" --format json >"$T/d.json" 2>>"$T/cprof.err" || fail "--diff --format json failed"
python3 - "$T/d.json" "$(meta "$T/base.db" samples)" "$(meta "$T/new.db" samples)" 2>"$T/py.err" <<'PY' ||
import json, sys
d = json.load(open(sys.argv[1]))
assert d["by"] == "function" and d["base"]["samples"] == int(sys.argv[2]) and d["new"]["samples"] == int(sys.argv[3]), d["base"]
rows = {r["function"]: r for r in d["rows"]}
assert rows["work_a"]["status"] == "vanished" and rows["work_b"]["status"] == "both", rows["work_a"]
for side in ("base_self_pct", "new_self_pct"):
    assert abs(sum(r[side] for r in d["rows"]) - 100) < 0.5, (side, sum(r[side] for r in d["rows"]))
PY
	fail "JSON: $(tail -n 1 "$T/py.err")"
"$CPROF" --diff "$T/base.db" "$T/new.db" >"$T/d.txt" 2>>"$T/cprof.err" || fail "--diff (text) failed"
grep -q ' work_a .*\[vanished\]$' "$T/d.txt" || fail "text: work_a not marked vanished: $(grep work_a "$T/d.txt")"
"$CPROF" --diff "$T/new.db" "$T/base.db" 2>>"$T/cprof.err" | grep -q ' work_a .*\[new\]$' || fail "text: work_a not marked new the other way round"

# --focus on both: work_b is all of each
diff_tsv "$T/base.db" "$T/new.db" --focus work_b >"$T/focus.tsv" || fail "--diff --focus failed"
fd=$(field focus.tsv work_b delta_pct)
within "${fd:-99}" 0 5 || fail "--diff --focus work_b: work_b's delta $fd, expected ~0 (it is all of both)"

"$CPROF" --diff "$T/base.db" 2>"$T/e.err" && fail "--diff with one session succeeded"
grep -q 'needs the session to compare it with' "$T/e.err" || fail "--diff BASE alone says: $(cat "$T/e.err")"
"$CPROF" --diff "$T/base.db" "$T/new.db" --pid 1 2>/dev/null && fail "--diff --pid succeeded"
"$CPROF" --diff "$T/base.db" "$T/nonexistent.db" 2>/dev/null && fail "--diff of a missing session succeeded"
"$CPROF" "$T/base.db" "$T/new.db" </dev/null >/dev/null 2>"$T/e.err" && fail "the TUI's diff ran without a terminal"
grep -q -- "--diff $T/base.db $T/new.db" "$T/e.err" || fail "BASE.db NEW.db without a terminal says: $(cat "$T/e.err")"
pass "work_a $a_base% -> vanished ($a_delta), work_b $b_base% -> $b_new% ($b_delta); by file, by line, JSON, text, --focus"
