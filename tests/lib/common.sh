# tests/lib/common.sh — shared helpers of the engine tests (tests/t-*.sh).
#
# Source it first thing:   . "$(dirname "$0")/lib/common.sh"
# A test exits 0 (pass), 1 (fail) or 77 (skip), printing the reason of a
# failure or a skip as its last line. Run from the build directory, or from
# anywhere with ./build or CPROF_BUILDDIR; the source tree is found from this
# file's location. KEEP_TMP=1 keeps the temp dir. CPROF_BACKEND (ptrace or
# perf; tests/run-all.sh sets it for the second run of the tests that depend
# on how samples are taken) is cprof-tui's own default --backend: every run
# of the test takes it; with perf where perf events cannot sample, the test
# skips, saying why.
#
# Provides:
#   $SRCDIR $BUILDDIR $CPROF $WL $T (a private temp dir, removed at exit)
#   fail MSG / skip MSG / pass [MSG] / note MSG
#   bg CMD...            start CMD in the background, killed at exit ($! is its pid)
#   wait_file FILE [S]   wait up to S seconds (default 10) for FILE to exist
#   wait_exit PID [S]    wait up to S seconds for PID to go away; false if still there
#   cprof ARGS...        run cprof-tui with a timeout, stderr kept in $T/cprof.err
#   sql DB QUERY         query a session with sqlite3
#   meta DB KEY          a meta value
#   report DB BY         --report --by BY --format tsv (whole table) on stdout
#   col FILE NAME        print column NAME of a TSV file (header line skipped)
#   row_val FILE KEYCOL KEY VALCOL   VALCOL of the first row whose KEYCOL is KEY
#   line_of FILE MARKER  the number of the source line marked /* MARKER */
#   perf_ok              true when `perf record` works here
#   perf_split PROG ARGS...  "pct<TAB>symbol" per function, perf's self shares
#                        of user-space samples
#   cprof_split DB       "pct<TAB>function" per function, cprof's self shares
#   against_perf CHECK PROG ARGS...  perf_split into $T/perf.split, then CHECK
#                        (prints why and returns 1 on disagreement); perf is
#                        measured once more before failing
#   split_distance A B [NAMES...]  sum |a-b| / 2 (points) between two splits;
#                        with NAMES (which may hold spaces), every other row
#                        is lumped into "(other)"
#   share_of SPLIT NAME  the share of NAME in a split file
#   within A B TOL       true when |A - B| <= TOL (numbers, floats allowed)
#   ge A B               true when A >= B (numbers)
#   start_wl NAME ARGS...  start a workload with -p PIDFILE, wait until ready;
#                        sets WL_PID
#   and the target's state (tests/lib/target.sh): proc_field, proc_utime,
#   wait_traced, sampled_by, wait_sampled, cprof_pid, task_states, assert_unharmed
#   killed_session DB N  record split2 into DB until it holds N samples, then
#                        kill -9 cprof-tui (and split2): a killed writer's
#                        session, its WAL and -shm beside it (left unread)

set -u

TEST_NAME=$(basename "$0" .sh)
SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -n "${CPROF_BUILDDIR:-}" ]; then
	BUILDDIR=$CPROF_BUILDDIR
elif [ -x ./cprof-tui ]; then
	BUILDDIR=$PWD
else
	BUILDDIR=$SRCDIR/build
fi
BUILDDIR=$(cd "$BUILDDIR" && pwd)
CPROF=$BUILDDIR/cprof-tui
WL=$BUILDDIR/tests/workloads
CPROF_TIMEOUT=${CPROF_TIMEOUT:-30}

