#!/bin/bash
# In the TUI a launched program's output goes to FILE.log (-o FILE) or
# cprof-<program>.log: predictable names, often in a shared directory, often
# as root. A symbolic link (even a dangling one), a FIFO, another user's
# file or a file with other links in its place is never followed, written or
# emptied: cprof-tui refuses with one line naming the file and the remedy,
# exit status 2, before the program runs. A plain file of ours is replaced;
# a new one is created.
. "$(dirname "$0")/lib/common.sh"

echo ':wait 1500' >"$T/keys"
prog=(sh -c "echo out; echo err >&2; echo ran >$T/ran")

# tui ARGS...: the TUI (on the scripted virtual screen) in $T/work.
tui() {
	rm -f "$T/ran"
	(cd "$T/work" && CPROF_TUI_SCRIPT=$T/keys TERM=xterm timeout -k 5 20 "$CPROF" "$@" 2>"$T/cprof.err")
}

# refused WHAT LOG: cprof-tui would not write LOG, and said so.
refused() {
	local rc=$1 what=$2 log=$3
	[ "$rc" = 124 ] && fail "$what: cprof-tui hung"
	[ "$rc" = 2 ] || fail "$what: exit status $rc, expected 2"
	[ "$(wc -l <"$T/cprof.err")" = 1 ] && grep -q "cannot write the program's output to .*$log.*-o" "$T/cprof.err" ||
		fail "$what: not one line naming $log and the remedy: $(cat "$T/cprof.err")"
	[ -e "$T/ran" ] && fail "$what: the program ran anyway"
	return 0
}

mkdir "$T/work"
echo "precious" >"$T/victim"
victim() { [ "$(cat "$T/victim")" = precious ] || fail "$1: the file behind it was written: $(cat "$T/victim")"; }

ln -s "$T/victim" "$T/work/s.db.log"
tui -o s.db "${prog[@]}"
refused $? "a symlink" s.db.log
victim "a symlink"
rm "$T/work/s.db.log"

# the default name, cprof-<program>.log
ln -s "$T/victim" "$T/work/cprof-sh.log"
tui "${prog[@]}"
refused $? "a symlink as cprof-sh.log" cprof-sh.log
victim "a symlink as cprof-sh.log"
rm "$T/work/cprof-sh.log"

ln -s "$T/nothing-here" "$T/work/s.db.log"
tui -o s.db "${prog[@]}"
refused $? "a dangling symlink" s.db.log
[ -e "$T/nothing-here" ] && fail "a dangling symlink: its target was created"
rm "$T/work/s.db.log"

ln "$T/victim" "$T/work/s.db.log"
tui -o s.db "${prog[@]}"
refused $? "a hard link" s.db.log
victim "a hard link"
rm "$T/work/s.db.log"

mkfifo "$T/work/s.db.log"
tui -o s.db "${prog[@]}"
refused $? "a FIFO" s.db.log
rm "$T/work/s.db.log"

if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	echo "theirs" >"$T/work/s.db.log"
	chown nobody "$T/work/s.db.log"
	tui -o s.db "${prog[@]}"
	refused $? "another user's file" s.db.log
	[ "$(cat "$T/work/s.db.log")" = theirs ] || fail "another user's file was written"
	rm "$T/work/s.db.log"
	others=", another user's file"
else
	note "not root: another user's file is not tried"
fi

# a plain file of ours is replaced, a missing one created (not writable by others)
echo "an old run's output, longer than the new one" >"$T/work/s.db.log"
for what in "a file of ours" "no file"; do
	tui -o s.db "${prog[@]}"
	rc=$?
	[ $rc = 0 ] || fail "$what: exit status $rc: $(cat "$T/cprof.err")"
	[ -e "$T/ran" ] || fail "$what: the program did not run"
	[ "$(sort "$T/work/s.db.log" | tr '\n' ' ')" = "err out " ] ||
		fail "$what: the log holds '$(cat "$T/work/s.db.log")', not the program's output"
	[ -z "$(find "$T/work/s.db.log" -perm /022)" ] || fail "$what: the log is writable by others"
	rm "$T/work/s.db.log"
done
pass "refused: symlinks, a dangling one, a hard link, a FIFO${others:-}; replaced our file; created one"
