#!/bin/bash
# gen-big.sh OUTDIR NFILES NFUNCS — write a large C program for the symbol
# benchmark: NFILES source files of NFUNCS functions each (every one distinct,
# with a static inline helper inlined into it, so DWARF has inline chains),
# and main.c, which calls them all through a table.
#
#   big [-p PIDFILE] [SECONDS]   call random functions for SECONDS (default
#                                3); SECONDS 0: write PIDFILE, then wait
#                                forever (to be symbolised while it lives).
# Build: gcc -g -O2 -fomit-frame-pointer OUTDIR/*.c -o OUTDIR/big
set -eu
out=$1 nfiles=$2 nfuncs=$3
mkdir -p "$out"
awk -v out="$out" -v nfiles="$nfiles" -v nfuncs="$nfuncs" 'BEGIN {
	for (f = 0; f < nfiles; f++) {
		src = out "/f" f ".c"
		print "#include <stdint.h>" > src
		printf "static inline uint64_t mix_%d(uint64_t x, int k)\n", f > src
		printf "{ x ^= x >> (k %% 13 + 7); x *= 0x9E3779B97F4A7C15ULL + %d; return x; }\n", 2 * f > src
		for (i = 0; i < nfuncs; i++) {
			printf "__attribute__((noinline)) uint64_t fn_%d_%d(uint64_t x)\n{\n", f, i > src
			printf "\tfor (int k = 0; k < %d; k++) {\n", 8 + i % 5 > src
			printf "\t\tx = mix_%d(x, k + %d);\n", f, i > src
			printf "\t\tif (x & 1)\n\t\t\tx += %d;\n\t\telse\n", i > src
			printf "\t\t\tx ^= (uint64_t)%d << 3;\n\t}\n\treturn x;\n}\n", i + 1 > src
		}
		close(src)
	}
	m = out "/main.c"
	print "#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>" > m
	print "#include <time.h>\n#include <unistd.h>" > m
	for (f = 0; f < nfiles; f++)
		for (i = 0; i < nfuncs; i++)
			printf "uint64_t fn_%d_%d(uint64_t);\n", f, i > m
	print "static uint64_t (*const table[])(uint64_t) = {" > m
	for (f = 0; f < nfiles; f++)
		for (i = 0; i < nfuncs; i++)
			printf "\tfn_%d_%d,\n", f, i > m
	print "};" > m
	close(m)
}'
cat >>"$out/main.c" <<'EOF'
#define N (sizeof table / sizeof table[0])
static volatile uint64_t sink;
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	int c;
	while ((c = getopt(argc, argv, "p:")) != -1)
		if (c == 'p')
			pidfile = optarg;
	double secs = optind < argc ? atof(argv[optind]) : 3;
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (f)
			fprintf(f, "%d\n", (int)getpid()), fclose(f);
	}
	if (secs <= 0)
		for (;;)
			pause();
	uint64_t x = 88172645463325252ULL;
	double end = now() + secs;
	while (now() < end)
		for (int i = 0; i < 10000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			x = table[x % N](x);
		}
	sink = x;
	return 0;
}
EOF
