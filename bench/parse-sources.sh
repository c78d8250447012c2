#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# parse-sources: parse throughput of bpo's deb822 parser against grep-dctrl
# (dctrl-tools) and python3-debian on the same uncompressed bookworm Sources
# index, in the same run. Prints paragraphs, seconds (best of N), MB/s and the
# ratio of bpo to each peer. Times are CPU seconds (user + system), best of N.
#
# Usage: bench/parse-sources.sh [SUITE]     (default bookworm)
# Env:   BPO_MIRROR    Debian mirror URL (default: the first one in the apt
#                      sources of this machine)
#        BPO_BUILDDIR  configured build tree (default: build/ next to bench/);
#                      `make bench-deb822` is run there
#        BENCH_RUNS    runs per tool, best counts (default 3)
#        BENCH_CACHE   where the download is kept (default /var/tmp/bpo-bench)
# Needs: curl, xz-utils, dctrl-tools, python3-debian.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
suite=${1:-bookworm}
builddir=${BPO_BUILDDIR:-$top/build}
runs=${BENCH_RUNS:-3}
cache=${BENCH_CACHE:-/var/tmp/bpo-bench}

mirror() {
	if [ -n "${BPO_MIRROR:-}" ]; then
		echo "$BPO_MIRROR"
		return
	fi
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		u=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
		[ -n "$u" ] && { echo "$u"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		u=$(awk '$1 == "deb" || $1 == "deb-src" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) { print $i; exit } else break } }' "$f")
		[ -n "$u" ] && { echo "$u"; return; }
	done
	echo "parse-sources: no Debian mirror in the apt sources; set BPO_MIRROR" >&2
	exit 2
}

for tool in curl xz grep-dctrl python3; do
	command -v "$tool" >/dev/null || { echo "parse-sources: $tool is missing" >&2; exit 2; }
done
# python3-debian belongs to Debian's interpreter (not a pyenv/venv one first in PATH).
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" -I -c 'import debian.deb822' 2>/dev/null || {
	echo "parse-sources: python3-debian is missing" >&2; exit 2; }

mkdir -p "$cache"
file=$cache/Sources-$suite
if [ ! -s "$file" ]; then
	url="$(mirror)/dists/$suite/main/source/Sources.xz"
	echo "downloading dists/$suite/main/source/Sources.xz from the apt mirror"
	curl -fsS -o "$file.xz.part" "$url"
	xz -dc "$file.xz.part" >"$file.part"
	mv "$file.part" "$file"
	rm -f "$file.xz.part"
fi
size=$(stat -c %s "$file")
echo "input: $file, $(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1e6 }') MB"

[ -f "$builddir/Makefile" ] || { echo "parse-sources: $builddir is not a configured build tree (set BPO_BUILDDIR)" >&2; exit 2; }
make -s -C "$builddir" bench-deb822 >"$cache/make.log" 2>&1 || {
	cat "$cache/make.log" >&2; exit 1; }

# CPU seconds (user + system) of a command: steadier than wall time on a
# machine that is busy with other work.
cpu() { # cpu OUT CMD...
	local out=$1 TIMEFORMAT='%3U %3S' t
	shift
	t=$({ time "$@" >"$out"; } 2>&1 >/dev/null)
	awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.3f", a[1] + a[2] }'
}
best() { # best NAME CMD...: run CMD $runs times, print the least CPU time; output in $T/NAME
	local name=$1 b="" d
	shift
	for _ in $(seq "$runs"); do
		d=$(cpu "$T/$name" "$@")
		if [ -z "$b" ] || awk -v d="$d" -v b="$b" 'BEGIN { exit !(d < b) }'; then b=$d; fi
	done
	echo "$b"
}
T=$(mktemp -d /tmp/bpo-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT

# bpo: parse every paragraph into fields (names, values, raw bytes).
t_bpo=$(best bpo "$builddir/bench/bench_deb822" "$file")
n_bpo=$(sed -n 's/.*: \([0-9]*\) paragraphs.*/\1/p' "$T/bpo")
# grep-dctrl: count the paragraphs that have a Package field (parses them all).
t_grep=$(best grep grep-dctrl -c -FPackage -r . "$file")
n_grep=$(cat "$T/grep")
# python3-debian: iterate the paragraphs (pure Python parser), touch a field.
t_py=$(best py "$py" -I -c '
import sys
from debian import deb822
n = 0
with open(sys.argv[1], "rb") as f:
    for p in deb822.Sources.iter_paragraphs(f, use_apt_pkg=False):
        p["Package"]
        n += 1
print(n)' "$file")
n_py=$(cat "$T/py")

report() { # NAME SECONDS PARAGRAPHS
	awk -v n="$1" -v t="$2" -v p="$3" -v s="$size" -v tb="$t_bpo" 'BEGIN {
		printf "%-16s %7s paragraphs %8.3f s CPU %8.1f MB/s   bpo speed / this: %5.2f\n",
			n, p, t, s / 1e6 / t, t / tb }'
}
echo "best of $runs runs:"
report "bpo deb822" "$t_bpo" "$n_bpo"
report "grep-dctrl" "$t_grep" "$n_grep"
report "python3-debian" "$t_py" "$n_py"
if [ "$n_bpo" != "$n_grep" ] || [ "$n_bpo" != "$n_py" ]; then
	echo "parse-sources: the tools disagree on the number of paragraphs" >&2
	exit 1
fi
