#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# unpack-formats: packages of every format built with the real dpkg-source -b
# (3.0 native, 3.0 quilt with an orig component and a two-patch series, 1.0
# with a .diff.gz, 1.0 native) and the quilt package with its orig tarball
# recompressed as gz, bz2, xz, lzma and zstd: `bpo unpack` must make the same
# tree as `dpkg-source -x` (file list, types, modes, symlink targets,
# contents, .pc/ included). dpkg-source 1.21 cannot read a .zst orig, so that
# one is compared with dpkg-source's tree of the .gz original.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/unpack-lib.bash"

pk=$T/pkgs
mkdir "$pk"
bash "$BPO_SRCDIR/tests/data/unpack/mkpkgs.sh" "$pk"

for p in nat_1.0 qp_2.0-1 old_1.5-2 oldnat_0.9 vs_1.0-1; do
	dpkg-source -q -x --no-check "$pk/$p.dsc" "$T/ref-$p" >/dev/null 2>&1
	expect_exit 0 "signature NOT checked" "$BPO" unpack --allow-unsigned "$pk/$p.dsc" \
		--dest "$T/bpo-$p"
	same_tree "$T/ref-$p" "$T/bpo-$p"
	echo "ok: $p same as dpkg-source -x"
done

# What the trees must hold (so that "same" is not "both empty").
[ -x "$T/bpo-qp_2.0-1/debian/rules" ] && [ -x "$T/bpo-old_1.5-2/debian/rules" ]
grep -qx 'line FIVE' "$T/bpo-qp_2.0-1/src/data.txt"
grep -qx 'by patch 2' "$T/bpo-qp_2.0-1/newdir/added.txt"
grep -qx 'component patched' "$T/bpo-qp_2.0-1/extra/comp.txt"
[ -x "$T/bpo-qp_2.0-1/extra/sub/run" ]
[ "$(cat "$T/bpo-qp_2.0-1/.pc/applied-patches")" = "$(printf '01-data.patch\n02-new.patch')" ]
[ ! -e "$T/bpo-qp_2.0-1/.pc/junk" ] && [ ! -e "$T/bpo-qp_2.0-1/debian/README" ]
[ "$(readlink "$T/bpo-nat_1.0/COPYING")" = doc/COPYING ]
[ "$(stat -c %a "$T/bpo-nat_1.0/private")" = 644 ]
grep -qx 'changed by the diff' "$T/bpo-old_1.5-2/src/data.txt"
grep -qx 'GPL-2+' "$T/bpo-vs_1.0-1/doc/COPYING"
[ "$(readlink "$T/bpo-vs_1.0-1/debian/patches/series")" = debian.series ]
echo "ok: patches applied, .pc written, orig debian/ and .pc/ dropped"

# The quilt package with its orig tarball in every compression.
gzip -dc "$pk/qp_2.0.orig.tar.gz" > "$T/orig.tar"
for c in gz bz2 xz lzma zst; do
	d=$T/re-$c
	mkdir "$d"
	case $c in
	gz) gzip -9n < "$T/orig.tar" > "$d/qp_2.0.orig.tar.gz" ;;
	bz2) bzip2 < "$T/orig.tar" > "$d/qp_2.0.orig.tar.bz2" ;;
	xz) xz < "$T/orig.tar" > "$d/qp_2.0.orig.tar.xz" ;;
	lzma) xz --format=lzma < "$T/orig.tar" > "$d/qp_2.0.orig.tar.lzma" ;;
	zst) zstd -q < "$T/orig.tar" > "$d/qp_2.0.orig.tar.zst" ;;
	esac
	cp "$pk/qp_2.0.orig-extra.tar.bz2" "$pk/qp_2.0-1.debian.tar.xz" "$d/"
	mkdsc "$d/qp_2.0-1.dsc" "3.0 (quilt)" qp 2.0-1 "qp_2.0.orig.tar.$c" \
		qp_2.0.orig-extra.tar.bz2 qp_2.0-1.debian.tar.xz
	expect_exit 0 "" "$BPO" unpack --allow-unsigned "$d/qp_2.0-1.dsc" --dest "$d/bpo"
	if [ "$c" = zst ]; then
		same_tree "$T/ref-qp_2.0-1" "$d/bpo"
	else
		dpkg-source -q -x --no-check "$d/qp_2.0-1.dsc" "$d/ref" >/dev/null 2>&1
		same_tree "$d/ref" "$d/bpo"
	fi
	echo "ok: 3.0 (quilt) with a .orig.tar.$c"
done

# --json: files, sha256, tree; no signer for an unsigned .dsc.
expect_exit 0 "" "$BPO" unpack --json --allow-unsigned "$pk/nat_1.0.dsc" --dest "$T/json"
python3 - "$T/out" "$T/json" "$pk/nat_1.0.tar.xz" <<'PY'
import hashlib, json, os, sys
o = json.load(open(sys.argv[1]))
assert o["source"] == "nat" and o["version"] == "1.0" and o["format"] == "3.0 (native)", o
assert o["tree"] == os.path.realpath(sys.argv[2]), o
assert o["signer"] is None, o
data = open(sys.argv[3], "rb").read()
assert o["files"] == [{"name": "nat_1.0.tar.xz", "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest()}], o
PY
echo "ok: --json"

# --json stays valid UTF-8 JSON when a path is not UTF-8 (a Latin-1 "é" in
# --dest, a control character): the bytes come out as U+FFFD and \u escapes.
weird=$T/$'caf\xe9-\x01'
expect_exit 0 "" "$BPO" unpack --json --allow-unsigned "$pk/nat_1.0.dsc" --dest "$weird"
python3 - "$T/out" "$T" <<'PY'
import json, os, sys
o = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", errors="strict"))
assert o["tree"] == os.path.realpath(sys.argv[2]) + "/caf\ufffd-\x01", o
PY
echo "ok: --json with a path that is not UTF-8"

# --skip-patches: the tree as unpacked, no .pc/.
expect_exit 0 "" "$BPO" unpack --skip-patches --allow-unsigned "$pk/qp_2.0-1.dsc" --dest "$T/skip"
grep -qx 'line 5' "$T/skip/src/data.txt" && [ ! -e "$T/skip/.pc" ]
echo "ok: --skip-patches"

# An existing target is refused, --force replaces it.
expect_exit 1 "already exists" "$BPO" unpack --allow-unsigned "$pk/nat_1.0.dsc" --dest "$T/json"
expect_exit 0 "" "$BPO" unpack --force --allow-unsigned "$pk/nat_1.0.dsc" --dest "$T/json"
echo "ok: existing target refused, --force"

# Usage errors exit 2 with one clear line; --help prints the whole usage.
expect_exit 0 "" "$BPO" unpack --help
grep -q -- '--allow-unsigned' "$T/out" && grep -q -- '--max-members' "$T/out"
expect_exit 2 "expected exactly one RECIPE or FILE.dsc" "$BPO" unpack
expect_exit 2 "--dest DIR is required" "$BPO" unpack --allow-unsigned "$pk/nat_1.0.dsc"
expect_exit 2 "exclude each other" "$BPO" unpack --allow-unsigned --keyring /dev/null \
	"$pk/nat_1.0.dsc" --dest "$T/u"
expect_exit 2 "--max-size: not a positive number: '0'" "$BPO" unpack --max-size 0 \
	--allow-unsigned "$pk/nat_1.0.dsc" --dest "$T/u"
expect_exit 2 "" "$BPO" unpack --no-such-option "$pk/nat_1.0.dsc"
[ ! -e "$T/u" ]
echo "ok: usage errors"
