#!/bin/bash
# Bad input is answered with exactly one line on stderr, nothing on stdout,
# and exit status 2 — never a crash, a hang or a traceback.
. "$(dirname "$0")/lib/common.sh"

bad() {
	local what=$1
	shift
	timeout -k 2 10 "$@" >"$T/bad.out" 2>"$T/bad.err" </dev/null
	local rc=$? lines
	lines=$(wc -l <"$T/bad.err")
	[ $rc -ne 124 ] || fail "$what: hangs ($*)"
	[ $rc -eq 2 ] || fail "$what: exit $rc, expected 2 ($*); stderr: $(head -c 300 "$T/bad.err")"
	[ "$lines" -eq 1 ] || fail "$what: $lines lines on stderr, expected 1: $(head -c 300 "$T/bad.err")"
	[ ! -s "$T/bad.out" ] || fail "$what: wrote to stdout: $(head -c 200 "$T/bad.out")"
	checked=$((checked + 1))
}
checked=0

# a good session to spoil
cprof --headless -o "$T/good.db" "$WL/short" || fail "cannot record a session of 'short'"

# missing or unusable programs
bad "missing program (path)" "$CPROF" --headless -o "$T/x.db" "$T/no-such-program"
bad "missing program (PATH lookup)" "$CPROF" --headless -o "$T/x.db" cprof-no-such-command
echo "just some notes" >"$T/notes.txt"
bad "not an ELF (text file)" "$CPROF" --headless -o "$T/x.db" "$T/notes.txt"
head -c 4096 /dev/urandom | tr -d '\0' | sed '1s/^/\x01\x02/' >"$T/garbage"
chmod +x "$T/garbage"
bad "not an ELF (executable garbage)" "$CPROF" --headless -o "$T/x.db" "$T/garbage"
bad "a directory" "$CPROF" --headless -o "$T/x.db" "$T"

# PIDs
pid=$(($(cat /proc/sys/kernel/pid_max) - 1))
while kill -0 "$pid" 2>/dev/null; do pid=$((pid - 1)); done
bad "no such PID" "$CPROF" --headless -p "$pid" -d 1 -o "$T/x.db"
bad "PID 0" "$CPROF" --headless -p 0 -d 1 -o "$T/x.db"
bad "PID not a number" "$CPROF" --headless -p abc -d 1 -o "$T/x.db"
# (a traced process: refused by the ptrace backend; perf events sample it)
start_wl jobctl 20
bg "$CPROF" --backend ptrace --headless -p "$WL_PID" -d 15 -o "$T/first.db" 2>"$T/first.err"
cp=$!
wait_traced "$WL_PID" || fail "first cprof-tui did not attach"
bad "PID already traced (not permitted)" "$CPROF" --backend ptrace --headless -p "$WL_PID" -d 1 -o "$T/x.db"
kill -TERM "$cp"
grep -q "kernel thread" <(timeout 10 "$CPROF" --headless -p 2 -d 1 -o "$T/x.db" 2>&1) ||
	fail "attaching kthreadd (PID 2) does not say it is a kernel thread"
bad "a kernel thread" "$CPROF" --headless -p 2 -d 1 -o "$T/x.db"
# one thread of the process traced by someone else (strace on that thread
# alone): refused with one line by the ptrace backend, and the threads
# seized before it let go
if command -v strace >/dev/null; then
	start_wl threads -b 1 -i 1 20
	idle_tid=""
	for t in /proc/"$WL_PID"/task/*; do
		[ "$(cat "$t/comm")" = idle-0 ] && idle_tid=${t##*/}
	done
	[ -n "$idle_tid" ] || fail "no idle-0 thread in the threads workload"
	bg strace -o /dev/null -p "$idle_tid"
	st=$!
	for i in $(seq 100); do
		[ "$(awk '/TracerPid/ {print $2}' "/proc/$WL_PID/task/$idle_tid/status")" != 0 ] && break
		sleep 0.05
	done
	bad "one thread traced by strace" "$CPROF" --backend ptrace --headless -p "$WL_PID" -d 1 -o "$T/x.db"
	grep -q "thread $idle_tid of process $WL_PID is already traced" "$T/bad.err" ||
		fail "the refusal does not name the traced thread: $(cat "$T/bad.err")"
	kill "$st"
	wait "$st" 2>/dev/null
	assert_unharmed "$WL_PID"
fi
if command -v setpriv >/dev/null; then
	# an unprivileged user may not trace root's process
	mkdir -m 777 "$T/nobody"
	chmod 755 "$T"
	cp "$CPROF" "$T/nobody/cprof-tui"
	chmod 755 "$T/nobody/cprof-tui"
	(cd "$T/nobody" && bad "PID not permitted (user nobody)" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$T/nobody/cprof-tui" --headless -p "$WL_PID" -d 1 -o "$T/nobody/x.db") || exit $?
	checked=$((checked + 1))
else
	note "setpriv missing: unprivileged attach not checked"
fi

# cprof-tui itself under a tracer: the program it launches is traced already
# (the ptrace backend cannot trace it)
if ldd "$CPROF" | grep -q libasan; then
	note "an ASan build (tests/sanitize.sh): its leak check cannot run under strace, launching under a tracer not checked"
elif command -v strace >/dev/null; then
	bad "launched under strace" strace -f -o /dev/null "$CPROF" --backend ptrace --headless -o "$T/x.db" "$WL/short"
	grep -q "already traced" "$T/bad.err" || fail "under strace: $(cat "$T/bad.err")"
else
	note "strace missing (./bootstrap.sh installs it): launching under a tracer not checked"
fi

# frequencies and other options
for f in 0 -5 abc 1000000 99999999999999999999; do
	bad "frequency $f" "$CPROF" --headless -F "$f" -o "$T/x.db" "$WL/short"
done
bad "negative duration" "$CPROF" --headless -d -1 -o "$T/x.db" "$WL/short"
bad "unknown option" "$CPROF" --headless --no-such-option "$WL/short"
bad "--by nonsense" "$CPROF" --report "$T/good.db" --by nonsense
bad "--format xml" "$CPROF" --report "$T/good.db" --format xml

# session files
bad "report: missing file" "$CPROF" --report "$T/no-such.db"
bad "report: not a session (text)" "$CPROF" --report "$T/notes.txt"
bad "report: not a session (ELF)" "$CPROF" --report "$WL/short"
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
bad "report: a foreign SQLite file" "$CPROF" --report "$T/other.db"
head -c 100 "$T/good.db" >"$T/truncated.db"
bad "report: truncated session" "$CPROF" --report "$T/truncated.db"
{ head -c 100 "$T/good.db"; head -c 20000 /dev/urandom; } >"$T/corrupt.db"
bad "report: corrupt session" "$CPROF" --report "$T/corrupt.db"
cp "$T/good.db" "$T/newer.db"
sqlite3 "$T/newer.db" "UPDATE meta SET value = '999' WHERE key = 'schema_version'" || fail "cannot edit a session's schema_version"
bad "report: newer schema" "$CPROF" --report "$T/newer.db"
grep -qi 'version\|newer' "$T/bad.err" || fail "newer schema: message does not say so: $(cat "$T/bad.err")"

wait "$cp"
pass "$checked bad inputs answered with one line and exit 2"