T=$(mktemp -d "${TMPDIR:-/tmp}/cprof-$TEST_NAME.XXXXXX")
_bg_pids=()
_cleanup() {
	local p
	for p in "${_bg_pids[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap _cleanup EXIT
. "$SRCDIR/tests/lib/target.sh"

note() { echo "$TEST_NAME: $*" >&2; }
fail() {
	echo "FAIL: $*"
	if [ -s "$T/cprof.err" ]; then
		echo "--- cprof-tui stderr (last 15 lines):"
		tail -n 15 "$T/cprof.err"
	fi
	exit 1
}
skip() { echo "SKIP: $*"; exit 77; }
pass() { [ $# -gt 0 ] && echo "$*"; exit 0; }

[ -x "$CPROF" ] || fail "no cprof-tui at $CPROF (build first: bash tests/run-all.sh)"
[ -d "$WL" ] || fail "no workloads at $WL (make check TESTS= builds them)"
command -v sqlite3 >/dev/null || skip "sqlite3 shell not installed (apt-get install sqlite3)"
if [ "${CPROF_BACKEND:-}" = perf ] &&
	! "$CPROF" --headless -o "$T/probe.db" true >/dev/null 2>"$T/probe.err" </dev/null; then
	skip "the perf backend cannot sample here: $(head -n 1 "$T/probe.err")"
fi

bg() {
	"$@" &
	_bg_pids+=($!)
}

wait_file() {
	local f=$1 limit=${2:-10} i=0
	while [ ! -s "$f" ]; do
		[ $i -ge $((limit * 20)) ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
}

wait_exit() {
	local pid=$1 limit=${2:-10} i=0
	until finished "$pid"; do # (a zombie child of ours counts as gone)
		[ $i -ge $((limit * 20)) ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
}

# cprof ARGS: cprof-tui with a timeout (124 when it hangs). Keeps stderr.
cprof() {
	timeout -k 5 "$CPROF_TIMEOUT" "$CPROF" "$@" 2>"$T/cprof.err"
}

sql() { sqlite3 -batch -noheader "$1" "$2"; }
meta() { sql "$1" "SELECT value FROM meta WHERE key = '$2'"; }

report() {
	"$CPROF" --report "$1" --by "$2" --format tsv --limit 100000 2>>"$T/cprof.err"
}

col() {
	awk -F'\t' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		c { print $c }' "$1"
}

row_val() {
	awk -F'\t' -v kc="$2" -v key="$3" -v vc="$4" '
		NR == 1 { for (i = 1; i <= NF; i++) { if ($i == kc) k = i; if ($i == vc) v = i }; next }
		k && v && $k == key { print $v; exit }' "$1"
}

line_of() {
	local n
	n=$(grep -n -F "/* $2 */" "$1" | head -n 1 | cut -d: -f1)
	[ -n "$n" ] || fail "marker '$2' not found in $1"
	echo "$n"
}

within() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
# ge A B: A >= B as numbers
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }

perf_ok() {
	command -v perf >/dev/null 2>&1 || { PERF_WHY="perf not installed (apt-get install linux-perf)"; return 1; }
	if ! perf record -q -o "$T/perf-probe.data" true >"$T/perf-probe.out" 2>&1; then
		PERF_WHY="perf record cannot run here: $(grep -v '^$' "$T/perf-probe.out" | head -n 1)"
		return 1
	fi
}

# perf_split PROG ARGS: run PROG under `perf record -F 999 -g`, print the self
# share of each function ("pct<TAB>symbol"). Kernel samples are left out and
# the user-space shares scaled back to 100%: a ptrace sampler sees only the
# user stack, which is where a thread interrupted in the kernel will return
# (on this VM the timer interrupt itself shows up as [k] pvm_irq_enable).
# Skips the test (with perf's reason) when perf cannot run.
perf_split() {
	perf_ok || skip "$PERF_WHY"
	rm -f "$T/perf.data"
	perf record -q -F 999 -g -o "$T/perf.data" "$@" >"$T/perf.out" 2>&1 # (its status is PROG's)
	[ -s "$T/perf.data" ] || fail "perf record $* failed: $(tail -n 1 "$T/perf.out")"
	perf_data_split
}

# cprof_with_perf COMM CPROF-ARGS...: cprof-tui (as `cprof`) under `perf record`,
# so that both measure one run of the program: a workload whose speed differs
# from run to run (the deep one's comparator costs 10% of its time in most
# runs and 26% in some, under perf alone too, and not by the address layout)
# cannot set two runs apart. perf's shares of the processes named COMM go to
# $T/perf.split; returns cprof-tui's status.
cprof_with_perf() {
	local comm=$1 rc
	shift
	rm -f "$T/perf.data"
	timeout -k 5 "$CPROF_TIMEOUT" perf record -q -F 999 -g -o "$T/perf.data" -- \
		"$CPROF" "$@" 2>"$T/cprof.err" >"$T/perf.out"
	rc=$?
	[ -s "$T/perf.data" ] || fail "perf record failed: $(tail -n 1 "$T/cprof.err")"
	perf_data_split --comm "$comm" >"$T/perf.split"
	return $rc
}

# perf_data_split [PERF-REPORT-OPTIONS]: the user-space self shares of
# $T/perf.data, as perf_split prints them.
perf_data_split() {
	perf report -i "$T/perf.data" --no-children --sort sym -F overhead,sym \
		--stdio -q -g none "$@" 2>/dev/null |
		awk '$1 ~ /%$/ && $2 != "[k]" { pct = $1; sub(/%$/, "", pct)
			sym = $3; for (i = 4; i <= NF; i++) sym = sym " " $i
			s[sym] += pct; total += pct }
			END { for (k in s) printf "%.2f\t%s\n", 100 * s[k] / total, k }' | sort -rn
}

# against_perf CHECK PROG ARGS...: perf_split PROG ARGS into $T/perf.split,
# then run CHECK, a function that compares it with cprof's numbers and prints
# the reason and returns 1 when they disagree. On a shared VM a single perf run
# is now and then off by far more than its statistical spread (seen: a 9%
# function measured at 22% once), so perf is measured once more before the
# test fails; cprof's own measurement is never retried.
against_perf() {
	local check=$1 why
	shift
	perf_split "$@" >"$T/perf.split"
	why=$($check) && return 0
	note "perf disagrees ($why); measuring perf once more"
	perf_split "$@" >"$T/perf.split"
	why=$($check) || fail "$why"
}

# cprof_split DB: cprof's self share per function ("pct<TAB>function"), from
# the sample counts (a sum of the rows' rounded self_pct drifts: 64 rows of
# 0.35% each shown as 0.4 add up to 3 points too many).
cprof_split() {
	report "$1" function >"$T/split.tsv" || fail "--report $1 --by function failed"
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "self") p = i; if ($i == "function") f = i }; next }
		p && f { s[$f] += $p; all += $p }
		END { for (k in s) printf "%.2f\t%s\n", all ? 100 * s[k] / all : 0, k }' \
		"$T/split.tsv" | sort -rn
}

