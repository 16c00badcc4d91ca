#!/bin/bash
# bench/tables.sh — the tables of bench/run.sh, which sources it once every
# measurement is taken: its variables and helpers are run.sh's.

LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
T_END=$(date +%s)
pct() { awk -v v="$1" 'BEGIN {if (v == "hang") print "**HANG**"; else if (v == "nan" || v == "") print "-"; else printf "%+.1f%%", v}'; }
num() { awk -v v="$1" -v f="${2:-%.1f}" 'BEGIN {if (v == "hang") print "**HANG**"; else if (v == "nan" || v == "") print "-"; else printf f, v}'; }
verdict() { awk -v v="$1" -v lim="$2" 'BEGIN {if (v == "hang") print "**MISSED** (target hung)"; else if (v == "nan" || v == "") print "-"; else print (v <= lim ? "ok" : "**MISSED**")}'; }

{
	echo "# Benchmark results"
	echo
	echo "Written by \`bash bench/run.sh$( ((QUICK)) && echo ' --quick')\` (see the script's header for the method)."
	echo
	echo "| machine | |"
	echo "|---|---|"
	echo "| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |"
	echo "| CPU | $(nproc) x $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1) |"
	echo "| kernel | $(uname -r) |"
	echo "| perf | $(perf --version 2>&1), sampling event: $PERF_EVENT |"
	echo "| cprof-tui | $("$CPROF" --version 2>&1 | head -1), git $GIT_DESC, default rate $CDEF Hz |"
	echo "| load average | $LOAD0 at start, $LOAD1 at end (other work on the machine inflates every slowdown) |"
	echo "| run | $REPS rounds (perf dwarf, cprof-tui's backends and the floor at 999 Hz: $((REPS + EXTRA))), ~${WORK_S} s of work per run, $((T_END - T_START)) s in all |"
	echo
	echo "## 1. Target slowdown"
	echo
	echo "Median over rounds of (time with the tool / time without) - 1, each workload doing fixed work"
	echo "after a ${WARMUP}-s warm-up of the same work (section 2 shows what cprof-tui's start-up costs)."
	echo "\`perf -g\` = perf record -g (frame pointers: these -O2 workloads have none, so its stacks are"
	echo "short), \`dwarf\` = perf record --call-graph dwarf, \`floor\` = bench/ptrace-floor (stop, GETREGS,"
	echo "resume; nothing else). Rate \`default\`: perf's own default (4000 Hz), cprof-tui's ($CDEF Hz)."
	echo "\`rate\` = stops per second per busy thread really taken, as a share of the asked rate (a tool that"
	echo "falls behind stops the target less often)."
	echo "\`spread\` = interquartile range of the unprofiled runs over their median: differences"
	echo "smaller than it are noise. \`cprof - floor\` at 999 Hz: the median over rounds of the difference"
	echo "between the two tools' runs of one round (paired: a slow spell of the machine shifts both),"
	echo "at other rates the difference of the medians. The perf dwarf, cprof-tui and floor columns at 999 Hz have"
	echo "$EXTRA more rounds than the others ($((REPS + EXTRA)) in all). Target: cprof-tui at 999 Hz at most 2 points"
	echo "above the floor."
	echo
	echo "| workload | Hz | no profiler (s) | spread | perf -g | perf dwarf | cprof-tui | floor | cprof - floor (pts) | cprof rate | floor rate | target |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for w in "${WL_NAMES[@]}"; do
		b=$(awk -F'\t' -v w="$w" '$2 == w && $4 == "base" {print $5}' "$RUNS" | median)
		# spread: interquartile range of the unprofiled runs over their median,
		# the machine's noise that every slowdown in the row carries
		sp=$(awk -F'\t' -v w="$w" '$2 == w && $4 == "base" {print $5}' "$RUNS" | sort -g |
			awk -v m="$b" '{v[NR] = $1} END {print 100 * (v[int(NR * 3 / 4) + 1] - v[int(NR / 4) + 1]) / m}')
		for rate in $RATES; do
			c=$(slow "$w" $rate cprof) f=$(slow "$w" $rate floor)
			gap=$(awk -v c="$c" -v f="$f" 'BEGIN {if (c == "hang") print "hang"; else if (c == "nan" || f == "nan" || f == "hang") print "nan"; else print c - f}')
			# at 999 Hz (and "default", when it stands for 999): paired
			[ "$rate" = 999 ] || { [ "$rate" = default ] && [ "$CDEF" = 999 ]; } &&
				gap=$(paired "$w" cprof "$w" floor)
			ar=$rate; [ "$rate" = default ] && ar=$CDEF
			[ "$rate" = default ] && [ "$CDEF" = 999 ] && ar=999
			t=-; [ "$rate" = 999 ] && t=$(verdict "$gap" 2)
			echo "| $w | $rate | $(num "$b" %.3f) | $(num "$sp" %.0f%%) | $(pct "$(slow "$w" $rate perf-g)") | $(pct "$(slow "$w" $rate perf-dwarf)") | $(pct "$c") | $(pct "$f") | $(num "$gap" %+.1f) | $(num "$(achieved "$w" $ar cprof)" %.0f%%) | $(num "$(achieved "$w" $ar floor)" %.0f%%) | $t |"
		done
	done
	echo
	echo "The perf-events backend (\`--backend perf\`; the table above is the ptrace backend's) at 999 Hz,"
	echo "over the same $((REPS + EXTRA)) rounds as perf dwarf and the ptrace backend. Paired: the median over rounds of"
	echo "the difference between the two tools' runs of one round. Targets: at most 3 points above perf"
	echo "dwarf, and at most half of the ptrace backend's slowdown: \`2 perf - ptrace\` is the median over rounds"
	echo "of twice the perf backend's slowdown minus the ptrace backend's in the same round, at most 0"
	echo "(\`perf / ptrace\`, the ratio of the two columns' medians, for reading only: where both are"
	echo "below the spread of the unprofiled runs, it is a ratio of noise). \`2 dwarf - ptrace\` is the same"
	echo "figure for perf dwarf itself: what the mechanism allows, where the ptrace backend is cheap."
	echo
	echo "| workload | perf dwarf | cprof ptrace | cprof perf | perf - dwarf (pts) | target | perf / ptrace | 2 perf - ptrace (pts) | target | 2 dwarf - ptrace (pts) | cprof perf rate |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	for w in "${WL_NAMES[@]}"; do
		cp=$(slow "$w" 999 cprof-perf) ct=$(slow "$w" 999 cprof)
		gap=$(paired "$w" cprof-perf "$w" perf-dwarf)
		half=$(awk -v p="$cp" -v t="$ct" 'BEGIN {if (p == "hang" || t == "hang") print "hang"; else if (p == "nan" || t == "nan" || t <= 0) print "nan"; else print p / t}')
		twice=$(paired "$w" cprof-perf "$w" cprof 2)
		dtwice=$(paired "$w" perf-dwarf "$w" cprof 2)
		echo "| $w | $(pct "$(slow "$w" 999 perf-dwarf)") | $(pct "$ct") | $(pct "$cp") | $(num "$gap" %+.1f) | $(verdict "$gap" 3) | $(num "$half" %.2f) | $(num "$twice" %+.1f) | $(verdict "$twice" 0) | $(num "$dtwice" %+.1f) | $(num "$(achieved "$w" 999 cprof-perf)" %.0f%%) |"
	done
	echo
	i2=$(slow threads2 999 cprof) i62=$(slow threads2+60idle 999 cprof)
	idle=$(paired threads2+60idle cprof threads2 cprof)
	fidle=$(paired threads2+60idle floor threads2 floor)
	echo
	echo "60 idle threads beside 2 busy ones, cprof-tui at 999 Hz: $(pct "$i62") vs $(pct "$i2"); paired over"
	echo "rounds, $(num "$idle" %+.1f) points (target at most +1): $(verdict "$idle" 1). The floor, which reads every thread's"
	echo "state every round: $(num "$fidle" %+.1f) points."
	echo
	echo "Where the working threads' time went at 999 Hz (bwl reads its threads' schedstat around the"
	echo "timed work; medians): CPU = the work's CPU time over the unprofiled runs' (the same work: a"
	echo "stop adds kernel time in the thread and leaves its caches cold); waiting = runnable but not"
	echo "running (with as many busy threads as cores: the tool's own CPU time, taken from them);"
	echo "stopped = neither (held in a ptrace stop, or perf's interrupt), each in % of the threads' time."
	echo
	echo "| workload | tool | CPU | waiting | stopped |"
	echo "|---|---|---|---|---|"
	for w in "${WL_NAMES[@]}"; do
		for tool in base perf-g floor cprof cprof-perf; do
			read -r sc sw so <<<"$(split "$w" $tool)"
			echo "| $w | ${TOOL_NAME[$tool]} | $(num "$sc" %+.1f%%) | $(num "$sw" %.1f%%) | $(num "$so" %.1f%%) |"
		done
	done
	echo
	echo "## 2. Cost per sample inside cprof-tui (999 Hz, median of the slowdown runs)"
	echo
	echo "From the summary line of \`cprof-tui --headless\`: stopped = time a thread is held stopped per"
	echo "sample (per stored sample, which may be a weighted copy of a stop; per stop: per real stop);"
	echo "unwind = per unwound stop (reused: share of frames taken from the thread's previous unwind"
	echo "instead of stepped again); model = per sample; symbols = worker-thread CPU time per unique"
	echo "address (it includes loading each module's debug info: libc's, compressed, is most of it),"
	echo "and in all (the start-up the warm-up keeps out of the timed part); store = SQLite time per"
	echo "sample; late = share of sampling rounds that started a whole period late; CPU = the tool's own"
	echo "CPU time over the whole run (warm-up included), cprof-tui's and the floor's."
	echo
	echo "| workload | backend | stopped (us) | per stop (us) | unwind (us) | reused | model (us) | store (us) | symbols (us/address) | addresses | symbols (ms) | rounds late | CPU cprof (ms) | CPU per sample (us) | CPU floor (ms) |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for w in "${WL_NAMES[@]}"; do
		for t in cprof cprof-perf; do
			echo "| $w | ${BACKEND[$t]} | $(num "$(cost "$w" stopped $t)") | $(num "$(cost "$w" per-stop $t)") | $(num "$(cost "$w" unwind $t)") | $(num "$(cost "$w" reused $t)" %.0f%%) | $(num "$(cost "$w" model $t)") | $(num "$(cost "$w" store $t)") | $(num "$(cost "$w" symbols $t)" %.0f) | $(num "$(cost "$w" addresses $t)" %.0f) | $(num "$(cost "$w" symbols-ms $t)" %.0f) | $(num "$(cost "$w" late $t)" %.1f%%) | $(num "$(cost "$w" cpu $t)" %.0f) | $(num "$(cost "$w" cpu-per-sample $t)" %.0f) | $(num "$(cost "$w" cpu floor)" %.0f) |"
		done
	done
	echo
	echo "Highest rate sustained on one busy thread (real stops >= 90% of the asked rate, <= 2% of"
	echo "rounds late; cprof-tui attached for 2 s, the floor launched for 2 s): **cprof-tui $(best cprof) Hz**,"
	echo "floor $(best floor) Hz; the perf backend (samples >= 90% of the asked rate, < 1% lost; target"
	echo ">= 4000 Hz): **$(best cprof-perf) Hz**. cprof-tui's stops are per second of the thread's CPU time"
	echo "(it samples CPU time; the time its stops hold the thread is not CPU time), the floor's per second."
	echo "Stopped = per real stop (cprof-tui's summary divides by weighted samples). The perf backend"
	echo "never stops the thread: its CPU = cprof-tui's own CPU time per sample."
	echo
	echo "| asked (Hz) | ptrace stops (/s) | late | stopped (us) | perf samples (/s) | lost | CPU (us/sample) | floor stops (/s) | late | stopped (us) |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	for hz in $SUSTAIN; do
		awk -F'\t' -v hz="$hz" '$2 == hz {r[$1] = $3; l[$1] = $4; s[$1] = $5}
			END {printf "| %s | %s | %.1f%% | %s | %s | %.2f%% | %s | %s | %.1f%% | %s |\n", hz, r["cprof"], l["cprof"], s["cprof"],
				r["cprof-perf"], l["cprof-perf"], s["cprof-perf"], r["floor"], l["floor"], s["floor"]}' "$SUST"
	done
	echo
	echo "## 3. Accuracy against perf (999 Hz, ${ACC_S} s per run)"
	echo
	echo "Per-function self shares (as \`perf report --no-children\`), distance = sum |a - b| / 2; names"
	echo "compared without gcc's .part/.constprop/.isra/.cold, symbol versions and a leading __."
	echo "\`perf vs perf\` is two runs of perf record -g: the sampling-noise floor."
	echo "\`cprof vs perf\` is the mean of cprof-tui's distance to each perf run (max: the larger)."
	echo "Rows \"W, perf backend\": cprof-tui with --backend perf (the others: --backend ptrace)."
	echo "Reaching main: samples with main or start_thread in the stack (thread start functions are"
	echo "called by start_thread). Samples per CPU-second: of the target's working threads' CPU time"
	echo "(bwl reads their schedstat), cprof-tui's run and the first perf -g run. Targets: distance"
	echo "within 0.02 of perf's own; reaching main >= 99%; samples per CPU-second within 15% of perf's."
	echo
	echo "| workload | samples | perf vs perf | max | cprof vs perf | max | target | reach main: cprof | flagged incomplete | perf dwarf | samples/CPU-s: cprof | perf | target |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	awk -F'\t' '{ok = ($4 <= $2 + 0.02) ? "ok" : "**MISSED**"
		ok2 = ($7 >= 99 && $11 > 0 && $10 / $11 >= 0.85 && $10 / $11 <= 1.15) ? "ok" : "**MISSED**"
		printf "| %s | %d | %.3f | %.3f | %.3f | %.3f | %s | %.1f%% | %.1f%% | %.1f%% | %s | %s | %s |\n",
			$1, $6, $2, $3, $4, $5, ok, $7, $8, $9, $10, $11, ok2}' "$ACC"
	echo
	echo "## 4. Symbols: a generated program of $((BIG_FILES * BIG_FUNCS)) functions, full DWARF (-g -O2)"
	echo
	echo "bench/symbench drives src/stack/symbols.h on the live program: every function's addresses (2 each)"
	echo "requested from the symbolizer's worker and waited for (cold: opens the ELF and DWARF), then"
	echo "taken again (warm: cache); fresh = a new symbolizer on the same program (files in page cache)."
	echo
	echo "| addresses | frames | symbolizer start (ms) | cold (ms) | cold (us/address) | warm (ns/address) | fresh (ms) |"
	echo "|---|---|---|---|---|---|---|"
	S=$OUT/symbench.txt
	echo "| $(kv addrs "$S") | $(kv frames "$S") | $(kv new_ms "$S") | $(kv cold_ms "$S") | $(kv cold_us "$S") | $(kv warm_ns "$S") | $(kv fresh_ms "$S") |"
	echo
	echo "A 3-s cprof-tui session of it at 999 Hz: $big_samples samples, $big_frames distinct frames,"
	echo "symbols $(num "$(val symbols "$OUT/big.err")" %.0f) us per address over $(num "$(val addresses "$OUT/big.err")" %.0f) addresses, unwind $(val unwind "$OUT/big.err") us, stopped $(val stopped "$OUT/big.err") us per sample."
	echo
	P=$OUT/pysym.txt
	if grep -q '^why=' "$P"; then
		echo "CPython: not measured ($(sed -n 's/^why=//p' "$P"))."
	else
		echo "CPython (\`bench/pysym.sh\`: $(kv python "$P"), its code in $(kv module "$P") with full DWARF):"
		echo "symbench on 2000 of its functions (2 addresses each, cold), and a ${ACC_S}-s cprof-tui session at"
		echo "999 Hz of a CPU-bound script (symbols = the worker's CPU time per unique address, libc's"
		echo "debug info, compressed, included; CPU = cprof-tui's own, and the script's process time)."
		echo
		echo "| symbench addresses | cold (us/address) | session: symbols (us/address) | addresses | CPU cprof-tui (ms) | CPU target (ms) | cprof / target |"
		echo "|---|---|---|---|---|---|---|"
		echo "| $(kv sym_addrs "$P") | $(kv sym_cold_us "$P") | $(kv sess_symbols_us "$P") | $(kv sess_addresses "$P") | $(kv cprof_cpu_ms "$P") | $(kv target_cpu_ms "$P") | $(awk -v c="$(kv cprof_cpu_ms "$P")" -v t="$(kv target_cpu_ms "$P")" 'BEGIN {if (t > 0) printf "%.0f%%", 100 * c / t; else print "-"}') |"
	fi
	echo
	echo "## 5. Storage and model"
	echo
	echo "bench/sessbench synthesises $SESSION_N samples (20,000 distinct stacks 8-40 deep over 10,000"
	echo "frames in 50 files) through src/model/profile.h and writes them with db_session_sync every 1,000"
	echo "samples, as a live session does; then loads the file in a fresh process and toggles the hottest"
	echo "file (profile_set_profiled + profile_update). \`cprof-tui --report\` of the same file is timed with"
	echo "/usr/bin/time."
	echo
	W=$OUT/sess-write.txt L=$OUT/sess-load.txt
	bps=$(kv bytes_per_sample "$W") ld=$(kv load_s "$L") tg=$(kv toggle_ms "$L") rss=$(kv maxrss_mb "$L")
	rep_mb=$(awk -v k="$rep_kb" 'BEGIN {printf "%.1f", k / 1024}')
	echo "| measure | value | target | |"
	echo "|---|---|---|---|"
	echo "| bytes per sample on disk (synthetic, $SESSION_N samples) | $bps | <= 32 | $(verdict "$bps" 32) |"
	echo "| bytes per sample on disk (real: the deep run, $deep_n samples, $deep_stacks distinct stacks) | $(awk -v b="$deep_bytes" -v n="$deep_n" 'BEGIN {printf "%.0f", n ? b / n : 0}') | | |"
	echo "| samples stored per second (db_session_sync) | $(kv stored_per_s "$W") | | |"
	echo "| samples stored per second (live, 1 / store cost of the busy runs) | $(awk -v s="$(cost busy store)" 'BEGIN {printf "%.0f", (s > 0 ? 1e6 / s : 0)}') | | |"
	echo "| load a $SESSION_N-sample session (s) | $ld | <= 1 | $(verdict "$ld" 1) |"
	echo "| re-attribute after a toggle (ms) | $tg | <= 50 | $(verdict "$tg" 50) |"
	echo "| peak memory with the session loaded (MB, sessbench) | $rss | <= 200 | $(verdict "$rss" 200) |"
	echo "| cprof-tui --report of it: wall time (s), peak memory (MB) | $rep_s, $rep_mb | <= 200 MB | $(verdict "$rep_mb" 200) |"
	echo
	echo "## 6. A test suite: many short processes"
	echo
	U=$OUT/suite.txt
	if grep -q '^why=' "$U"; then
		echo "Not measured ($(sed -n 's/^why=//p' "$U"))."
	else
		echo "\`bench/suite.sh\`: a shell runner, each iteration two 40-ms tests in parallel, one of 20 ms, two"
		echo "2-ms programs: $(kv procs "$U") processes, $(kv procs_per_s "$U") a second. Wall time of the whole"
		echo "suite (median of rounds), bare, under \`perf record -F 999 -g\` and under \`cprof-tui --headless\`"
		echo "(children followed); cprof-tui's own CPU time over the suite's."
		echo
		echo "| measure | value | target | |"
		echo "|---|---|---|---|"
		echo "| wall time bare / perf / cprof-tui (s) | $(kv bare_s "$U") / $(kv perf_s "$U") / $(kv cprof_s "$U") | | |"
		echo "| cprof-tui's wall time over perf's | $(pct "$(awk -v v="$(kv wall_vs_perf "$U")" 'BEGIN {print v * 100}')") | <= +15% | $(verdict "$(kv wall_vs_perf "$U")" 0.15) |"
		echo "| cprof-tui's CPU / the suite's CPU (ms) | $(kv cprof_cpu_ms "$U") / $(kv suite_cpu_ms "$U") = $(awk -v v="$(kv cpu_share "$U")" 'BEGIN {printf "%.1f%%", v * 100}') | <= 25% | $(verdict "$(kv cpu_share "$U")" 0.25) |"
		echo "| samples cprof-tui / perf | $(kv samples_cprof "$U") / $(kv samples_perf "$U") | | |"
		echo "| 20-ms tests with samples | $(kv tests_sampled "$U") | | |"
	fi
	echo
	bash "$SRC/bench/alloc.sh" --table "$OUT/alloc.txt"
} >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"

cat "$RESULTS"
log "raw logs in $OUT; table written to $RESULTS"
