#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make the version fixtures in this directory (see README.md).

Usage: make-sample.py DIR INDEX...
  INDEX: uncompressed Sources/Packages files (bookworm and trixie main).
Writes DIR/sample.txt (shuffled), DIR/sorted.txt and DIR/pairs.txt; every
verdict in pairs.txt comes from `dpkg --compare-versions`, and the chain of
adjacent pairs of sorted.txt is in pairs.txt, so those verdicts alone imply
the order of sorted.txt."""
import functools
import random
import re
import subprocess
import sys

rng = random.Random(20261125)


def order(c):
    if c.isdigit():
        return 0
    if c.isalpha() and c.isascii():
        return ord(c)
    if c == '~':
        return -1
    return ord(c) + 256 if c else 0


def verrevcmp(a, b):
    # An independent port of dpkg's verrevcmp, only used to pick pairs and a
    # candidate order: dpkg --compare-versions has the last word.
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = order(a[i]) if i < len(a) else 0
            bc = order(b[j]) if j < len(b) else 0
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        while i < len(a) and a[i] == '0':
            i += 1
        while j < len(b) and b[j] == '0':
            j += 1
        while i < len(a) and j < len(b) and a[i].isdigit() and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return first_diff
    return 0


def split(v):
    epoch = 0
    if ':' in v:
        e, v = v.split(':', 1)
        epoch = int(e)
    up, _, rev = v.rpartition('-') if '-' in v else (v, '', '')
    return epoch, up, rev


def cmp(a, b):
    ea, ua, ra = split(a)
    eb, ub, rb = split(b)
    if ea != eb:
        return -1 if ea < eb else 1
    r = verrevcmp(ua, ub) or verrevcmp(ra, rb)
    return (r > 0) - (r < 0)


def dpkg(a, b):
    def rel(op):
        return subprocess.run(['dpkg', '--compare-versions', a, op, b]).returncode == 0
    if rel('lt'):
        return '<'
    if rel('eq'):
        return '='
    assert rel('gt')
    return '>'


def main():
    out = sys.argv[1]
    versions = {}  # version -> source/package name (for same-package pairs)
    for path in sys.argv[2:]:
        name = None
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                if line.startswith('Package: '):
                    name = line[9:].strip()
                elif line.startswith('Version: '):
                    versions.setdefault(line[9:].strip(), name)
    allv = sorted(versions)
    cats = [
        ('epoch', lambda v: ':' in v, 500),
        ('tilde', lambda v: '~' in v, 700),
        ('plus', lambda v: '+' in v, 600),
        ('long revision', lambda v: '-' in v and len(v.rsplit('-', 1)[1]) >= 12, 300),
        ('no revision', lambda v: '-' not in v, 300),
        ('several hyphens', lambda v: v.count('-') >= 2, 200),
        ('letters', lambda v: re.search(r'[A-Za-z]', v) is not None, 300),
        ('colon in upstream', lambda v: v.count(':') >= 2, 50),
        ('any', lambda v: True, 700),
    ]
    chosen = set()
    for _, pred, n in cats:
        pool = [v for v in allv if pred(v) and v not in chosen]
        chosen.update(rng.sample(pool, min(n, len(pool))))
    sample = sorted(chosen)
    rng.shuffle(sample)
    ordered = sorted(sample, key=functools.cmp_to_key(cmp))  # stable: ties keep sample order

    pairs = []
    for a, b in zip(ordered, ordered[1:]):  # the chain that proves sorted.txt
        pairs.append((a, b))
    for _ in range(1500):  # random pairs
        pairs.append(tuple(rng.sample(sample, 2)))
    # near pairs: same package, or a shared prefix
    bypkg = {}
    for v in sample:
        bypkg.setdefault(versions[v], []).append(v)
    near = [vs for vs in bypkg.values() if len(vs) > 1]
    for vs in near[:800]:
        pairs.append(tuple(rng.sample(vs, 2)))
    for a in rng.sample(sample, 800):
        k = ordered.index(a)
        b = ordered[min(len(ordered) - 1, k + rng.randint(1, 3))]
        if a != b:
            pairs.append((b, a) if rng.random() < 0.5 else (a, b))
    seen = set()
    with open(out + '/pairs.txt', 'w') as f:
        f.write('# A VERDICT B, VERDICT from dpkg --compare-versions; see README.md\n')
        for a, b in pairs:
            if (a, b) in seen:
                continue
            seen.add((a, b))
            v = dpkg(a, b)
            c = {-1: '<', 0: '=', 1: '>'}[cmp(a, b)]
            if v != c:
                print(f'note: port disagrees with dpkg on {a} {b}: {c} vs {v}', file=sys.stderr)
            f.write(f'{a} {v} {b}\n')
    with open(out + '/sample.txt', 'w') as f:
        f.write(''.join(v + '\n' for v in sample))
    with open(out + '/sorted.txt', 'w') as f:
        f.write(''.join(v + '\n' for v in ordered))
    print(f'{len(allv)} distinct versions, sample {len(sample)}, pairs {len(seen)}')


main()
