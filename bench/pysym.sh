#!/bin/bash
# bench/pysym.sh BUILD OUT [SECONDS] — symbols on CPython, whose interpreter
# has full DWARF when built from source (pyenv's is): the interpreter is
# BENCH_PYTHON, else python3's sys.executable; its code is libpython when it
# links it, else the executable.
#   1. bench/symbench on a sleeping interpreter: two addresses in each of
#      2000 of its functions (drawn with a fixed seed), from a cold start;
#   2. a cprof-tui session at 999 Hz of a CPU-bound script (json, re,
#      decimal, fractions, sorting...) running SECONDS (default 3).
# Prints key=value lines: python, module, sym_addrs, sym_cold_us (per
# address), sess_symbols_us (per address, from cprof-tui's summary),
# sess_addresses, cprof_cpu_ms (cprof-tui's own CPU time), target_cpu_ms (the
# script's); or why=REASON when it cannot run here.
set -u
BUILD=$1 OUT=$2 SECONDS_RUN=${3:-3}
mkdir -p "$OUT"
py=${BENCH_PYTHON:-$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)}
[ -x "$py" ] || { echo "why=no python3"; exit 0; }
module=$(ldd "$py" 2>/dev/null | awk '$1 ~ /^libpython/ {print $3; exit}')
module=$(readlink -f "${module:-$py}")
readelf -S "$module" 2>/dev/null | grep -q '\.debug_info' ||
	{ echo "why=$module has no DWARF (set BENCH_PYTHON to an interpreter built with -g)"; exit 0; }
echo "python=$py"
echo "module=$module"

# 1. symbench: the interpreter asleep, its functions' addresses
rm -f "$OUT/py.pid"
"$py" -c "import os, time
open('$OUT/py.pid', 'w').write(str(os.getpid()))
time.sleep(600)" &
pypid=$!
while [ ! -s "$OUT/py.pid" ]; do sleep 0.05; done
base=$(awk -v m="$module" '$6 == m && $3 == "00000000" {print $1; exit}' "/proc/$pypid/maps")
base=${base%%-*}
nm -S -t d --defined-only "$module" | awk -v base=$((16#$base)) '$3 ~ /^[tT]$/ && $2 + 0 > 8 {
	printf "%.0f\n%.0f\n", base + $1 + int($2 / 3), base + $1 + int(2 * $2 / 3)}' |
	shuf -n 4000 --random-source=<(yes) >"$OUT/py.addrs"
"$BUILD/bench/symbench" $pypid "$OUT/py.addrs" >"$OUT/pysymbench.txt" 2>&1
kill $pypid
wait $pypid 2>/dev/null
echo "sym_addrs=$(sed -n 's/^addrs=//p' "$OUT/pysymbench.txt")"
echo "sym_cold_us=$(sed -n 's/^cold_us=//p' "$OUT/pysymbench.txt")"

# 2. a session of a CPU-bound script
cat >"$OUT/pywork.py" <<EOF
import collections, decimal, fractions, json, re, time
end = time.time() + $SECONDS_RUN
i = 0
while time.time() < end:
    i += 1
    s = json.dumps({"a": [j * 1.5 for j in range(100)], "b": str(i) * 20})
    json.loads(s)
    re.findall(r"\d+\.\d", s)
    collections.Counter(s).most_common(3)
    decimal.Decimal(i) / decimal.Decimal(7)
    fractions.Fraction(i, 7) + fractions.Fraction(1, 3)
    sorted(set(s))
    "".join(reversed(s)).upper().split("5")
print("target_cpu_ms=%.0f" % (time.process_time() * 1000))
EOF
"$BUILD/cprof-tui" --headless -F 999 -o "$OUT/py.db" "$py" "$OUT/pywork.py" >"$OUT/py.out" 2>"$OUT/py.err"
grep '^target_cpu_ms=' "$OUT/py.out"
echo "sess_symbols_us=$(grep -o 'symbols [0-9.]* per address' "$OUT/py.err" | awk '{print $2}')"
echo "sess_addresses=$(grep -o '([0-9]* addresses' "$OUT/py.err" | tr -dc 0-9)"
echo "cprof_cpu_ms=$(grep -o 'CPU [0-9.]* ms' "$OUT/py.err" | awk '{print $2}')"
