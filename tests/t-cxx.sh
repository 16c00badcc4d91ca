#!/bin/bash
# C++ names as perf shows them (tests/workloads/cxxnames.cc): namesakes
# a::Worker::run and b::Worker::run are two rows split 3:1, not one row
# "run"; the overloads of scale get their parameter lists (the module has two
# functions named scale); the template and the lambda keep perf's names. The
# split matches the known one within 3 points and perf's within 4 (perf
# lists both overloads as "scale": they are compared as one).
. "$(dirname "$0")/lib/common.sh"

A='a::Worker::run' B='b::Worker::run' FOLD='fold<unsigned long>'
S1='scale(unsigned long, unsigned long)' S2='scale(double, unsigned long)'
LAMBDA='one_round(unsigned long)::{lambda(unsigned long, unsigned long)#1}::operator()'

cprof --headless -o "$T/s.db" "$WL/cxxnames" 3
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui cxxnames exited $rc"
cprof_split "$T/s.db" >"$T/cprof.split"
for name in "$A" "$B" "$S1" "$S2" "$FOLD" "$LAMBDA"; do
	grep -qxF "$name" <(cut -f2 "$T/cprof.split") ||
		fail "no function '$name'; functions: $(cut -f2 "$T/cprof.split" | head -n 8 | tr '\n' '|')"
done
cut -f2 "$T/cprof.split" | grep -qx 'run' && fail "a row named 'run': namesakes merged"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report --by function failed"
where=$(row_val "$T/fn.tsv" function "$B" file)
case "$where" in */tests/workloads/cxxnames.cc) ;; *) fail "$B is in '$where', expected cxxnames.cc" ;; esac
# a lambda has a line too (g++ declares none: the line it is entered at)
lline=$(row_val "$T/fn.tsv" function "$LAMBDA" line)
ge "${lline:-0}" 1 || fail "the lambda's row has no line"

a=$(share_of "$T/cprof.split" "$A") b=$(share_of "$T/cprof.split" "$B")
within "$a" 37.5 3 || fail "$A self $a%, known split 37.5%"
within "$b" 12.5 3 || fail "$B self $b%, known split 12.5%"
for name in "$S1" "$S2" "$FOLD" "$LAMBDA"; do
	s=$(share_of "$T/cprof.split" "$name")
	within "$s" 12.5 3 || fail "$name self $s%, known split 12.5%"
done

# perf has one name for both overloads
sed 's/\tscale(.*)$/\tscale/' "$T/cprof.split" >"$T/cprof.cmp"
vs_perf() {
	local d
	d=$(split_distance "$T/perf.split" "$T/cprof.cmp" "$A" "$B" scale "$FOLD" "$LAMBDA")
	within "$d" 0 4 || { echo "cprof split ($A $a%, $B $b%) is $d points from perf's ($A $(share_of "$T/perf.split" "$A")%, $B $(share_of "$T/perf.split" "$B")%)"; return 1; }
}
if perf_ok; then
	against_perf vs_perf "$WL/cxxnames" 3
	pass "$A $a%, $B $b% (perf: $(share_of "$T/perf.split" "$A")%, $(share_of "$T/perf.split" "$B")%; distance $(split_distance "$T/perf.split" "$T/cprof.cmp" "$A" "$B" scale "$FOLD" "$LAMBDA") points)"
fi
pass "$A $a%, $B $b% (perf comparison skipped: $PERF_WHY)"
