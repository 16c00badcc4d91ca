#!/bin/bash
# --export, each format read by its real consumer, on one recording of split2
# in two threads (and a short one of `inlined` for pprof's inline chains):
#  - folded: the counts add up to the samples; stacks outermost first; the
#    samples whose innermost frame is work_a, as SQL counts them;
#  - speedscope (python3): the file format's fields, a sampled profile per
#    thread with its samples' weight, stacks outermost first;
#  - pprof (go tool pprof): -top's total and work_a's flat samples, -list's
#    count at the HOT:a line, -traces' inline chain (mix inlined in outer);
#  - callgrind (callgrind_annotate): the totals, work_a's self samples, the
#    annotated source's HOT:a line, main's inclusive samples;
#  - the scope: --focus and --pid (a session of two processes);
#  - -o: a file that is not an export of ours is refused, --force replaces
#    it, an export of ours is replaced, the session itself never.
. "$(dirname "$0")/lib/common.sh"

command -v go >/dev/null || skip "go tool pprof not installed (apt-get install golang-go)"
command -v callgrind_annotate >/dev/null || skip "callgrind_annotate not installed (apt-get install valgrind)"
command -v python3 >/dev/null || skip "python3 not installed"
export HOME=$T GOCACHE=$T/go-cache # pprof keeps nothing of ours

cprof --headless -o "$T/s.db" "$WL/split2" -t 2 1.5 || fail "recording split2 failed"
db=$T/s.db
n=$(meta "$db" samples)
ge "$n" 800 || fail "only $n samples in 1.5 s of two busy threads (expected ~3000)"
hot=$(line_of "$SRCDIR/tests/workloads/split2_a.c" HOT:a)
decl=$(grep -n '^uint64_t work_a(' "$SRCDIR/tests/workloads/split2_a.c" | cut -d: -f1)
# samples whose innermost frame is in work_a (at its HOT:a line), as SQL counts them
leaf_sql() {
	sql "$db" "SELECT count(*) FROM samples s JOIN stack_frames sf ON sf.stack_id = s.stack_id
		AND sf.depth = 0 JOIN frames f ON f.id = sf.frame_id WHERE f.function = 'work_a' $1"
}
leaf=$(leaf_sql "")
leaf_hot=$(leaf_sql "AND f.line = $hot")
ge "$leaf" $((n / 2)) || fail "only $leaf of $n samples in work_a"

# folded
"$CPROF" --export folded "$db" >"$T/s.folded" 2>>"$T/cprof.err" || fail "--export folded failed"
sum=$(awk '{ s += $NF } END { print s + 0 }' "$T/s.folded")
[ "$sum" = "$n" ] || fail "folded counts add up to $sum, the session has $n samples"
[ "$(sort "$T/s.folded" | uniq -d | wc -l)" = 0 ] || fail "a folded stack is on two lines"
fa=$(awk '$1 ~ /;work_a$/ { s += $NF } END { print s + 0 }' "$T/s.folded")
[ "$fa" = "$leaf" ] || fail "folded: $fa samples end in work_a, SQL counts $leaf"
grep -q ';work_a;.*run\|^work_a;' "$T/s.folded" && fail "folded stacks are not outermost first: $(grep work_a "$T/s.folded" | head -n 1)"
roots=$(awk '$1 ~ /^(_start|__clone3|clone3);/ { s += $NF } END { print s + 0 }' "$T/s.folded")
ge "$roots" $((n * 95 / 100)) || fail "only $roots of $n folded samples start at _start or clone3"

# speedscope
"$CPROF" --export speedscope "$db" -o "$T/s.json" 2>>"$T/cprof.err" || fail "--export speedscope failed"
sql "$db" "SELECT t.tid, count(*) FROM samples s JOIN threads t ON t.id = s.thread_id GROUP BY t.tid" >"$T/threads"
python3 - "$T/s.json" "$T/threads" "$decl" 2>"$T/py.err" <<'PY' || fail "speedscope: $(tail -n 1 "$T/py.err")"
import json, re, sys
d = json.load(open(sys.argv[1]))
per = dict(l.strip().split("|") for l in open(sys.argv[2]))
assert d["$schema"] == "https://www.speedscope.app/file-format-schema.json", d["$schema"]
assert d["exporter"].startswith("cprof-tui"), d["exporter"]
frames = d["shared"]["frames"]
for f in frames:
    assert isinstance(f["name"], str) and isinstance(f["file"], str), f
    assert "line" not in f or isinstance(f["line"], int), f
