#!/usr/bin/env python3
"""heaptrack.py — bytes allocated and leaked per source line, from a
heaptrack recording: the reference cprof-tui --memory is checked against
(tests/t-memory.sh, bench/alloc.sh).

usage: heaptrack.py FILE.zst SUFFIX
Prints "file<TAB>line<TAB>allocated<TAB>leaked" for each line of a source
file whose path ends with SUFFIX, charging every allocation to the innermost
such line of its backtrace (inlined frames included), as cprof-tui charges
it to the innermost line of a profiled file.

heaptrack's file (after zstd -d) is text, one record a line, numbers in hex:
  s LEN STRING          a string (the first is 1)
  i IP MODULE [FUNCTION FILE LINE]...   an address, innermost frame first
  t IP PARENT           a backtrace node (the first is 1, 0 is the root)
  a SIZE TRACE          an allocation's size and backtrace (the first is 0)
  + INFO / - INFO       an allocation of / a free of that kind
"""
import collections, subprocess, sys


def main():
    path, suffix = sys.argv[1], sys.argv[2]
    text = subprocess.run(["zstd", "-dc", path], capture_output=True, text=True,
                          errors="replace", check=True).stdout
    strings, ips, traces, infos = [""], [None], [None], []
    allocated = collections.Counter()
    leaked = collections.Counter()
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "s":
            strings.append(rest.split(" ", 1)[1] if " " in rest else "")
        elif kind == "i":
            f = [int(x, 16) for x in rest.split()]
            ips.append([(f[k + 1], f[k + 2]) for k in range(2, len(f) - 2, 3)])
        elif kind == "t":
            ip, parent = (int(x, 16) for x in rest.split())
            traces.append((ip, parent))
        elif kind == "a":
            size, trace = (int(x, 16) for x in rest.split())
            infos.append((size, where(trace, traces, ips, strings, suffix)))
        elif kind in "+-" and kind:
            size, at = infos[int(rest, 16)]
            if at is None:
                continue
            if kind == "+":
                allocated[at] += size
                leaked[at] += size
            else:
                leaked[at] -= size
    for (file, line), n in sorted(allocated.items()):
        print(f"{file}\t{line}\t{n}\t{leaked[(file, line)]}")


def where(trace, traces, ips, strings, suffix):
    """The innermost (file, line) of the backtrace in a file ending with suffix."""
    while trace:
        ip, trace = traces[trace]
        for file, line in ips[ip]:
            if strings[file].endswith(suffix):
                return strings[file], line
    return None


if __name__ == "__main__":
    main()
