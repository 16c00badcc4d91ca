#!/bin/bash
# `cprof-tui BASE.db NEW.db`: the fixture session against its changed
# version (mkfixture --changed: checksum 60 -> 40%, copy_buffers 20 -> 35%,
# lost gone, a new memset call in main). Golden screens of the Functions
# view (sorted by the change, then by self), a gone row that cannot be
# opened, the Source view's Base%/Delta gutter, the Files view and a toggle
# that re-charges both sessions and is saved in neither. Then the colours,
# on a real terminal (tmux): the deltas red when up, green when down, and
# under NO_COLOR the same screen without a colour, the signs saying it.
. "$(dirname "$0")/lib.sh"

make_fixture
(cd "$T" && "$MKFIXTURE" --changed changed.db) || fail "mkfixture --changed failed"
cp "$T/fixture.db" "$T/fixture.copy" && cp "$T/changed.db" "$T/changed.copy"

run_script diff fixture.db changed.db <<'KEYS'
:dump diff-functions.txt
Enter
:dump diff-source.txt
Esc
Down
Down
Down
Enter
:dump diff-gone.txt
s
:dump diff-functions-by-self.txt
Tab
:dump diff-files.txt
Space
:dump diff-files-toggled.txt
KEYS
for s in diff-functions diff-source diff-gone diff-functions-by-self diff-files diff-files-toggled; do
	check_screen "$s"
done
cmp -s "$T/fixture.db" "$T/fixture.copy" && cmp -s "$T/changed.db" "$T/changed.copy" ||
	fail "browsing a diff changed a session file"

# m in a diff: the base's shares are of CPU samples, so bytes are refused
cp "$T/changed.db" "$T/mem.db"
sqlite3 "$T/mem.db" "INSERT OR REPLACE INTO meta(key, value) VALUES ('memory_interval', '262144')"
run_script diffmetric fixture.db mem.db <<'KEYS'
m
:dump diff-metric.txt
KEYS
grep -q 'a diff compares CPU samples' "$T/diff-metric.txt" ||
	fail "m in a diff: $(tail -n 1 "$T/diff-metric.txt")"
grep -Eq '^ +Base% +New% +Delta' "$T/diff-metric.txt" || fail "m in a diff left the diff's columns"

# colours (rows off the cursor): the delta of lost (-5.0) green, of
# copy_buffers (+15.0) red
command -v tmux >/dev/null || skip "tmux not installed (apt-get install tmux)"
row() { tmux_ capture-pane -p -e | grep -m 1 "$1"; }
tmux_start "$CPROF" "$T/fixture.db" "$T/changed.db"
wait_screen '^ +5\.0 +gone +-5\.0 .* lost '
row ' gone ' | grep -q $'\e\\[[0-9;]*32m *-5\\.0' || fail "lost's -5.0 is not green: $(row ' gone ' | cat -v)"
row copy_buffers | grep -q $'\e\\[[0-9;]*31m *+15\\.0' || fail "copy_buffers' +15.0 is not red: $(row copy_buffers | cat -v)"
tmux_keys q
[ "$(wait_exit_status)" = 0 ] || fail "cprof-tui BASE NEW exited $(cat "$T/exit")"
tmux_ kill-server
UI_ENV="$UI_ENV NO_COLOR=1"
tmux_start "$CPROF" "$T/fixture.db" "$T/changed.db"
wait_screen '^ +20\.0 +35\.0 +\+15\.0 .* copy_buffers '
row copy_buffers | grep -q $'\e\\[[0-9;]*3[0-7]m' && fail "NO_COLOR: a colour on $(row copy_buffers | cat -v)"
tmux_keys q
wait_exit_status >/dev/null
[ "$FAILED" = 0 ] || fail "screens differ"
pass "functions, source, files of a diff; a gone row; a toggle of both; m refused; red up, green down, NO_COLOR plain"
