#!/bin/bash
# A thin profile is explained, with the measured figures and the remedy:
# a program that ran too briefly, one that mostly slept, one whose time went
# into a library that is not profiled, one whose own files were left out of
# the profiled set, one built without debug info.
. "$(dirname "$0")/lib/common.sh"

cprof --headless -o "$T/s.db" "$WL/short" || fail "short: $(tail -n 1 "$T/cprof.err")"
grep -Eq "note: only [0-9]+ samples?: the program used [0-9]+ ms of CPU, [0-9]+ samples' worth at 999 Hz; for more, a longer run, --repeat N" "$T/cprof.err" ||
	fail "a 2-ms program: no word of too few samples: $(grep note "$T/cprof.err" | head -n 1)"

cprof --headless -o "$T/z.db" sleep 1 || fail "sleep: $(tail -n 1 "$T/cprof.err")"
grep -Eq "note: the program was on a CPU [0-9]+% of the 1\.[0-9] s .*--wall samples waiting threads too" "$T/cprof.err" ||
	fail "sleep 1: no word that it mostly slept: $(grep note "$T/cprof.err" | head -n 2)"

cprof --headless -o "$T/l.db" "$WL/libccall" 1 || fail "libccall: $(tail -n 1 "$T/cprof.err")"
grep -Eq "note: (9[0-9]|100)% of the samples ran in code that is not profiled, in .*(memset|strlen).*--profile-all" "$T/cprof.err" ||
	fail "libccall: no word that its time is in libc, charged to its lines: $(grep note "$T/cprof.err" | head -n 2)"
cprof --headless --profile-all -o "$T/a.db" "$WL/libccall" 1
grep -q "not profiled" "$T/cprof.err" && fail "--profile-all: still told that code is not profiled"

cprof --headless --profile-only 'nomatch*.c' -o "$T/o.db" "$WL/split2" 1 ||
	fail "split2 --profile-only: $(tail -n 1 "$T/cprof.err")"
grep -Eq "note: (9[0-9]|100)% of the samples are outside the profiled files, in .*split2_a\.c [0-9]+%.*--profile-only PATTERN or --profile-all" "$T/cprof.err" ||
	fail "files left out: no word naming them and the option: $(grep note "$T/cprof.err" | head -n 2)"

cprof --headless -o "$T/n.db" "$WL/stripped" 1 || fail "stripped: $(tail -n 1 "$T/cprof.err")"
grep -Eq "note: .*/stripped has no debug info, and (9[0-9]|100)% of the samples count for it.*rebuild it with -g" "$T/cprof.err" ||
	fail "no debug info: no word naming the module: $(grep note "$T/cprof.err" | head -n 2)"

pass "short, sleeping, library-bound, files left out and no debug info explained"
