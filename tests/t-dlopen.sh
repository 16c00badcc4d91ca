#!/bin/bash
# A module loaded with dlopen after the start is picked up: the plugin's
# function is named with its own file and line, and its time is its own.
. "$(dirname "$0")/lib/common.sh"

src=$SRCDIR/tests/workloads/plugin.c
hot=$(line_of "$src" HOT:plugin)
cprof --headless -o "$T/s.db" "$WL/dlopen" "$WL/libplugin.so" 3
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui dlopen exited $rc"
report "$T/s.db" function >"$T/fn.tsv" || fail "--report --by function failed"
p=$(awk -F'\t' '$5 == "plugin_work" && $6 ~ /\/plugin\.c$/ { print $3; exit }' "$T/fn.tsv")
o=$(row_val "$T/fn.tsv" function own_work self_pct)
# a third of the time in own_work, the rest in the plugin
ge "${p:-0}" 50 || fail "plugin_work (plugin.c) self ${p:-none}%, expected ~67%; $(cut -f3,5,6 "$T/fn.tsv" | head -n 4 | tr '\n' ' ')"
ge "${o:-0}" 20 || fail "own_work self ${o:-none}%, expected ~33%"
report "$T/s.db" line >"$T/line.tsv" || fail "--report --by line failed"
l=$(awk -F'\t' -v l="$hot" '$5 ~ /\/plugin\.c$/ && $6 == l { print $3 }' "$T/line.tsv")
ge "${l:-0}" 50 || fail "plugin.c:$hot has ${l:-no} self %, expected most of the plugin's time"
pass "plugin_work $p%, own_work $o%, plugin.c:$hot $l%"
