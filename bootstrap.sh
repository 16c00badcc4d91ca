#!/bin/bash
# bootstrap.sh [--deps-only | --build-only] [SECONDS]
#
# Idempotent setup of a Debian 12 machine for cprof-tui:
#   1. installs the Debian packages that are missing (needs root then; one
#      `apt-get update` first, nothing at all when everything is installed);
#   2. builds out of tree into ./build (autoreconf -fi when configure or
#      Makefile.in is missing, ../configure when build/ has no Makefile, make -j2);
#   3. profiles the bundled demo for SECONDS (default 20): in the TUI when
#      stdout is a terminal, else headless, followed by a text report.
# --deps-only stops after 1, --build-only after 2.
set -eu
cd "$(dirname "$0")"
SRCDIR=$PWD

# build (g++ too: the C++ workload), libraries (libiberty-dev: the demangler),
# the sqlite3 shell and perf (tests), tmux (TUI tests), python3 (JSON checks),
# util-linux (setpriv), binutils (readelf), valgrind (also callgrind_annotate,
# which reads --export callgrind), strace (a program launched under a tracer),
# clang and libclang-rt-14-dev (libFuzzer, ASan and UBSan: the session
# reader's fuzz test, tests/sanitize.sh), golang-go (go tool pprof reads
# --export pprof); zlib1g-dev (pprof is gzip-compressed); heaptrack and zstd
# (the reference of --memory: tests/t-memory-heaptrack.sh, bench/alloc.sh);
# rustc (the Rust workload) unless one is on PATH already (rustup's)
PACKAGES="build-essential autoconf automake pkg-config libncurses-dev libunwind-dev
	libdw-dev libelf-dev libiberty-dev libsqlite3-dev zlib1g-dev sqlite3 linux-perf tmux python3
	util-linux binutils valgrind strace clang libclang-rt-14-dev golang-go heaptrack zstd"
command -v rustc >/dev/null || PACKAGES="$PACKAGES rustc"

stop_after=run
seconds=20
for a in "$@"; do
	case $a in
	--deps-only) stop_after=deps ;;
	--build-only) stop_after=build ;;
	-h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*[!0-9]* | '') echo "bootstrap.sh: unknown argument '$a' (see --help)" >&2; exit 2 ;;
	*) seconds=$a ;;
	esac
done

missing=()
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "bootstrap.sh: missing packages: ${missing[*]}; run as root (sudo ./bootstrap.sh)" >&2
		exit 1
	fi
	echo "bootstrap.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
[ $stop_after = deps ] && exit 0

if [ ! -x configure ] || [ ! -f Makefile.in ] || [ ! -f config.h.in ]; then
	echo "bootstrap.sh: autoreconf -fi"
	autoreconf -fi
fi
mkdir -p build
if [ ! -f build/Makefile ]; then
	echo "bootstrap.sh: configuring in build/"
	(cd build && ../configure)
fi
make -C build -j2
[ $stop_after = build ] && exit 0

if [ -t 1 ] && [ -t 0 ]; then
	exec ./build/cprof-tui ./build/demo/cprof-demo "$seconds"
fi
echo "bootstrap.sh: no terminal, profiling the demo headless for $seconds s"
./build/cprof-tui --headless -o build/cprof-demo.db ./build/demo/cprof-demo "$seconds"
./build/cprof-tui --report build/cprof-demo.db --by function --limit 15