wa = [i for i, f in enumerate(frames) if f["name"] == "work_a"]
assert len(wa) == 1, wa
assert frames[wa[0]]["file"].endswith("/split2_a.c") and frames[wa[0]]["line"] == int(sys.argv[3]), frames[wa[0]]
names = [f["name"] for f in frames]
assert len(d["profiles"]) == len(per), (len(d["profiles"]), per)
period = 10**9 // 999
for p in d["profiles"]:
    assert p["type"] == "sampled" and p["unit"] == "nanoseconds", p["type"]
    tid = re.search(r"tid (\d+)\)$", p["name"]).group(1)
    assert len(p["samples"]) == len(p["weights"]), p["name"]
    assert sum(p["weights"]) == p["endValue"] - p["startValue"] == int(per[tid]) * period, (p["name"], sum(p["weights"]), per[tid])
    rooted = sum(w for s, w in zip(p["samples"], p["weights"]) if names[s[0]] in ("_start", "__clone3", "clone3"))
    assert rooted >= 0.95 * sum(p["weights"]), (p["name"], "stacks not outermost first")
    for s in p["samples"]:
        if wa[0] in s:
            assert s[-1] == wa[0] and names[s[-2]] == "run", [names[i] for i in s]
assert 0 <= d["activeProfileIndex"] < len(d["profiles"])
PY

# pprof
"$CPROF" --export pprof "$db" -o "$T/s.pb.gz" 2>>"$T/cprof.err" || fail "--export pprof failed"
[ "$(od -An -tx1 -N2 "$T/s.pb.gz" | tr -d ' ')" = 1f8b ] || fail "pprof export is not gzip"
go tool pprof -sample_index=samples -top "$T/s.pb.gz" >"$T/top" 2>"$T/pprof.err" || fail "go tool pprof -top: $(tail -n 1 "$T/pprof.err")"
total=$(sed -n 's/.*Total samples = \([0-9]*\).*/\1/p' "$T/top")
[ "$total" = "$n" ] || fail "go tool pprof -top: total '$total', the session has $n samples"
flat=$(awk '$6 == "work_a" { print $1 }' "$T/top")
[ "$flat" = "$leaf" ] || fail "go tool pprof -top: work_a flat '$flat', SQL counts $leaf; $(grep work_a "$T/top")"
go tool pprof -sample_index=samples -list '^work_a$' "$T/s.pb.gz" >"$T/list" 2>"$T/pprof.err" || fail "go tool pprof -list: $(tail -n 1 "$T/pprof.err")"
lf=$(awk -v l="$hot:" '$3 == l { print $1 }' "$T/list")
[ "$lf" = "$leaf_hot" ] || fail "go tool pprof -list work_a: line $hot has '$lf', SQL counts $leaf_hot; $(grep HOT:a "$T/list")"
go tool pprof -top "$T/s.pb.gz" 2>/dev/null | grep -q '^Type: cpu$' || fail "pprof's default sample type is not cpu"

cprof --headless -o "$T/in.db" "$WL/inlined" 0.5 || fail "recording inlined failed"
"$CPROF" --export pprof "$T/in.db" -o "$T/in.pb.gz" 2>>"$T/cprof.err" || fail "--export pprof (inlined) failed"
go tool pprof -traces "$T/in.pb.gz" >"$T/traces" 2>"$T/pprof.err" || fail "go tool pprof -traces: $(tail -n 1 "$T/pprof.err")"
chains=$(awk 'prev ~ / mix \(inline\)$/ && $1 == "outer" { n++ } { prev = $0 } END { print n + 0 }' "$T/traces")
ge "$chains" 1 || fail "go tool pprof -traces shows no mix inlined in outer: $(grep -m 3 mix "$T/traces" | tr '\n' '|')"

