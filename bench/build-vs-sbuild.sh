#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo build against sbuild --chroot-mode=unshare: the same .dsc (the test
# fixture, or $1) and the same bookworm image tarball (bpo's), every tool
# timed by wall clock around its whole command. The floor, in the same run:
# a bare unshare + chroot + dpkg-buildpackage in a fresh overlay over the
# unpacked image with the build dependencies already installed (what any
# builder must at least do). Prints each run's seconds, then a table of
# bpo (cold: no cached build-dependency layer, apt runs; warm: the layer
# reused), sbuild (two runs) and the floor, with the ratios to the floor and
# sbuild/bpo. Also times the two ways to get a fresh root: unpacking the
# image tarball (tar -x) against an overlay over the once-unpacked image.
# Run as root on a machine like CI (with the mirror); sbuild runs as the
# ordinary user $BPO_BENCH_USER (default bpo-rootless, from
# .ci/setup.d/20-build-user.sh), as sbuild must not run as root.
# Needs sbuild and iproute2 (the floor brings up its loopback as bpo does).
#   BPO=/path/to/bpo bench/build-vs-sbuild.sh [FILE.dsc]
# (sbuild's own "Build needed HH:MM:SS" is the whole sbuild job, not
# dpkg-buildpackage's part of it: it is not used.)
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

declare -A T

bpo_build() { # name extra-args...
	local name=$1
	shift
	local t0 t1
	t0=$(now)
	"$BPO" -q build "$dsc" --release bookworm --result "$tmp/$name" "$@" >/dev/null
	t1=$(now)
	T[$name]=$(secs "$t0" "$t1")
	printf '%-22s %7s s\n' "bpo $name" "${T[$name]}"
}

echo "== bpo (as root; the build itself as bpo's unprivileged build user)"
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
	T[sbuild$run]=$(secs "$t0" "$t1")
	printf '%-22s %7s s\n' "sbuild run $run" "${T[sbuild$run]}"
done

echo "== the floor: unshare + chroot + dpkg-buildpackage, build dependencies installed"
fl="$tmp/floor"
mkdir -p "$fl/lower"
tar --numeric-owner --exclude='./dev/*' -xpf "$tarball" -C "$fl/lower"
mkdir -p "$fl/lower/src"
cp "$(dirname "$dsc")"/* "$fl/lower/src/" 2>/dev/null || true
cp /etc/resolv.conf "$fl/lower/etc/resolv.conf" 2>/dev/null || true
# the build dependencies, untimed (apt with the network, as set up by mmdebstrap)
unshare --mount --pid --fork sh -c "mount -t proc proc $fl/lower/proc &&
	mount --rbind /dev $fl/lower/dev && chroot $fl/lower sh -c 'cd /src &&
	dpkg-source -x -q $(basename "$dsc") tree >/dev/null 2>&1 &&
	apt-get -q update >/dev/null && apt-get -q -y build-dep ./tree >/dev/null && rm -rf tree'" ||
	{ echo "the floor's build dependencies did not install" >&2; exit 1; }
for run in 1 2 3; do
	mkdir -p "$fl/up$run" "$fl/work$run" "$fl/root$run"
	t0=$(now)
	# (no network but loopback, up as bpo's and sbuild's builds have it)
	unshare --mount --pid --net --fork sh -c "ip link set lo up &&
		mount -t overlay overlay -o lowerdir=$fl/lower,upperdir=$fl/up$run,workdir=$fl/work$run $fl/root$run &&
		mount -t proc proc $fl/root$run/proc && mount --rbind /dev $fl/root$run/dev &&
		chroot $fl/root$run sh -c 'cd /src && dpkg-source -x -q $(basename "$dsc") tree >/dev/null 2>&1 &&
			cd tree && dpkg-buildpackage -b -us -uc >/dev/null 2>&1'" ||
		{ echo "the floor's build failed" >&2; exit 1; }
	t1=$(now)
	T[floor$run]=$(secs "$t0" "$t1")
	printf '%-22s %7s s\n' "floor run $run" "${T[floor$run]}"
done
floor=$(printf '%s\n' "${T[floor1]}" "${T[floor2]}" "${T[floor3]}" | sort -n | sed -n 2p)

echo "== wall clock (the floor: the median of its 3 runs, $floor s)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }
printf '| %-22s | %8s | %8s |\n' "run" "seconds" "/ floor"
printf '|%s|%s|%s|\n' "------------------------" "----------" "----------"
for k in cold warm sbuild1 sbuild2; do
	name=$k; case $k in cold|warm) name="bpo $k" ;; sbuild*) name="sbuild run ${k#sbuild}" ;; esac
	printf '| %-22s | %8s | %8s |\n' "$name" "${T[$k]}" "$(ratio "${T[$k]}" "$floor")"
done
printf '| %-22s | %8s | %8s |\n' "floor" "$floor" "1.0x"
echo "sbuild (run 2) / bpo warm: $(ratio "${T[sbuild2]}" "${T[warm]}"); sbuild overhead over the floor $(awk -v a="${T[sbuild2]}" -v f="$floor" 'BEGIN { printf "%.1f", a - f }') s, bpo's (warm) $(awk -v a="${T[warm]}" -v f="$floor" 'BEGIN { printf "%.1f", a - f }') s"
