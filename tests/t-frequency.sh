#!/bin/bash
# -F sets the samples per second per running thread, the default rate is
# achieved on a busy thread, and -d stops sampling while a launched program
# runs on to its end.
. "$(dirname "$0")/lib/common.sh"

cprof --headless -F 250 -o "$T/f.db" "$WL/split2" 2
[ $? -eq 0 ] || fail "cprof-tui -F 250 failed"
[ "$(meta "$T/f.db" frequency_hz)" = 250 ] || fail "meta frequency_hz '$(meta "$T/f.db" frequency_hz)', expected 250"
n=$(meta "$T/f.db" samples)
within "$n" 500 100 || fail "-F 250 for 2 s gave $n samples, expected ~500"

cprof --headless -o "$T/d.db" "$WL/split2" 2
[ $? -eq 0 ] || fail "cprof-tui (default rate) failed"
hz=$(meta "$T/d.db" frequency_hz)
nd=$(meta "$T/d.db" samples)
rate=$(awk -v n="$nd" 'BEGIN { printf "%.0f", n / 2 }')
ge "$rate" "$(awk -v f="$hz" 'BEGIN { print f * 0.8 }')" || fail "default rate $hz Hz: achieved only $rate samples/s on one busy thread"

start=$(date +%s.%N)
cprof --headless -d 1 -o "$T/dur.db" "$WL/split2" 3
rc=$?
el=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
[ $rc -eq 0 ] || fail "-d 1 with a 3 s program exited $rc"
ge "$el" 2.8 || fail "-d 1: cprof-tui returned after $el s, before the 3 s program ended"
nd1=$(meta "$T/dur.db" samples)
ge "$(awk -v f="$hz" 'BEGIN { print f * 1.3 }')" "$nd1" || fail "-d 1 at $hz Hz took $nd1 samples (sampling went on past 1 s)"
ge "$nd1" "$(awk -v f="$hz" 'BEGIN { print f * 0.5 }')" || fail "-d 1 at $hz Hz took only $nd1 samples"
pass "-F 250: $n samples in 2 s; default $hz Hz achieved $rate/s; -d 1: $nd1 samples, returned after $el s"
