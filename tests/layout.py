#!/usr/bin/env python3
"""layout.py — check the rules of doc/ARCHITECTURE.md on the source tree.

usage: layout.py SRCDIR BUILDDIR      check the tree (objects from BUILDDIR)
       layout.py --self-test          show that each rule catches a breach

Rules:
 1. Layers: a file includes headers of, and calls functions defined in, only
    its own folder and the folders its layer may use (LAYERS below).
    Calls are read from the compiled objects (nm): a call through a header
    of another folder and a call to a function declared by hand both count.
 2. No circle of files: no two files (a.c calls b.c, b.c calls a.c) or more
    call each other round, inside a folder or across folders.
 3. No source file over MAX_LINES lines.
 4. Nothing refers to a document outside the repository.
Prints one line per breach and exits 1, or a summary line and exits 0.
"""
import os, re, subprocess, sys, tempfile

# folder -> the folders its files may use (besides itself), lowest first
LAYERS = {
    "preload": [],
    "src/model": [],
    "src/target": ["src/model", "preload"],
    "db": ["src/model"],
    "src/stack": ["src/model", "src/target"],
    "ui": ["src/model"],
    "src/app": ["src/model", "src/target", "src/stack", "db", "ui"],
}
MAX_LINES = 700
SOURCE_EXT = (".c", ".cc", ".h", ".rs", ".sh", ".py", ".am", ".mk", ".ac")
# the top folders whose C files are the program: each C file under them must
# sit in a folder LAYERS names (a new folder gets its row in the table first)
CODE_ROOTS = ("src", "db", "ui", "preload")
# documents that lived beside the repository, never in it
OUTSIDE_DOCS = re.compile(r"\.\./shared|SPEC\.md|SPEC §|ENGINE-NOTES|STYLE\.md|schema\.sql")


def folder_of(path):
    d = os.path.dirname(path)
    return d if d in LAYERS else None


