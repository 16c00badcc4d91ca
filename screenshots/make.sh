#!/bin/bash
# screenshots/make.sh — PNG screenshots of the main views on a real run.
#
# Runs the real cprof-tui in tmux on the bundled demo (and, for the diff view,
# on the UI tests' fixture session against its changed version, made by
# tests/ui/mkfixture; for the memory view, on the allocs workload under
# --memory), captures each view with
# its colours (tmux capture-pane -e), renders it to HTML (ansi2html.py) and
# takes a PNG of that with headless Chromium.
#
#   usage: screenshots/make.sh [BUILDDIR]     (default: the current directory)
#   needs: tmux, python3, chromium, fonts-dejavu-core (Debian packages)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=$(cd "${1:-.}" && pwd)
CPROF=$BUILDDIR/cprof-tui
DEMO=$BUILDDIR/demo/cprof-demo
COLS=110 ROWS=32
for tool in tmux python3 chromium; do
	command -v $tool >/dev/null || { echo "make.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
[ -x "$CPROF" ] && [ -x "$DEMO" ] || { echo "make.sh: build first (no $CPROF or $DEMO)" >&2; exit 1; }

T=$(mktemp -d)
SOCK=cprof-shots-$$
tm() { tmux -L "$SOCK" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT

tm -f /dev/null new-session -d -x $COLS -y $ROWS \
	"cd $T && env TERM=tmux-256color LANG=C.UTF-8 $CPROF -o $T/demo.db $DEMO 120"

# shot NAME: the pane as HTML and PNG.
shot() {
	local name=$1 w=$((COLS * 9 + 16)) h=$((ROWS * 19 + 16))
	sleep 1
	tm capture-pane -e -N -p >"$T/$name.ansi"
	python3 "$HERE/ansi2html.py" "cprof-tui: $name" <"$T/$name.ansi" >"$T/$name.html"
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size=$w,$h --screenshot="$HERE/$name.png" "file://$T/$name.html" >/dev/null 2>&1
	echo "screenshots/$name.png"
}
keys() { tm send-keys "$@"; }

sleep 6
shot functions
keys Enter
shot source
keys Escape c
shot callers
keys Escape Tab
shot files
keys Tab Enter
shot backtrace
keys Escape '?'
shot help
keys q g Down Down Right
shot flame
keys g t
sleep 4
keys -N 12 Left
keys Space
keys -N 25 Left
shot timeline
keys q q

# a diff: the fixture session against its changed version
MKFIXTURE=$BUILDDIR/tests/ui/mkfixture
[ -x "$MKFIXTURE" ] || { echo "make.sh: no $MKFIXTURE (make check TESTS= builds it)" >&2; exit 1; }
cp -r "$HERE/../tests/ui/fixture" "$T/"
(cd "$T" && "$MKFIXTURE" fixture.db && "$MKFIXTURE" --changed changed.db)
sleep 1
tm kill-server 2>/dev/null || true
tm -f /dev/null new-session -d -x $COLS -y $ROWS \
	"cd $T && env TERM=tmux-256color LANG=C.UTF-8 $CPROF fixture.db changed.db"
sleep 1
shot diff
keys q

# --memory: the source view in bytes allocated
ALLOCS=$BUILDDIR/tests/workloads/allocs
[ -x "$ALLOCS" ] || { echo "make.sh: no $ALLOCS (make check TESTS= builds it)" >&2; exit 1; }
tm kill-server 2>/dev/null || true
tm -f /dev/null new-session -d -x $COLS -y $ROWS \
	"cd $T && env TERM=tmux-256color LANG=C.UTF-8 $CPROF --memory -o $T/mem.db $ALLOCS lines 256"
sleep 3
keys m Enter
shot memory
keys q q
