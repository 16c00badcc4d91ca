# tests/ui/lib.sh — shared helpers of the UI tests (tests/ui/t-*.sh).
#
# Source it first thing:   . "$(dirname "$0")/lib.sh"
# Tests run from the build directory; $CPROF names the binary (default
# ./cprof-tui). A test exits 0 (pass), 1 (fail) or 77 (skip) and prints the
# reason of a failure or a skip as its last line.
#
# Provides:
#   $UI_SRCDIR (tests/ui in the source tree) $BUILDDIR $CPROF $T (temp dir)
#   fail MSG / skip MSG / pass [MSG]
#   make_fixture          write $T/fixture.db and the fixture sources under $T
#   run_script NAME ARGS  run cprof-tui ARGS in $T on the virtual 80x24 screen,
#                         keys from stdin (CPROF_TUI_SCRIPT); dumps land in $T
#   check_screen NAME     diff -u golden/NAME.txt against $T/NAME.txt
#                         (UPDATE_GOLDEN=1 rewrites the golden file instead)

set -u

TEST_NAME=$(basename "$0" .sh)
UI_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CPROF=${CPROF:-./cprof-tui}
[ -x "$CPROF" ] || { echo "FAIL: no cprof-tui at $CPROF (run from the build directory)"; exit 1; }
CPROF=$(cd "$(dirname "$CPROF")" && pwd)/$(basename "$CPROF")
BUILDDIR=$(dirname "$CPROF")
MKFIXTURE=$BUILDDIR/tests/ui/mkfixture
FAILED=0

T=$(mktemp -d "${TMPDIR:-/tmp}/cprof-$TEST_NAME.XXXXXX")
_cleanup() {
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap _cleanup EXIT

fail() {
	echo "FAIL: $*"
	[ -s "$T/cprof.err" ] && { echo "--- cprof-tui stderr:"; tail -n 15 "$T/cprof.err"; }
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }
pass() { [ $# -gt 0 ] && echo "$*"; exit 0; }

# Pinned environment: size, terminal, locale, time zone, no colours.
ui_env() {
	env COLUMNS=80 LINES=24 TERM=xterm LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC NO_COLOR=1 "$@"
}

make_fixture() {
	[ -x "$MKFIXTURE" ] || fail "no $MKFIXTURE (build it: make check TESTS=)"
	cp -r "$UI_SRCDIR/fixture" "$T/" || fail "cannot copy the fixture sources"
	(cd "$T" && "$MKFIXTURE" fixture.db) || fail "mkfixture failed"
}

# run_script NAME ARGS...: keys from stdin into $T/NAME.keys, then run. The
# CLI wants a terminal for the TUI, so it runs under script(1) on a pty; the
# TUI itself draws on a virtual screen and reads only the key script.
run_script() {
	local name=$1 cmd
	shift
	cat >"$T/$name.keys"
	cmd=$(printf '%q ' "$CPROF" "$@")
	(cd "$T" && ui_env CPROF_TUI_SCRIPT="$T/$name.keys" \
		timeout -k 5 30 script -qec "$cmd 2>$T/cprof.err" /dev/null >/dev/null) ||
		fail "cprof-tui $* with script $name exited with $?"
}

check_screen() {
	local name=$1 golden=$UI_SRCDIR/golden/$1.txt
	[ -f "$T/$name.txt" ] || fail "no screen dump $name.txt"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$UI_SRCDIR/golden"
		cp "$T/$name.txt" "$golden"
		return 0
	fi
	if ! diff -u "$golden" "$T/$name.txt"; then
		echo "screen $name differs from $golden (UPDATE_GOLDEN=1 to accept)"
		FAILED=1
	fi
}

command -v script >/dev/null || skip "script(1) not installed (apt-get install bsdutils)"

# --- tmux: the real binary on a real terminal ------------------------------
#   tmux_start CMD...     run CMD in a private tmux server, 100x30, pinned env;
#                         CMD's exit status lands in $T/exit
#   tmux_keys KEYS...     tmux send-keys
#   screen                the pane as text
#   wait_screen REGEX [S] wait up to S seconds (default 10) for the pane to match
#   wait_line N REGEX [S] the same for line N of the pane
#   wait_exit_status [S]  wait for CMD to end; prints its exit status
TMUX_SOCKET=cprof-ui-$$
tmux_() { tmux -L "$TMUX_SOCKET" "$@"; }
tmux_start() {
	command -v tmux >/dev/null || skip "tmux not installed (apt-get install tmux)"
	local cmd
	cmd=$(printf '%q ' "$@")
	tmux_ -f /dev/null new-session -d -x 100 -y 30 \
		"env TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC $cmd 2>$T/cprof.err; echo \$? >$T/exit; sleep 600" ||
		fail "cannot start tmux"
	trap 'tmux_ kill-server 2>/dev/null; _cleanup' EXIT
}
tmux_keys() { tmux_ send-keys "$@"; }
screen() { tmux_ capture-pane -p; }
wait_screen() {
	wait_line '' "$@"
}
# wait_line N REGEX [S]: the same for screen line N (1-based; '' = any line).
wait_line() {
	local n=$1 re=$2 limit=${3:-10} i=0
	until screen | sed -n "${n:-1,\$}p" | grep -Eq -- "$re"; do
		if [ $i -ge $((limit * 10)) ]; then
			echo "--- screen:"
			screen
			fail "timed out waiting for /$re/ on the screen"
		fi
		sleep 0.1
		i=$((i + 1))
	done
}
wait_exit_status() {
	local limit=${1:-10} i=0
	until [ -s "$T/exit" ]; do
		[ $i -ge $((limit * 10)) ] && { screen; fail "cprof-tui did not exit within $limit s"; }
		sleep 0.1
		i=$((i + 1))
	done
	cat "$T/exit"
}
