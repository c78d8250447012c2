#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo build against sbuild --chroot-mode=unshare: the same .dsc (the test
# fixture, or $1) and the same bookworm image tarball (bpo's). Prints total
# seconds and bpo's overhead (total minus dpkg-buildpackage's own time) for a
# cold build (no cached build-dependency layer: apt runs) and a warm one.
# Also times the two ways to get a fresh root: unpacking the image tarball
# (tar -x) against an overlay over the once-unpacked image (bpo chroot exec).
# Run as root on a machine like CI (with the mirror); sbuild runs as the
# ordinary user $BPO_BENCH_USER (default bpo-rootless, from
# .ci/setup.d/20-build-user.sh), as sbuild must not run as root.
#   BPO=/path/to/bpo bench/build-vs-sbuild.sh [FILE.dsc]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BPO:=$top/build/bpo}"
: "${BPO_TEST_CACHE:=/var/tmp/bpo-test-cache}"
export BPO_CACHE_DIR="$BPO_TEST_CACHE/bpo-cache" BPO_CHROOT_DIR="$top/chroot"
user=${BPO_BENCH_USER:-bpo-rootless}
arch=$(dpkg --print-architecture)
tarball="$BPO_CACHE_DIR/chroots/bookworm-$arch.tar.zst"
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
[ -f "$tarball" ] || { echo "no image: $BPO chroot create bookworm (BPO_CACHE_DIR=$BPO_CACHE_DIR)" >&2; exit 1; }
command -v sbuild >/dev/null || { echo "install sbuild" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
if [ $# -ge 1 ]; then
	dsc=$(readlink -f "$1")
else
	cp -r "$top/tests/data/build/bpo-hello" "$tmp/"
	(cd "$tmp" && dpkg-source -q -b bpo-hello >/dev/null 2>&1)
	dsc="$tmp/bpo-hello_1.0.dsc"
fi
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "== fresh root: tar -x of the image vs overlay over the unpacked image"
mkdir "$tmp/x"
t0=$(now); tar --numeric-owner --exclude='./dev/*' -xpf "$tarball" -C "$tmp/x"; t1=$(now)
rm -rf "$tmp/x"
"$BPO" chroot exec bookworm --no-network -- /bin/true # unpack once, not timed
t2=$(now); "$BPO" chroot exec bookworm --no-network -- /bin/true; t3=$(now)
echo "tar -x: $(secs "$t0" "$t1") s   overlay root (set up, run /bin/true, tear down): $(secs "$t2" "$t3") s"

# dpkg-buildpackage's own seconds from bpo's log
dbp_secs() { grep -A100000 'dpkg-buildpackage' "$1" | sed -n 's/^== bpo: exit status 0 after \([0-9.]*\) s$/\1/p' | tail -1; }

bpo_build() { # name extra-args...
	local name=$1
	shift
	local t0 t1 log
	t0=$(now)
	"$BPO" -q build "$dsc" --release bookworm --result "$tmp/$name" "$@" >/dev/null
	t1=$(now)
	log=$(ls "$tmp/$name"/*.build)
	local total dbp
	total=$(secs "$t0" "$t1")
	dbp=$(dbp_secs "$log")
	printf '%-22s total %7s s   dpkg-buildpackage %7s s   overhead %7s s\n' "bpo $name" \
		"$total" "$dbp" "$(awk -v t="$total" -v d="$dbp" 'BEGIN { printf "%.2f", t - d }')"
}

echo "== bpo (as root)"
bpo_build cold --no-cache
bpo_build warm-fill # fills the deps layer
bpo_build warm

echo "== sbuild --chroot-mode=unshare (as $user, same tarball)"
sbdir="$tmp/sbuild"
mkdir "$sbdir"
cp "$(dirname "$dsc")"/* "$sbdir/" 2>/dev/null || true
chown -R "$user" "$sbdir"
for run in 1 2; do
	t0=$(now)
	runuser -u "$user" -- env -C "$sbdir" HOME="$sbdir" sbuild --chroot-mode=unshare \
		--chroot="$tarball" -d bookworm --arch="$arch" --no-source --arch-any --arch-all \
		--no-run-lintian --no-run-autopkgtest --no-run-piuparts --nolog \
		"$sbdir/$(basename "$dsc")" >"$tmp/sbuild-$run.out" 2>&1 ||
		{ tail -30 "$tmp/sbuild-$run.out"; echo "sbuild failed" >&2; exit 1; }
	t1=$(now)
	# sbuild prints "Build needed HH:MM:SS" for dpkg-buildpackage's run
	dbp=$(sed -n 's/^Build needed \([0-9:]*\),.*/\1/p' "$tmp/sbuild-$run.out" |
		awk -F: '{ print $1 * 3600 + $2 * 60 + $3 }')
	total=$(secs "$t0" "$t1")
	printf '%-22s total %7s s   dpkg-buildpackage %7s s   overhead %7s s\n' "sbuild run $run" \
		"$total" "${dbp:-?}" "$(awk -v t="$total" -v d="${dbp:-0}" 'BEGIN { printf "%.2f", t - d }')"
done
