#!/bin/bash
# The session file and --report agree with each other: meta keys, the TSV
# headers, counts that add up to the samples, JSON and text formats, --limit,
# de-duplicated stacks, and --profile-only / --profile-all.
. "$(dirname "$0")/lib/common.sh"

cprof --headless -o "$T/s.db" "$WL/split2" 1.5
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui exited $rc"
db=$T/s.db

for k in schema_version command pid frequency_hz mode started_at ended_at samples; do
	[ -n "$(meta "$db" $k)" ] || fail "meta key $k missing or empty"
done
iso='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|\+00:?00)$'
for k in started_at ended_at; do
	meta "$db" $k | grep -Eq "$iso" || fail "meta $k '$(meta "$db" $k)' is not ISO 8601 UTC"
done
meta "$db" command | grep -q split2 || fail "meta command '$(meta "$db" command)' does not name the program"
n=$(meta "$db" samples)
[ "$(sql "$db" "SELECT count(*) FROM samples")" = "$n" ] || fail "samples table has $(sql "$db" "SELECT count(*) FROM samples") rows, meta says $n"
[ "$(sql "$db" "SELECT sum(samples) FROM threads")" = "$n" ] || fail "threads.samples add up to $(sql "$db" "SELECT sum(samples) FROM threads"), meta says $n"
ns=$(sql "$db" "SELECT count(*) FROM stacks")
ge "$((n / 20))" "$ns" || fail "$ns stacks for $n samples of a 3-function program: not de-duplicated"

hdr_function=$(printf 'self\ttotal\tself_pct\ttotal_pct\tfunction\tfile\tline')
hdr_line=$(printf 'self\ttotal\tself_pct\ttotal_pct\tfile\tline')
hdr_file=$(printf 'self\ttotal\tself_pct\ttotal_pct\tprofiled\tlines_hit\tfile')
for by in function line file; do
	report "$db" $by >"$T/$by.tsv" || fail "--report --by $by failed"
	want=hdr_$by
	[ "$(head -n 1 "$T/$by.tsv")" = "${!want}" ] || fail "--by $by header: '$(head -n 1 "$T/$by.tsv")'"
	sum=$(col "$T/$by.tsv" self | awk '{ s += $1 } END { print s + 0 }')
	[ "$sum" = "$n" ] || fail "--by $by: self column adds up to $sum, samples $n"
	pct=$(col "$T/$by.tsv" self_pct | awk '{ s += $1 } END { print s + 0 }')
	within "$pct" 100 1 || fail "--by $by: self_pct adds up to $pct"
done
grep -q "^[0-9]*	[0-9]*	[0-9.]*	[0-9.]*	(outside profiled files)	" "$T/function.tsv" ||
	fail "no '(outside profiled files)' row in --by function"

# the SQL views agree with the report
a_self=$(row_val "$T/function.tsv" function work_a self)
v_self=$(sql "$db" "SELECT sum(self) FROM function_hits WHERE function = 'work_a'")
[ "$a_self" = "$v_self" ] || fail "work_a self: report $a_self, function_hits $v_self"
hot=$(line_of "$SRCDIR/tests/workloads/split2_a.c" HOT:a)
r_tot=$(awk -F'\t' -v l="$hot" '$5 ~ /\/split2_a\.c$/ && $6 == l { print $2 }' "$T/line.tsv")
v_tot=$(sql "$db" "SELECT sum(total) FROM line_hits WHERE path LIKE '%/split2_a.c' AND line = $hot")
[ -n "$r_tot" ] && [ "$r_tot" = "$v_tot" ] || fail "split2_a.c:$hot total: report '$r_tot', line_hits '$v_tot'"
[ "$(sql "$db" "SELECT profiled FROM files WHERE path LIKE '%/split2_a.c'")" = 1 ] || fail "split2_a.c not profiled by default"

# --limit
"$CPROF" --report "$db" --by line --format tsv --limit 2 >"$T/limit.tsv" 2>>"$T/cprof.err" || fail "--limit 2 failed"
rows=$(($(wc -l <"$T/limit.tsv") - 1))
[ $rows -ge 1 ] && [ $rows -le 3 ] || fail "--limit 2 gave $rows rows"