# split_distance FILE_A FILE_B [NAMES...]
split_distance() {
	local a=$1 b=$2
	shift 2
	awk -F'\t' -v names="$(printf '%s\n' "$@")" '
		BEGIN { n = split(names, l, "\n"); for (i = 1; i <= n; i++) if (l[i] != "") keep[l[i]] = 1 }
		{ k = $2; if (n && !(k in keep)) k = "(other)"
		  if (FILENAME == ARGV[1]) a[k] += $1; else b[k] += $1; all[k] = 1 }
		END { for (k in all) { d = a[k] - b[k]; sum += d < 0 ? -d : d }; printf "%.1f\n", sum / 2 }' \
		"$a" "$b"
}

share_of() { awk -F'\t' -v k="$2" '$2 == k { s += $1 } END { printf "%.2f\n", s }' "$1"; }

# start_wl NAME ARGS...: start workload NAME in the background with `-p
# PIDFILE` and wait until it is ready; sets WL_PID (a child of this shell, so
# `wait $WL_PID` gives its exit status).
start_wl() {
	local name=$1
	shift
	rm -f "$T/$name.pid"
	bg "$WL/$name" -p "$T/$name.pid" "$@"
	WL_PID=$!
	wait_file "$T/$name.pid" 10 || fail "workload $name did not get ready in 10 s"
	[ "$(cat "$T/$name.pid")" = "$WL_PID" ] || fail "workload $name: pid file says $(cat "$T/$name.pid"), started $WL_PID"
}

killed_session() {
	local db=$1 n=$2 i w target seen=0
	bg "$CPROF" --headless -o "$db" "$WL/split2" 20 2>"$db.err"
	w=$!
	for i in $(seq 100); do
		seen=$(sql "$db" "SELECT count(*) FROM samples" 2>/dev/null) || seen=0
		[ "${seen:-0}" -ge "$n" ] && break
		sleep 0.1
	done
	target=$(meta "$db" pid)
	kill -9 "$w"
	wait "$w" 2>/dev/null
	# a launched target goes with its profiler; do not leave it
	if [ -n "$target" ] && ! wait_exit "$target" 2; then
		kill -9 "$target" 2>/dev/null
	fi
	ge "${seen:-0}" "$n" || fail "$db held ${seen:-0} samples after 10 s, expected $n ($(tail -n 1 "$db.err"))"
}
