#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo's qa stage against the peers, the same .changes and the same bookworm
# image, the same run, every tool by wall clock around its whole command:
#  1. bpo's install + upgrade (+ purge) checks (bpo qa --lintian skip
#     --autopkgtest skip --regression skip) against piuparts, which does the
#     same (install, remove, purge in a fresh chroot; upgrade from the
#     release's version) with the image as its base tarball (-b);
#  2. bpo's whole qa stage (install, upgrade, lintian, autopkgtest) against
#     piuparts + lintian + autopkgtest run one after the other: lintian on the
#     host (bookworm's, as bpo runs bookworm's), autopkgtest with its null
#     virt server in a fresh overlay of a testbed made once (the image with
#     autopkgtest installed; made untimed, which favours the peer).
# Each pair runs $BPO_QA_RUNS times (default 2), interleaved; the table shows
# the medians and the ratio. The goal of issue 19: bpo's qa stage at most a
# third of the peers' sum.
#   BPO=build/bpo bash bench/qa-vs-piuparts.sh [FILE.changes]
# (default: the quick start's libyaml backport, /var/cache/bpo/work/libyaml/...).
# As root, with the mirror (read from the machine's apt sources, or
# $BPO_MIRROR), piuparts, lintian and autopkgtest installed (apt-get install
# piuparts lintian autopkgtest), and bpo's bookworm image in $BPO_CACHE_DIR
# (default /var/cache/bpo).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BPO:=$top/build/bpo}"
: "${BPO_CACHE_DIR:=/var/cache/bpo}"
export BPO_CACHE_DIR
runs=${BPO_QA_RUNS:-2}
arch=$(dpkg --print-architecture)
changes=$(readlink -f "${1:-/var/cache/bpo/work/libyaml/libyaml_0.2.5-2/result/libyaml_0.2.5-2~bpo12+1_${arch}.changes}")
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
[ -f "$changes" ] || { echo "no $changes: give a .changes (the quick start makes the default)" >&2; exit 2; }
for t in piuparts lintian autopkgtest zstd; do
	command -v "$t" >/dev/null || { echo "install $t" >&2; exit 2; }
done
image=$BPO_CACHE_DIR/chroots/bookworm-$arch.tar.zst
[ -f "$image" ] || { echo "no image $image: bpo chroot create bookworm" >&2; exit 2; }
mirror=${BPO_MIRROR:-$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)}
[ -n "$mirror" ] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "no mirror in the apt sources: set BPO_MIRROR" >&2; exit 2; }
dir=$(dirname "$changes")
dsc=$(ls "$dir"/*.dsc 2>/dev/null | head -1)

w=$(mktemp -d /var/tmp/bpo-qa-bench.XXXXXX)
cleanup() {
	{ grep " $w" /proc/mounts || true; } | awk '{ print $2 }' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$w"
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

echo "== preparing (untimed): piuparts' base tarball from bpo's image, the autopkgtest testbed"
zstd -dc "$image" | gzip -1 >"$w/base.tgz"
mkdir -p "$w/tb"
tar --numeric-owner --exclude='./dev/*' -xpf "$image" -C "$w/tb"
cp /etc/resolv.conf "$w/tb/etc/resolv.conf"
unshare --mount --pid --fork sh -c "mount -t proc proc $w/tb/proc && mount --rbind /dev $w/tb/dev &&
	chroot $w/tb sh -c 'apt-get -q update >/dev/null &&
		apt-get -q -y --no-install-recommends install autopkgtest >/dev/null'" ||
	{ echo "the testbed's autopkgtest did not install" >&2; exit 1; }
mkdir -p "$w/tb/in"
cp "$dir"/* "$w/tb/in/" 2>/dev/null || true

declare -A T
bpo_qa() { # NAME ARGS...
	local name=$1 t0
	shift
	t0=$(now)
	"$BPO" -q qa "$changes" --release bookworm --regression skip "$@" --log "$w/$name.qa" \
		>"$w/$name.out" 2>&1 || { cat "$w/$name.out" >&2; echo "bpo qa failed" >&2; exit 1; }
	T[$name]="${T[$name]:-} $(secs "$t0" "$(now)")"
}
peer_piuparts() { # NAME
	local name=$1 t0
	t0=$(now)
	piuparts -b "$w/base.tgz" -d bookworm -m "$mirror" --no-eatmydata -l "$w/$name.piuparts" \
		"$changes" >/dev/null 2>&1 || { tail -20 "$w/$name.piuparts" >&2; echo "piuparts failed" >&2; exit 1; }
	T[$name]="${T[$name]:-} $(secs "$t0" "$(now)")"
}
peer_lintian() {
	local t0
	t0=$(now)
	lintian "$changes" >"$w/lintian.out" 2>&1 || true # tags are findings, not a failure here
	T[lintian]="${T[lintian]:-} $(secs "$t0" "$(now)")"
}
peer_autopkgtest() { # RUN
	local r=$1 t0
	mkdir -p "$w/up$r" "$w/wk$r" "$w/root$r"
	t0=$(now)
	unshare --mount --pid --fork sh -c "
		mount -t overlay overlay -o lowerdir=$w/tb,upperdir=$w/up$r,workdir=$w/wk$r $w/root$r &&
		mount -t proc proc $w/root$r/proc && mount --rbind /dev $w/root$r/dev &&
		chroot $w/root$r sh -c 'cd /in && autopkgtest ./$(basename "$dsc") ./*.deb -- null'" \
		>"$w/autopkgtest$r.out" 2>&1 || { tail -20 "$w/autopkgtest$r.out" >&2; echo "autopkgtest failed" >&2; exit 1; }
	T[autopkgtest]="${T[autopkgtest]:-} $(secs "$t0" "$(now)")"
}

for r in $(seq "$runs"); do
	echo "== run $r"
	bpo_qa bpo-iu --lintian skip --autopkgtest skip
	peer_piuparts piuparts
	bpo_qa bpo-all
	peer_lintian
	peer_autopkgtest "$r"
	for k in bpo-iu piuparts bpo-all lintian autopkgtest; do printf '%-12s %s\n' "$k" "${T[$k]}"; done
done

m() { tr ' ' '\n' <<<"${T[$1]}" | grep . | median; }
iu=$(m bpo-iu) pp=$(m piuparts) all=$(m bpo-all) li=$(m lintian) at=$(m autopkgtest)
sum=$(awk -v a="$pp" -v b="$li" -v c="$at" 'BEGIN { printf "%.1f", a + b + c }')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "== medians of $runs runs ($(basename "$changes"))"
printf '| %-46s | %8s | %8s | %10s |\n' "work" "bpo s" "peer s" "bpo / peer"
printf '|%s|%s|%s|%s|\n' "------------------------------------------------" "----------" "----------" "------------"
printf '| %-46s | %8s | %8s | %10s |\n' "install + upgrade + purge (peer: piuparts)" "$iu" "$pp" "$(ratio "$iu" "$pp")"
printf '| %-46s | %8s | %8s | %10s |\n' "whole qa (peer: piuparts+lintian+autopkgtest)" "$all" "$sum" "$(ratio "$all" "$sum")"
echo "(the peers: piuparts $pp s, lintian $li s, autopkgtest $at s; goal: bpo / peer at most 0.33)"
