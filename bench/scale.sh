#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Growth: for each N in $BENCH_N (default "1000 10000 30000 100000"), N tiny
# generated .debs (bench/lib/gen-debs.py) are published into an empty signed
# suite by bpo, reprepro, aptly and apt-ftparchive, then one more package is
# added; each command's wall time and peak RSS (GNU time) are printed, one
# line per tool and size, and at the end the curve: seconds per 1,000
# packages of the full publish and the add-1 time per size, for each tool.
# bpo must be linear or better in N, its add-1 near constant (issue 19).
# apt-ftparchive's runs copy the .debs into a pool and add the .gz, .xz and
# the two gpg signatures it does not make itself (its --db cache kept).
#   BPO=build/bpo bash bench/scale.sh
# Needs reprepro, aptly, apt-utils, gnupg, xz-utils, python3, GNU time
# (apt-get install reprepro aptly apt-utils gnupg xz-utils time).
set -euo pipefail
: "${BPO:=$(cd "$(dirname "$0")/.." && pwd)/build/bpo}"
: "${BENCH_N:=1000 10000 30000 100000}"
lib=$(cd "$(dirname "$0")" && pwd)/lib
for t in "$BPO" reprepro aptly apt-ftparchive gpg python3 xz /usr/bin/time; do
	command -v "$t" >/dev/null 2>&1 || { echo "missing: $t" >&2; exit 2; }
done
. "$(dirname "$0")/lib/common.sh"
bench_init bpo-scale
python3 "$lib/gen-debs.py" "$w/extra" extra 1 1000

declare -A S R
# measure KEY CMD...: wall seconds and peak RSS (MB) of CMD into S[KEY], R[KEY]
measure() {
	local k=$1
	shift
	/usr/bin/time -f "%e %M" -o "$w/time" "$@" >/dev/null 2>"$w/err" ||
		{ cat "$w/err" >&2; echo "failed: $*" >&2; exit 1; }
	read -r s kb <"$w/time"
	S[$k]=$s
	R[$k]=$(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }')
}
export -f ftp_publish

printf '%-8s %-15s %10s %8s %10s %8s\n' N tool "publish s" "MB" "add-1 s" "MB"
for n in $BENCH_N; do
	d=$w/debs-$n
	python3 "$lib/gen-debs.py" "$d" bench "$n" 1000
	sync
	# bpo
	"$BPO" -q repo init "$w/bpo" --origin bench --label bench --suite bench --arch amd64 \
		--key "$fpr" --gnupghome "$GNUPGHOME"
	measure bpo-full sh -c '"$0" -q publish "$1"/*.changes --repo "$2" --suite bench' "$BPO" "$d" "$w/bpo"
	measure bpo-one "$BPO" -q publish "$w/extra"/*.changes --repo "$w/bpo" --suite bench
	# reprepro
	mkdir -p "$w/rr/conf"
	printf 'Codename: bench\nArchitectures: amd64\nComponents: main\nSignWith: %s\n' "$fpr" \
		>"$w/rr/conf/distributions"
	# (in batches without exporting, then one export: N paths exceed ARG_MAX)
	measure rr-full sh -c 'find "$1" -name "*.deb" -print0 |
		xargs -0 reprepro -s -b "$0" --export=never includedeb bench &&
		reprepro -s -b "$0" export bench' "$w/rr" "$d"
	measure rr-one sh -c 'reprepro -s -b "$0" includedeb bench "$1"/*.deb' "$w/rr" "$w/extra"
	# aptly
	printf '{"rootDir": "%s", "gpgProvider": "gpg2", "architectures": ["amd64"]}\n' \
		"$w/aptly" >"$w/aptly.conf"
	aptly -config="$w/aptly.conf" repo create -distribution=bench -component=main bench >/dev/null
	measure ap-full sh -c 'aptly -config="$0" repo add bench "$1" && aptly -config="$0" publish repo -gpg-key="$2" -batch bench' \
		"$w/aptly.conf" "$d" "$fpr"
	measure ap-one sh -c 'aptly -config="$0" repo add bench "$1" && aptly -config="$0" publish update -gpg-key="$2" -batch bench' \
		"$w/aptly.conf" "$w/extra" "$fpr"
	# apt-ftparchive
	measure ftp-full bash -c 'mkdir -p "$0/pool/main/b/bench" &&
		find "$1" -name "*.deb" -exec cp -t "$0/pool/main/b/bench/" {} + && ftp_publish "$0"' \
		"$w/ftp" "$d"
	measure ftp-one bash -c 'mkdir -p "$0/pool/main/e/extra" && cp "$1"/*.deb "$0/pool/main/e/extra/" && ftp_publish "$0"' \
		"$w/ftp" "$w/extra"
	[ "$(grep -c '^Package:' "$w/bpo/dists/bench/main/binary-amd64/Packages")" = $((n + 1)) ] ||
		{ echo "bpo's index does not list $((n + 1)) packages" >&2; exit 1; }
	for t in bpo rr ap ftp; do
		name=$t; case $t in rr) name=reprepro ;; ap) name=aptly ;; ftp) name=apt-ftparchive ;; esac
		printf '%-8s %-15s %10s %8s %10s %8s\n' "$n" "$name" "${S[$t-full]}" "${R[$t-full]}" \
			"${S[$t-one]}" "${R[$t-one]}"
		echo "$n $name ${S[$t-full]} ${R[$t-full]} ${S[$t-one]} ${R[$t-one]}" >>"$w/curve"
	done
	rm -rf "$d" "$w/bpo" "$w/rr" "$w/aptly" "$w/aptly.conf" "$w/ftp"
done

echo "== the curve: seconds per 1,000 packages (full publish), and add-1 seconds, by N"
for name in bpo reprepro aptly apt-ftparchive; do
	printf '%-15s' "$name"
	awk -v t="$name" '$2 == t { printf "  N=%s: %.3f s/1k, add-1 %s s, %s MB", $1, $3 / ($1 / 1000), $5, $4 }' "$w/curve"
	echo
done