# JSON
"$CPROF" --report "$db" --by function --format json >"$T/r.json" 2>>"$T/cprof.err" || fail "--format json failed"
python3 - "$T/r.json" "$n" <<'PY' || fail "JSON report: $(head -c 300 "$T/r.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["samples"] == int(sys.argv[2]), ("samples", d["samples"])
assert d["by"] == "function", d["by"]
names = {r["function"]: r for r in d["rows"]}
assert "work_a" in names and "work_b" in names, list(names)[:10]
assert sum(r["self"] for r in d["rows"]) == d["samples"]
PY

# text
"$CPROF" --report "$db" >"$T/r.txt" 2>>"$T/cprof.err" || fail "--report (text) failed"
grep -q work_a "$T/r.txt" || fail "text report does not mention work_a"

# --profile-only replaces the default set; --profile-all marks everything
cprof --headless --profile-only split2_b.c -o "$T/only.db" "$WL/split2" 1
[ $? -eq 0 ] || fail "--profile-only run failed"
cprof_split "$T/only.db" >"$T/only.split"
b=$(share_of "$T/only.split" work_b)
o=$(share_of "$T/only.split" "(outside profiled files)")
within "$b" 25 4 || fail "--profile-only split2_b.c: work_b self $b%, expected 25%"
within "$o" 75 4 || fail "--profile-only split2_b.c: outside $o%, expected 75%"
[ "$(sql "$T/only.db" "SELECT profiled FROM files WHERE path LIKE '%/split2_a.c'")" = 0 ] ||
	fail "--profile-only split2_b.c left split2_a.c profiled"
cprof --headless --profile-all -o "$T/all.db" "$WL/split2" 0.5
[ $? -eq 0 ] || fail "--profile-all run failed"
np=$(sql "$T/all.db" "SELECT count(*) FROM files WHERE profiled = 0")
[ "$np" = 0 ] || fail "--profile-all: $np files not profiled"

# the same options on a saved session: this report only, the file keeps its set
before=$(sql "$db" "SELECT group_concat(path || '=' || profiled) FROM files")
"$CPROF" --report "$db" --profile-only split2_b.c --format tsv >"$T/ronly.tsv" 2>>"$T/cprof.err" ||
	fail "--report --profile-only failed"
rb=$(row_val "$T/ronly.tsv" function work_b self_pct)
ro=$(row_val "$T/ronly.tsv" function "(outside profiled files)" self_pct)
within "${rb:-0}" 25 4 && within "${ro:-0}" 75 4 ||
	fail "--report --profile-only split2_b.c: work_b ${rb:-none}%, outside ${ro:-none}% (expected 25/75)"
"$CPROF" --report "$db" --profile-all --format tsv >"$T/rall.tsv" 2>>"$T/cprof.err" ||
	fail "--report --profile-all failed"
ra=$(row_val "$T/rall.tsv" function "(outside profiled files)" self)
[ "${ra:-x}" = 0 ] || fail "--report --profile-all: ${ra:-no} samples outside profiled files"
"$CPROF" --report "$db" --profile-all --by file --format tsv >"$T/rallf.tsv" 2>>"$T/cprof.err" ||
	fail "--report --profile-all --by file failed"
unprof=$(awk -F'\t' 'NR > 1 && $5 == 0 && $7 != "(outside profiled files)"' "$T/rallf.tsv" | wc -l)
[ "$unprof" = 0 ] || fail "--report --profile-all: $unprof files still not profiled"
[ "$(sql "$db" "SELECT group_concat(path || '=' || profiled) FROM files")" = "$before" ] ||
	fail "--report --profile-only/--profile-all changed the session's profiled set"
# a session of schema version 2 (before processes were stored): it opens,
# as one process whose end the file does not tell
cp "$SRCDIR"/tests/fuzz/corpus/schema2.db* "$T/"
"$CPROF" --report "$T/schema2.db" >"$T/v2.txt" 2>&1 || fail "a version-2 session: $(tail -n 1 "$T/v2.txt")"
grep -q " main " "$T/v2.txt" || fail "a version-2 session: no function rows: $(head -n 3 "$T/v2.txt")"
"$CPROF" --report "$T/schema2.db" --by process >"$T/v2p.txt" 2>&1 ||
	fail "a version-2 session --by process: $(tail -n 1 "$T/v2p.txt")"
grep -q "end unseen .*tests/workloads/short" "$T/v2p.txt" ||
	fail "a version-2 session's process: $(sed -n 3p "$T/v2p.txt")"
pass "$n samples; tsv/json/text agree; --profile-only: work_b $b%, outside $o%; on the saved session: work_b $rb%, outside $ro%"