# callgrind
"$CPROF" --export callgrind "$db" -o "$T/s.cg" 2>>"$T/cprof.err" || fail "--export callgrind failed"
callgrind_annotate --auto=yes "$T/s.cg" >"$T/cga" 2>"$T/cga.err" || fail "callgrind_annotate: $(tail -n 1 "$T/cga.err")"
[ -s "$T/cga.err" ] && fail "callgrind_annotate complains: $(head -n 1 "$T/cga.err")"
uncomma() { tr -d , | awk '{ print $1 }'; }
ct=$(grep 'PROGRAM TOTALS' "$T/cga" | uncomma)
[ "$ct" = "$n" ] || fail "callgrind_annotate: program totals '$ct', the session has $n samples"
ca=$(grep '/split2_a\.c:work_a ' "$T/cga" | head -n 1 | uncomma)
[ "$ca" = "$leaf" ] || fail "callgrind_annotate: work_a '$ca', SQL counts $leaf"
ch=$(grep 'HOT:a' "$T/cga" | uncomma)
[ "$ch" = "$leaf_hot" ] || fail "callgrind_annotate's source of split2_a.c: line $hot has '$ch', SQL counts $leaf_hot"
callgrind_annotate --inclusive=yes "$T/s.cg" >"$T/cgi" 2>"$T/cga.err" || fail "callgrind_annotate --inclusive=yes: $(tail -n 1 "$T/cga.err")"
mi=$(grep '/split2\.c:main ' "$T/cgi" | head -n 1 | uncomma)
main_sql=$(sql "$db" "SELECT count(*) FROM samples s WHERE EXISTS (SELECT 1 FROM stack_frames sf
	JOIN frames f ON f.id = sf.frame_id WHERE sf.stack_id = s.stack_id AND f.function = 'main')")
[ "$mi" = "$main_sql" ] || fail "callgrind_annotate --inclusive=yes: main '$mi', SQL counts $main_sql samples with main on the stack"

# the scope: --focus, and --pid on a session of two processes
"$CPROF" --export folded "$db" --focus work_b >"$T/b.folded" 2>>"$T/cprof.err" || fail "--export --focus failed"
want=$(sql "$db" "SELECT count(*) FROM samples s WHERE EXISTS (SELECT 1 FROM stack_frames sf
	JOIN frames f ON f.id = sf.frame_id WHERE sf.stack_id = s.stack_id AND f.function = 'work_b')")
got=$(awk '{ s += $NF } END { print s + 0 }' "$T/b.folded")
[ "$got" = "$want" ] || fail "--export folded --focus work_b: $got samples, SQL counts $want"
grep -qv ';work_b' "$T/b.folded" && fail "--focus work_b exported a stack without it: $(grep -v ';work_b' "$T/b.folded" | head -n 1)"
cprof --headless -o "$T/two.db" sh -c "\"$WL/split2\" 0.6 & \"$WL/split2\" -a 0 0.6; wait" ||
	fail "recording two processes failed"
pid=$(sql "$T/two.db" "SELECT pid FROM processes WHERE command LIKE '%split2 -a 0 %'")
[ -n "$pid" ] || fail "no process 'split2 -a 0' in the session: $(sql "$T/two.db" "SELECT command FROM processes" | tr '\n' '|')"
want=$(sql "$T/two.db" "SELECT count(*) FROM samples s JOIN threads t ON t.id = s.thread_id WHERE t.pid = $pid")
"$CPROF" --export callgrind "$T/two.db" --pid "$pid" -o "$T/p.cg" 2>>"$T/cprof.err" || fail "--export --pid failed"
got=$(sed -n 's/^totals: //p' "$T/p.cg")
[ "$got" = "$want" ] && ge "$want" 100 || fail "--export callgrind --pid $pid: $got samples, SQL counts $want"
grep -q 'work_a' "$T/p.cg" && fail "--pid $pid (split2 -a 0) exported work_a, which only the other process runs"

# -o: what may be replaced
echo "my notes" >"$T/notes.txt"
"$CPROF" --export folded "$db" -o "$T/notes.txt" 2>"$T/o.err" && fail "--export -o replaced a file that is not an export"
grep -q "not a cprof-tui folded export.*--force" "$T/o.err" || fail "refusing -o says: $(cat "$T/o.err")"
[ "$(cat "$T/notes.txt")" = "my notes" ] || fail "a refused -o changed the file"
"$CPROF" --export speedscope "$db" -o "$T/s.folded" 2>/dev/null && fail "--export speedscope replaced a folded export"
"$CPROF" --export folded "$db" -o "$T/notes.txt" --force 2>>"$T/cprof.err" || fail "--force did not replace the file"
cmp -s "$T/notes.txt" "$T/s.folded" || fail "--force wrote another export than stdout's"
"$CPROF" --export pprof "$db" -o "$T/s.pb.gz" 2>>"$T/cprof.err" || fail "an export of ours was not replaced"
"$CPROF" --export folded "$db" -o "$db" --force 2>"$T/o.err" && fail "--export -o SESSION.db --force replaced the session"
[ "$(meta "$db" samples)" = "$n" ] || fail "the session changed"

pass "$n samples: folded, speedscope, pprof (-top, -list, inline chains) and callgrind (totals, source, inclusive) agree with SQL: work_a $leaf samples innermost, $leaf_hot at line $hot; --focus, --pid, -o"
