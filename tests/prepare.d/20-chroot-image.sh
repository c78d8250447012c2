#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Make the bookworm chroot image the chroot/build tests (and the repository
# tests, through `bpo chroot exec bookworm -- ...`) use, once: in
# $BPO_TEST_CACHE/bpo-cache/chroots/bookworm-ARCH.{tar.zst,meta}. When it is
# there and its tarball matches the recorded size and sha256 it is kept.
# Tests use it with BPO_CACHE_DIR=$BPO_TEST_CACHE/bpo-cache.
set -euo pipefail
: "${BPO:?}" "${BPO_SRCDIR:?}"
: "${BPO_TEST_CACHE:=/var/tmp/bpo-test-cache}"
export BPO_CACHE_DIR="$BPO_TEST_CACHE/bpo-cache"
export BPO_CHROOT_DIR="$BPO_SRCDIR/chroot"
arch=$(dpkg --print-architecture)
meta="$BPO_CACHE_DIR/chroots/bookworm-$arch.meta"

if [ "$(id -u)" != 0 ] && ! grep -q "^$(id -un):" /etc/subuid 2>/dev/null; then
	echo "prepare: not root and no /etc/subuid range: the chroot tests will skip" >&2
	exit 0
fi
mkdir -p "$BPO_CACHE_DIR"
if [ -f "$meta" ]; then
	want=$(sed -n 's/^SHA256: //p' "$meta")
	size=$(sed -n 's/^Size: //p' "$meta")
	tar="$BPO_CACHE_DIR/chroots/$(sed -n 's/^Tarball: //p' "$meta")"
	if [ -f "$tar" ] && [ "$(stat -c %s "$tar")" = "$size" ] &&
		[ "$(sha256sum <"$tar" | cut -d' ' -f1)" = "$want" ]; then
		echo "prepare: bookworm/$arch image present and valid ($tar)"
	else
		echo "prepare: bookworm/$arch image does not match its metadata: remaking it"
		"$BPO" chroot update bookworm
	fi
else
	echo "prepare: making the bookworm/$arch image (mmdebstrap, a few minutes)"
	"$BPO" chroot create bookworm
fi
# unpack it once now, so that the tests do not race to do it
"$BPO" chroot exec bookworm --no-network -- /bin/true
"$BPO" chroot list
