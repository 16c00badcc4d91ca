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
#   kill_at_exit PID...   kill -9 these processes when the test ends
#   make_fixture          write $T/fixture.db and the fixture sources under $T
#   run_script NAME ARGS  run cprof-tui ARGS in $T on the virtual 80x24 screen,
#                         keys from stdin (CPROF_TUI_SCRIPT); dumps land in $T
#   check_screen NAME     diff -u golden/NAME.txt against $T/NAME.txt
#                         (UPDATE_GOLDEN=1 rewrites the golden file instead)
#   the target's state (tests/lib/target.sh): proc_field, proc_utime,
#   wait_traced, sampled_by, wait_sampled, cprof_pid, task_states, assert_unharmed
#   session_ok DB         fail unless DB opens, is intact, its meta samples
#                         equal its samples table, and --report reads it
#   sample_gap DB         the longest time in seconds between two samples of
#                         one thread

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
_kill_at_exit=
kill_at_exit() { _kill_at_exit="$_kill_at_exit $*"; }
_cleanup() {
	if [ -n "$_kill_at_exit" ]; then
		kill -9 $_kill_at_exit 2>/dev/null
		wait 2>/dev/null
	fi
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "kept $T" >&2
	else # (a program killed just before may still be writing its last file there)
		rm -rf "$T" 2>/dev/null || { sleep 0.3; rm -rf "$T"; }
	fi
}
trap _cleanup EXIT
. "$UI_SRCDIR/../lib/target.sh"

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
# script(1) runs the command through $SHELL: bash, for printf %q's $'...'
# quoting of names with control characters (dash, CI's $SHELL, has none).
run_script() {
	local name=$1 cmd
	shift
	cat >"$T/$name.keys"
	cmd=$(printf '%q ' "$CPROF" "$@")
	(cd "$T" && ui_env SHELL=/bin/bash CPROF_TUI_SCRIPT="$T/$name.keys" \
		timeout -k 5 30 script -qec "$cmd 2>$T/cprof.err" /dev/null >/dev/null) ||
		fail "$cmd with script $name exited with $?"
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

session_ok() {
	local db=$1 ok meta n
	command -v sqlite3 >/dev/null || skip "sqlite3 shell not installed (apt-get install sqlite3)"
	ok=$(sqlite3 -batch "$db" "PRAGMA integrity_check" 2>&1) || fail "sqlite3 cannot open $db: $ok"
	[ "$ok" = ok ] || fail "$db: integrity_check says $ok"
	meta=$(sqlite3 -batch "$db" "SELECT value FROM meta WHERE key = 'samples'")
	n=$(sqlite3 -batch "$db" "SELECT count(*) FROM samples")
	[ -n "$meta" ] && [ "$meta" = "$n" ] || fail "$db: meta says ${meta:-no} samples, the samples table holds $n"
	"$CPROF" --report "$db" --by function --format tsv >"$T/session-report.tsv" 2>"$T/report.err" ||
		fail "--report $db failed: $(cat "$T/report.err")"
}

sample_gap() {
	sqlite3 -batch "$1" "SELECT coalesce(max(time_us - prev), 0) / 1e6 FROM (SELECT time_us,
		lag(time_us) OVER (PARTITION BY thread_id ORDER BY time_us) AS prev FROM samples)"
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
#   (CMD runs in a subshell of the pane's shell that ignores SIGHUP: its exit
#   status is written even when the terminal is closed; CMD itself gets the
#   SIGHUP a closed terminal sends, unless TMUX_NOHUP=1: then the pane's
#   shell ignores it, survives the terminal, and CMD sees only its input end;
#   the pane ends with CMD)
#   tmux_shell            an interactive bash in the pane instead (job
#                         control: Ctrl-Z, fg); then
#   tmux_type CMD...      type CMD into it; its exit status lands in $T/exit
#   pane_pid              the pid of the pane's shell
TMUX_SOCKET=cprof-ui-$$
UI_ENV="TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC"
tmux_() { tmux -L "$TMUX_SOCKET" "$@"; }
tmux_new() {
	command -v tmux >/dev/null || skip "tmux not installed (apt-get install tmux)"
	# a server of its own each time: one killed just before may still be
	# going away, and a client would reach it ("server exited unexpectedly")
	TMUX_SERVERS=$((${TMUX_SERVERS:-0} + 1))
	TMUX_SOCKET=cprof-ui-$$-$TMUX_SERVERS
	tmux_ -f /dev/null new-session -d -x 100 -y 30 "$1" || fail "cannot start tmux"
	trap 'tmux_ kill-server 2>/dev/null; _cleanup' EXIT
}
tmux_start() {
	local cmd
	cmd="env $UI_ENV $(printf '%q ' "$@") 2>$T/cprof.err; echo \$? >$T/exit"
	if [ -n "${TMUX_NOHUP:-}" ]; then
		tmux_new "trap '' HUP; $cmd"
	else
		tmux_new "(trap '' HUP; $cmd); sleep 600"
	fi
}
tmux_shell() {
	# the status of a command that ended (not stopped: no job left) at each prompt
	tmux_new "env $UI_ENV PS1='$ ' PROMPT_COMMAND='s=\$?; jobs %% >/dev/null 2>&1 || echo \$s >$T/exit' bash --norc --noprofile -i"
	wait_screen '^\$ *$'
	rm -f "$T/exit"
}
tmux_type() {
	tmux_keys "$(printf '%q ' "$@") 2>$T/cprof.err" Enter
}
pane_pid() { tmux_ display -p '#{pane_pid}'; }
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
