# tests/lib/memory.sh — what the tests of --memory share (t-memory,
# t-memory-heaptrack), after tests/lib/common.sh:
#   bytes_per_line DB METRIC   "file<TAB>line<TAB>bytes" of --report --by line
#                              --metric METRIC (file: its base name)
#   share_diff REF MEASURED    the largest difference, in points, between the
#                              shares of the bytes of REF's lines (files as
#                              bytes_per_line's) in REF and in MEASURED, over
#                              REF's lines with a thousandth of its bytes or
#                              more; each line's shares on stderr

bytes_per_line() {
	"$CPROF" --report "$1" --by line --metric "$2" --format tsv --limit 100000 2>>"$T/cprof.err" |
		awk -F'\t' 'NR > 1 { f = $5; sub(/.*\//, "", f); print f "\t" $6 "\t" $1 }'
}

share_diff() {
	awk -F'\t' 'FNR == NR { r[$1 ":" $2] = $3; rt += $3; next }
		($1 ":" $2) in r { m[$1 ":" $2] += $3; mt += $3 }
		END { w = 0
			for (k in r) { if (r[k] < rt / 1000) continue
				a = 100 * r[k] / rt; b = mt ? 100 * m[k] / mt : 0; d = a - b
				if (d < 0) d = -d; if (d > w) w = d
				printf "    %s %.1f%% measured %.1f%%\n", k, a, b > "/dev/stderr" }
			printf "%.2f\n", w }' "$1" "$2"
}