def tracked_files(srcdir):
    try:
        out = subprocess.run(["git", "-C", srcdir, "ls-files"], capture_output=True,
                             text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = []
        for d, dirs, fs in os.walk(srcdir):
            if d == srcdir:  # build trees and git's own files sit at the top
                dirs[:] = [x for x in dirs if not x.startswith("build") and x != ".git"]
            out += [os.path.relpath(os.path.join(d, f), srcdir) for f in fs]
    return sorted(f for f in out if os.path.isfile(os.path.join(srcdir, f)))


def resolve_include(src, name, known):
    """The tracked file an #include "name" in src means, or None (system, config.h)."""
    for cand in (os.path.join(os.path.dirname(src), name), os.path.join("src", name), name):
        cand = os.path.normpath(cand)
        if cand in known:
            return cand
    return None


def include_edges(srcdir, files):
    known = set(files)
    edges = []
    for f in files:
        if not f.endswith((".c", ".h")) or not folder_of(f):
            continue
        with open(os.path.join(srcdir, f), errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if m:
                    to = resolve_include(f, m.group(1), known)
                    if to:
                        edges.append((f, to, "includes", f"{f}:{n}"))
    return edges


def nm(obj, flags):
    out = subprocess.run(["nm", "-P"] + flags + [obj], capture_output=True, text=True).stdout
    return [line.split()[:2] for line in out.splitlines() if line.strip()]


def call_edges(objects):
    """objects: {source path: object path}. Edges source -> source by symbol."""
    defined = {}
    for src, obj in objects.items():
        for sym, kind in nm(obj, ["--defined-only", "-g"]):
            defined[sym] = src
    edges = []
    for src, obj in objects.items():
        for sym, kind in nm(obj, ["-u"]):
            to = defined.get(sym)
            if to and to != src:
                edges.append((src, to, "calls", sym))
    return edges


def objects_in(srcdir, builddir, files):
    objs = {}
    for f in files:
        if f.endswith(".c") and folder_of(f):
            o = os.path.join(builddir, f[:-2] + ".o")
            if os.path.exists(o):
                objs[f] = o
    return objs


def layer_breaches(edges):
    out = []
    for a, b, how, what in edges:
        fa, fb = folder_of(a), folder_of(b)
        if fa and fb and fa != fb and fb not in LAYERS[fa]:
            out.append(f"layer: {a} {how} {b} ({what}): {fa}/ may use only "
                       f"{', '.join(x + '/' for x in LAYERS[fa]) or 'itself'}")
    return out


def circles(edges):
    """Strongly connected groups of more than one file (Tarjan)."""
    graph = {}
    for a, b, how, _ in edges:
        if how == "calls":
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set())
    index, low, stack, on, groups, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            g = []
            while True:
                w = stack.pop()
                on.discard(w)
                g.append(w)
                if w == v:
                    break
            if len(g) > 1:
                groups.append(sorted(g))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    out = []
    for g in groups:
        why = [f"{a} -> {b} ({what})" for a, b, how, what in edges
               if how == "calls" and a in g and b in g]
        out.append("circle: " + ", ".join(g) + " call each other: " + "; ".join(sorted(set(why))[:6]))
    return out


def unlayered(files):
    """C files of the program in a folder the layer table does not name: their
    includes and calls would go unchecked."""
    return [f"layer: {f} is in {os.path.dirname(f)}/, which has no row in the layer table "
            f"(tests/layout.py LAYERS, doc/ARCHITECTURE.md): add it there"
            for f in files if f.split("/")[0] in CODE_ROOTS and f.endswith((".c", ".h"))
            and folder_of(f) is None]


def size_breaches(srcdir, files):
    out = []
    for f in files:
        if f.endswith(SOURCE_EXT) or os.path.basename(f) == "run":
            with open(os.path.join(srcdir, f), errors="replace") as fh:
                n = sum(1 for _ in fh)
            if n > MAX_LINES:
                out.append(f"size: {f} has {n} lines (at most {MAX_LINES}): split it by concern")
    return out


def outside_doc_breaches(srcdir, files):
    out = []
    for f in files:
        if f == "tests/layout.py":
            continue
        try:
            with open(os.path.join(srcdir, f), errors="strict") as fh:
                for n, line in enumerate(fh, 1):
                    if OUTSIDE_DOCS.search(line):
                        out.append(f"document: {f}:{n} refers to a document outside the "
                                   f"repository: {line.strip()[:80]}")
        except (UnicodeDecodeError, IsADirectoryError):
            continue
    return out


def check(srcdir, builddir):
    files = tracked_files(srcdir)
    objs = objects_in(srcdir, builddir, files)
    if not objs:
        return [f"no objects under {builddir}: build first"], 0, 0
    edges = include_edges(srcdir, files) + call_edges(objs)
    problems = unlayered(files) + layer_breaches(edges) + circles(edges)
    problems += size_breaches(srcdir, files) + outside_doc_breaches(srcdir, files)
    return problems, len(objs), len(edges)


def self_test():
    """Build a tiny tree that breaks each rule once; each must be reported."""
    with tempfile.TemporaryDirectory() as t:
        def put(path, text):
            os.makedirs(os.path.join(t, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(t, path), "w") as fh:
                fh.write(text)
        put("src/model/a.c", "int b(void);\nint a(void) { return b(); }\n")
        put("src/model/b.c", "int a(void);\nint b(void) { return a() + 1; }\n")
        put("src/model/c.c", '#include "ui/v.h"\nint c(void) { return v(); }\n')
        put("ui/v.h", "int v(void);\n")
        put("ui/v.c", "int v(void) { return 1; }\n")
        put("src/app/big.c", "int x;\n" * (MAX_LINES + 1))
        put("src/app/doc.c", "/* see SPEC §4 */\n")
        put("src/extra/e.h", "int e(void);\n")
        for c in ("src/model/a.c", "src/model/b.c", "src/model/c.c", "ui/v.c"):
            subprocess.run(["cc", "-c", "-I" + t, os.path.join(t, c), "-o",
                            os.path.join(t, c[:-2] + ".o")], check=True)
        problems, _, _ = check(t, t)
        want = {"circle: src/model/a.c, src/model/b.c": False,
                "layer: src/model/c.c includes ui/v.h": False,
                "layer: src/model/c.c calls ui/v.c": False,
                "size: src/app/big.c": False, "document: src/app/doc.c:1": False,
                "layer: src/extra/e.h is in src/extra/": False}
        for p in problems:
            for w in want:
                if p.startswith(w):
                    want[w] = True
        missed = [w for w, seen in want.items() if not seen]
        if missed:
            print("FAIL: the checker missed: " + "; ".join(missed))
            print("\n".join(problems))
            return 1
        print(f"self-test: {len(want)} planted breaches found")
        return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1])
        return 2
    problems, nobj, nedges = check(sys.argv[1], sys.argv[2])
    for p in problems:
        print(p)
    if problems:
        print(f"FAIL: {len(problems)} breaches of doc/ARCHITECTURE.md's rules")
        return 1
    print(f"{nobj} objects, {nedges} include and call edges: layers one way, no circles, "
          f"no file over {MAX_LINES} lines, no outside documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
