#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time to a dep-wait verdict: `bpo build RECIPE` (resolve, source, then the
# deps stage's solver on the verified indices, no chroot) against sbuild
# --chroot-mode=unshare's time to its "dependency installation failed" on the
# same backport source and bpo's bookworm image, interleaved runs in the same
# call (farm-bench --vs, medians, ratio pair by pair). The source: a real
# trixie package whose build dependency bookworm lacks (painintheapt:
# debhelper >= 13.11.6~, only bookworm-backports has it). Needs the mirror
# (read from the machine's apt sources, or $BPO_MIRROR), farm-bench, sbuild,
# dose-builddebcheck; run as root; sbuild runs as $BPO_BENCH_USER (default
# bpo-rootless, from .ci/setup.d/20-build-user.sh). Goal: bpo 20x faster.
#   BPO=/path/to/bpo bench/depwait-vs-sbuild.sh [RUNS]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BPO:=$top/build/bpo}"
: "${BPO_CACHE_DIR:=/var/tmp/bpo-real-world-cache}"
export BPO_CACHE_DIR BPO_CHROOT_DIR="${BPO_CHROOT_DIR:-$top/chroot}"
export DEBFULLNAME="${DEBFULLNAME:-bpo bench}" DEBEMAIL="${DEBEMAIL:-bench@example.invalid}"
runs=${1:-3}
user=${BPO_BENCH_USER:-bpo-rootless}
arch=$(dpkg --print-architecture)
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
for c in sbuild farm-bench dose-builddebcheck; do
	command -v "$c" >/dev/null || { echo "install $c" >&2; exit 2; }
done
tarball="$BPO_CACHE_DIR/chroots/bookworm-$arch.tar.zst"
[ -f "$tarball" ] || "$BPO" chroot create bookworm
chmod o+r "$tarball"

tmp=$(mktemp -d /var/tmp/bpo-depwait.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
printf 'source:\n  package: painintheapt\n  suite: trixie\ntarget:\n  release: bookworm\n' >"$tmp/p.yaml"
# the backport source, once (bpo deps leaves it in its work dir), for sbuild
st=0
"$BPO" deps --work-dir "$tmp/w0" "$tmp/p.yaml" >/dev/null 2>"$tmp/deps.err" || st=$?
[ "$st" = 1 ] || { cat "$tmp/deps.err" >&2; echo "bpo deps: exit $st, expected 1 (dep-wait)" >&2; exit 1; }
mkdir "$tmp/sb"
cp "$tmp"/w0/source/*.dsc "$tmp"/w0/source/*.tar.* "$tmp/sb/"
dsc=$(ls "$tmp"/sb/*.dsc)
chown -R "$user" "$tmp/sb"
# sbuild must fail in its dependency installation, as bpo stops in stage deps
cat >"$tmp/sbuild.sh" <<S
#!/bin/sh
cd "$tmp/sb" && HOME="$tmp/sb" runuser -u "$user" -- sbuild --chroot-mode=unshare \\
	--chroot="$tarball" -d bookworm --arch="$arch" --no-source --arch-any --arch-all \\
	--no-run-lintian --no-run-autopkgtest --no-run-piuparts --nolog "$dsc" >"$tmp/sbuild.out" 2>&1
st=\$?
grep -Eq 'unmet|not satisf|Dependency installation failed|dependencies.*installed' "$tmp/sbuild.out" || exit 99
[ \$st != 0 ]
S
cat >"$tmp/bpo.sh" <<S
#!/bin/sh
rm -rf "$tmp/w"
"$BPO" build --no-publish --work-dir "$tmp/w" "$tmp/p.yaml" >/dev/null 2>"$tmp/bpo.err"
[ \$? = 1 ] && grep -q 'dep-wait' "$tmp/bpo.err"
S
chmod +x "$tmp/sbuild.sh" "$tmp/bpo.sh"
"$tmp/sbuild.sh" || { tail -20 "$tmp/sbuild.out"; echo "sbuild did not fail in its dependency installation" >&2; exit 1; }
"$tmp/bpo.sh" || { cat "$tmp/bpo.err"; echo "bpo build did not stop with dep-wait" >&2; exit 1; }
echo "== time to the dep-wait verdict: bpo build (A) vs sbuild (B), $runs pairs"
farm-bench -n "$runs" --warmup 0 --timeout 3000 --vs "$tmp/sbuild.sh" -- "$tmp/bpo.sh"
