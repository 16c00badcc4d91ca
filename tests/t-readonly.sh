#!/bin/bash
# Sessions on read-only media (a tmpfs remounted read-only) are browsed and
# reported: one closed cleanly (no WAL), and one whose writer was killed
# (its WAL and -shm beside it). A toggle in the TUI then says it is not
# saved, and nothing on the medium changes. A WAL without its -shm cannot
# be read in place: one line says so and how to read it. Seen before: "not
# a cprof-tui session" for any session on a read-only file system.
. "$(dirname "$0")/lib/common.sh"

command -v script >/dev/null || skip "script(1) not installed (apt-get install bsdutils)"
mnt=$T/mnt
mkdir -p "$mnt"
mount -t tmpfs -o size=8m cprof-readonly "$mnt" 2>"$T/mount.err" ||
	skip "cannot mount a tmpfs here ($(head -n 1 "$T/mount.err")): needs root outside a restricted container"
trap 'umount "$mnt" 2>/dev/null; _cleanup' EXIT

cprof --headless -o "$mnt/clean.db" "$WL/split2" 0.5 || fail "cannot record clean.db"
killed_session "$mnt/killed.db" 500
[ -s "$mnt/killed.db-wal" ] && [ -e "$mnt/killed.db-shm" ] || fail "the killed writer left no WAL and -shm"
cp "$mnt/killed.db" "$mnt/noshm.db"
cp "$mnt/killed.db-wal" "$mnt/noshm.db-wal"
clean_n=$(meta "$mnt/clean.db" samples)
# read-only: a read-write reader, the last to close it, would fold the WAL in
killed_n=$(sqlite3 -readonly -batch "$mnt/killed.db" "SELECT count(*) FROM samples")
[ -s "$mnt/killed.db-wal" ] || fail "killed.db's WAL went before the medium was made read-only"
mount -o remount,ro "$mnt" || fail "cannot remount the tmpfs read-only"
before=$(cd "$mnt" && ls -l --time-style=+%s && cat ./* | cksum)

for db in clean killed; do
	want=${db}_n
	report "$mnt/$db.db" function >"$T/$db.tsv" || fail "--report $db.db on read-only media: $(tail -n 1 "$T/cprof.err")"
	s=$(col "$T/$db.tsv" self | awk '{ s += $1 } END { print s + 0 }')
	[ "$s" = "${!want}" ] || fail "--report $db.db counts $s samples, the file holds ${!want}"
done

# browse, toggle the first file: "not saved", and why
for db in clean killed; do
	printf 'Tab\nSpace\n:dump %s.txt\n' "$db" >"$T/$db.keys"
	(cd "$T" && env COLUMNS=80 LINES=24 TERM=xterm LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1 SHELL=/bin/bash \
		CPROF_TUI_SCRIPT="$T/$db.keys" timeout -k 5 30 script -qec \
		"$(printf '%q ' "$CPROF" "$mnt/$db.db") 2>$T/cprof.err" /dev/null >/dev/null) ||
		fail "browsing $db.db on read-only media: exit $?: $(cat "$T/cprof.err")"
	grep -q "not saved" "$T/$db.txt" || fail "browsing $db.db: a toggle does not say it is not saved: $(tail -n 2 "$T/$db.txt")"
done

# a WAL without its -shm
"$CPROF" --report "$mnt/noshm.db" >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] || fail "a WAL without -shm: exit $rc: $(cat "$T/err")"
grep -q "copy .* to a writable directory" "$T/err" || fail "a WAL without -shm: $(cat "$T/err")"

[ "$(cd "$mnt" && ls -l --time-style=+%s && cat ./* | cksum)" = "$before" ] || fail "the read-only medium changed?"
pass "clean ($clean_n samples) and killed ($killed_n) sessions reported and browsed read-only; toggles not saved"
