#!/bin/bash
# A full disk while a session is written, on a small tmpfs of its own:
# transient (space comes back) and lasting (until the end). Either way the
# user is told when it happens (not only at the end), the program runs on
# unharmed (its work done, its exit status), and the file opens consistent:
# the samples table holds what meta says, --report works. Once space comes
# back, the next sync writes every sample. Seen before: a transient full
# disk left "frames refer to missing rows" (the session unreadable for good,
# 5,745 of 8,021 samples in it).
. "$(dirname "$0")/lib/common.sh"

mnt=$T/mnt
mkdir -p "$mnt"
mount -t tmpfs -o size=2m cprof-diskfull "$mnt" 2>"$T/mount.err" ||
	skip "cannot mount a tmpfs here ($(head -n 1 "$T/mount.err")): needs root outside a restricted container"
trap 'umount "$mnt" 2>/dev/null; _cleanup' EXIT

# fill_disk: fill what is left of the tmpfs
fill_disk() {
	dd if=/dev/zero of="$mnt/fill" bs=64k 2>/dev/null
	[ "$(df -k --output=avail "$mnt" | tail -n 1 | tr -d ' ')" -lt 64 ] || fail "could not fill the tmpfs"
}

# wait_samples DB N: until the file holds N samples (10 s at most)
wait_samples() {
	local i n=0
	for i in $(seq 100); do
		n=$(sql "$1" "SELECT count(*) FROM samples" 2>/dev/null) || n=0
		[ "${n:-0}" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "$1 holds ${n:-0} samples after 10 s, expected $2"
}

# wait_told ERRFILE PID: the full disk is on stderr while cprof-tui still runs
wait_told() {
	local i
	for i in $(seq 50); do
		grep -q "disk is full" "$1" && break
		sleep 0.1
	done
	grep -q "disk is full" "$1" || fail "5 s after the disk filled, stderr does not say so: $(cat "$1")"
	kill -0 "$2" 2>/dev/null || fail "cprof-tui ended before it said the disk was full"
}

# consistent DB: the file opens, the samples table is what meta says, and
# --report counts the same; prints the count
consistent() {
	local n m r
	[ "$(sql "$1" "PRAGMA integrity_check")" = ok ] || fail "$1: integrity_check fails"
	n=$(sql "$1" "SELECT count(*) FROM samples")
	m=$(meta "$1" samples)
	[ "$n" = "$m" ] || fail "$1: $n rows in samples, meta says $m"
	[ "$(sql "$1" "SELECT sum(samples) FROM threads")" = "$n" ] || fail "$1: threads.samples do not add up to $n"
	report "$1" function >"$T/r.tsv" || fail "--report $1 fails: $(tail -n 1 "$T/cprof.err")"
	r=$(col "$T/r.tsv" self | awk '{ s += $1 } END { print s + 0 }')
	[ "$r" = "$n" ] || fail "--report $1 counts $r samples, the file holds $n"
	echo "$n"
}

taken() { sed -n 's/^cprof-tui: \([0-9]*\) samples in .*/\1/p' "$1"; }

# transient: full for ~2 s, then space comes back
bg "$CPROF" --headless -o "$mnt/t.db" "$WL/split2" -T "$T/t.time" 4 2>"$T/t.err"
cp=$!
wait_samples "$mnt/t.db" 300
fill_disk
wait_told "$T/t.err" "$cp"
sleep 1
rm -f "$mnt/fill"
wait "$cp"
rc=$?
[ $rc -eq 0 ] || fail "transient: cprof-tui exited $rc, split2 exits 0; $(tail -n 3 "$T/t.err")"
[ -s "$T/t.time" ] || fail "transient: split2 did not finish its work"
grep -q "written again" "$T/t.err" || fail "transient: stderr does not say the session was written again: $(cat "$T/t.err")"
n=$(consistent "$mnt/t.db") || exit 1
k=$(taken "$T/t.err")
[ "$n" = "$k" ] || fail "transient: the file holds $n samples, $k were taken"

# lasting: full until cprof-tui ends
bg "$CPROF" --headless -o "$mnt/l.db" "$WL/split2" -T "$T/l.time" 3 2>"$T/l.err"
cp=$!
wait_samples "$mnt/l.db" 300
fill_disk
wait_told "$T/l.err" "$cp"
wait "$cp"
rc=$?
[ $rc -eq 0 ] || fail "lasting: cprof-tui exited $rc, split2 exits 0; $(tail -n 3 "$T/l.err")"
[ -s "$T/l.time" ] || fail "lasting: split2 did not finish its work"
m=$(consistent "$mnt/l.db") || exit 1
k=$(taken "$T/l.err")
ge "$m" 300 || fail "lasting: the file holds $m samples, 300 were committed before the disk filled"
[ "$m" -lt "$k" ] || fail "lasting: the file holds $m samples of $k: the disk was never full?"
grep -q "holds $m of the $k samples taken" "$T/l.err" ||
	fail "lasting: the end does not say what the file lacks: $(grep -v '^  ' "$T/l.err")"
pass "transient: all $n samples written once space came back; lasting: $m of $k committed, consistent, told"
