#!/bin/sh
# runner.sh: a test suite's runner, made of child processes: two tests in
# parallel, one after them, then many very short ones; exits 3 (a test
# "failed"), as make check or ctest would report it.
T=${TCASE:-$(dirname "$0")/tcase}
S=${SCALE:-1}
"$T" parse "$(awk "BEGIN{print 0.4 * $S}")" &
"$T" sort "$(awk "BEGIN{print 0.4 * $S}")" &
wait
"$T" hash "$(awk "BEGIN{print 0.4 * $S}")"
i=0
while [ $i -lt 30 ]; do
	"$T" sort 0.01
	i=$((i + 1))
done
exit 3
