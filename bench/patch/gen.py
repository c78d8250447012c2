#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make a source tree and a series of patches for bench/patch-series.sh.

gen.py TREE PATCHDIR NFILES LINES NPATCHES: TREE gets NFILES C-like files of
LINES lines in nested directories; PATCHDIR gets NPATCHES patches (diff -u,
-p1, a/ b/ prefixes, a DEP-3 header) that each change 3 files in 2 places,
made against the tree as the series before them left it (so the series
applies in order at fuzz 0), plus a quilt `series` file. Deterministic.
With NFILES 0, TREE is an existing tree (an unpacked upstream tarball): the
patches change its text files of at least 20 lines.
"""
import os
import random
import sys


def main():
    tree, pdir, nfiles, nlines, npatches = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    rnd = random.Random(4242)
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    files = {}
    if nfiles == 0:
        for root, dirs, names_ in os.walk(tree):
            dirs.sort()
            for n in sorted(names_):
                full = os.path.join(root, n)
                if os.path.islink(full) or not os.path.isfile(full):
                    continue
                try:
                    with open(full, encoding="utf-8", newline="") as f:
                        lines = f.readlines()
                except (UnicodeDecodeError, OSError):
                    continue
                if len(lines) >= 20 and all(l.endswith("\n") for l in lines) and \
                        not any("\r" in l for l in lines):
                    files[os.path.relpath(full, tree)] = lines
    for i in range(nfiles):
        path = "src/mod%02d/sub%d/file%04d.c" % (i % 40, i % 7, i)
        files[path] = ["/* %s %d */\n" % (path, i)] + [
            "\tint v%d = %s(%d, %s);\n" % (j, rnd.choice(words), j, rnd.choice(words))
            for j in range(nlines - 1)]
    for path, lines in files.items() if nfiles else []:
        full = os.path.join(tree, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.writelines(lines)
    os.makedirs(pdir, exist_ok=True)
    names = sorted(files)
    series = []
    for p in range(npatches):
        name = "%04d-change-%d.patch" % (p + 1, p)
        out = ["Description: benchmark change %d\nAuthor: bench <b@example.invalid>\n"
               "Forwarded: not-needed\n---\n" % p]
        for path in sorted(rnd.sample(names, 3)):
            old = files[path]
            new = list(old)
            for at in sorted(rnd.sample(range(5, len(old) - 5), 2), reverse=True):
                new[at:at + 1] = ["\tint p%d_%d = 0; /* changed */\n" % (p, at),
                                  "\t/* added by patch %d */\n" % p]
            out.append(udiff(path, old, new))
            files[path] = new
        with open(os.path.join(pdir, name), "w") as f:
            f.writelines(out)
        series.append(name)
    with open(os.path.join(pdir, "series"), "w") as f:
        f.write("".join(s + "\n" for s in series))


def udiff(path, a, b):
    import difflib
    return "".join(difflib.unified_diff(a, b, "a/" + path, "b/" + path, n=3))


if __name__ == "__main__":
    main()
