#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark: apply a series of 100 patches to a real-size tree with
# `bpo patch --apply` and with `quilt push -a` (the peer tool), in the same
# run, on identical copies; print both times and the ratio. Both results must
# be the same tree. Usage: bench/patch-series.sh [BPO] (default: ./bpo, then
# bpo in PATH). Sizes: BENCH_FILES (default 3000), BENCH_LINES (400),
# BENCH_PATCHES (100), BENCH_RUNS (3, the best run counts). Needs python3, bc, quilt.
# BENCH_POOL=pool/main/c/coreutils/coreutils_9.1.orig.tar.xz instead unpacks that
# real upstream tarball from the Debian mirror (from $BPO_MIRROR or the apt
# sources, read at run time) and patches its text files.
# bpo writes durably (temp files, syncfs, renames, syncfs); quilt does not sync.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bpo=${1:-$( [ -x ./bpo ] && echo ./bpo || command -v bpo )}
bpo=$(cd "$(dirname "$bpo")" && pwd)/$(basename "$bpo")
command -v quilt >/dev/null || { echo "quilt is not installed (apt-get install quilt)" >&2; exit 1; }
files=${BENCH_FILES:-3000} lines=${BENCH_LINES:-400} npatches=${BENCH_PATCHES:-100}
runs=${BENCH_RUNS:-3}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
if [ -n "${BENCH_POOL:-}" ]; then
	mirror=${BPO_MIRROR:-$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)}
	[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list)
	curl -fsS -o "$w/src.tar" "${mirror%/}/$BENCH_POOL"
	mkdir "$w/unpack"
	tar -C "$w/unpack" -xf "$w/src.tar"
	mv "$w/unpack"/* "$w/base"
	python3 "$here/patch/gen.py" "$w/base" "$w/patches" 0 0 "$npatches"
	echo "tree: $(basename "$BENCH_POOL"): $(find "$w/base" -type f | wc -l) files" \
		"($(du -sh "$w/base" | cut -f1)), $npatches patches"
else
	python3 "$here/patch/gen.py" "$w/base" "$w/patches" "$files" "$lines" "$npatches"
	echo "tree: $files files x $lines lines ($(du -sh "$w/base" | cut -f1)), $npatches patches"
fi
mapfile -t series < <(sed "s|^|$w/patches/|" "$w/patches/series")

now() { date +%s.%N; }
best_bpo= best_quilt=
for r in $(seq "$runs"); do
	rm -rf "$w/t-bpo" "$w/t-quilt"
	cp -a "$w/base" "$w/t-bpo"
	cp -a "$w/base" "$w/t-quilt"
	cp -a "$w/patches" "$w/t-quilt/patches"
	sync
	t0=$(now)
	"$bpo" -q patch --apply --tree "$w/t-bpo" "${series[@]}"
	t1=$(now)
	(cd "$w/t-quilt" && QUILT_PATCHES=patches QUILT_PC=.pc quilt push -a -q --fuzz=0 >/dev/null)
	t2=$(now)
	b=$(echo "$t1 - $t0" | bc -l) q=$(echo "$t2 - $t1" | bc -l)
	printf 'run %d: bpo %.3f s, quilt %.3f s\n' "$r" "$b" "$q"
	if [ -z "$best_bpo" ] || [ "$(echo "$b < $best_bpo" | bc -l)" = 1 ]; then best_bpo=$b; fi
	if [ -z "$best_quilt" ] || [ "$(echo "$q < $best_quilt" | bc -l)" = 1 ]; then best_quilt=$q; fi
done
rm -rf "$w/t-quilt/patches" "$w/t-quilt/.pc"
diff -r "$w/t-bpo" "$w/t-quilt" >/dev/null || { echo "bpo and quilt trees differ!" >&2; exit 1; }
printf 'best: bpo patch --apply %.3f s, quilt push -a %.3f s, ratio quilt/bpo %.2f\n' \
	"$best_bpo" "$best_quilt" "$(echo "$best_quilt / $best_bpo" | bc -l)"
