#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Publishing benchmark: bpo against reprepro and aptly, same machine, same run.
# For each N in $BENCH_N (default "1000 10000") tiny generated .debs are
# published into an empty signed suite by each tool; then one more package is
# added to the N-package suite (the incremental case). Prints wall times and
# the ratios to bpo. Every tool signs with the same throwaway ed25519 key.
# bpo writes Packages, .gz and .xz by default; "bpo(gz)" is bpo with
# --compress gz, the same index set as reprepro's default (plain + .gz).
#
#   BPO=build/bpo bench/publish-vs-reprepro-aptly.sh
#
# apt-ftparchive's column copies the .debs into a pool and adds the .gz, .xz
# and the two signatures it does not make itself.
#
# Needs: reprepro, aptly, apt-utils, gnupg, python3 (apt-get install reprepro
# aptly apt-utils gnupg).
set -euo pipefail
: "${BPO:=$(cd "$(dirname "$0")/.." && pwd)/build/bpo}"
: "${BENCH_N:=1000 10000}"
for t in "$BPO" reprepro aptly apt-ftparchive gpg python3 xz; do
	command -v "$t" >/dev/null 2>&1 || { echo "missing: $t" >&2; exit 2; }
done
. "$(dirname "$0")/lib/common.sh"
bench_init bpo-bench

# gen DIR SOURCE COUNT: COUNT tiny .debs of source SOURCE and a .changes per 1000
# of them (bench/lib/gen-debs.py).
gen() {
	python3 "$(dirname "$0")/lib/gen-debs.py" "$@" 1000
}

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
ratio() { python3 -c "import sys; print('%.1fx' % (float(sys.argv[1]) / max(float(sys.argv[2]), 0.001)))" "$1" "$2"; }

gen "$w/extra" extra 1
printf '%-7s %-14s %9s %10s %10s %10s %10s   %s\n' N case bpo "bpo(gz)" reprepro aptly \
	apt-ftparchive "reprepro/bpo, aptly/bpo, reprepro/bpo(gz), apt-ftparchive/bpo"
for n in $BENCH_N; do
	d=$w/debs-$n
	gen "$d" bench "$n"
	declare -A T=()

	# bpo
	"$BPO" -q repo init "$w/bpo-$n" --origin bench --label bench --suite bench --arch amd64 \
		--key "$fpr" --gnupghome "$GNUPGHOME"
	s=$(now)
	"$BPO" -q publish "$d"/*.changes --repo "$w/bpo-$n" --suite bench
	T[bpo_full]=$(elapsed "$s" "$(now)")
	s=$(now)
	"$BPO" -q publish "$w/extra"/*.changes --repo "$w/bpo-$n" --suite bench
	T[bpo_one]=$(elapsed "$s" "$(now)")
	[ "$(grep -c '^Package:' "$w/bpo-$n/dists/bench/main/binary-amd64/Packages")" = $((n + 1)) ]
	# the .gz and .xz (compressed at the same time) hold the same index
	p=$w/bpo-$n/dists/bench/main/binary-amd64/Packages
	zcat "$p.gz" | cmp -s - "$p" && xzcat "$p.xz" | cmp -s - "$p" ||
		{ echo "bpo's Packages.gz or .xz differs from Packages" >&2; exit 1; }
	# bpo with the index set reprepro writes by default (plain + .gz, no .xz)
	"$BPO" -q repo init "$w/bpogz-$n" --origin bench --label bench --suite bench --arch amd64 \
		--key "$fpr" --gnupghome "$GNUPGHOME" --compress gz
	s=$(now)
	"$BPO" -q publish "$d"/*.changes --repo "$w/bpogz-$n" --suite bench
	T[bgz_full]=$(elapsed "$s" "$(now)")
	s=$(now)
	"$BPO" -q publish "$w/extra"/*.changes --repo "$w/bpogz-$n" --suite bench
	T[bgz_one]=$(elapsed "$s" "$(now)")

	# reprepro
	mkdir -p "$w/rr-$n/conf"
	printf 'Codename: bench\nArchitectures: amd64\nComponents: main\nSignWith: %s\n' "$fpr" \
		>"$w/rr-$n/conf/distributions"
	s=$(now)
	reprepro -s -b "$w/rr-$n" includedeb bench "$d"/*.deb >/dev/null 2>&1
	T[rr_full]=$(elapsed "$s" "$(now)")
	s=$(now)
	reprepro -s -b "$w/rr-$n" includedeb bench "$w/extra"/*.deb >/dev/null 2>&1
	T[rr_one]=$(elapsed "$s" "$(now)")

	# apt-ftparchive, with the compression and the signatures it does not do
	# itself: the .debs copied into a pool, Packages (+ .gz, .xz) and Release
	# written, InRelease and Release.gpg made by gpg (its cache database kept,
	# so adding one reads only the new .deb)
	s=$(now)
	mkdir -p "$w/ftp-$n/pool/main/b/bench"
	cp "$d"/*.deb "$w/ftp-$n/pool/main/b/bench/"
	ftp_publish "$w/ftp-$n"
	T[ftp_full]=$(elapsed "$s" "$(now)")
	s=$(now)
	mkdir -p "$w/ftp-$n/pool/main/e/extra"
	cp "$w/extra"/*.deb "$w/ftp-$n/pool/main/e/extra/"
	ftp_publish "$w/ftp-$n"
	T[ftp_one]=$(elapsed "$s" "$(now)")

	# aptly
	printf '{"rootDir": "%s", "gpgProvider": "gpg2", "architectures": ["amd64"]}\n' \
		"$w/aptly-$n" >"$w/aptly-$n.conf"
	a=(aptly -config="$w/aptly-$n.conf")
	s=$(now)
	"${a[@]}" repo create -distribution=bench -component=main bench >/dev/null
	"${a[@]}" repo add bench "$d" >/dev/null 2>&1
	"${a[@]}" publish repo -gpg-key="$fpr" -batch bench >/dev/null 2>&1
	T[ap_full]=$(elapsed "$s" "$(now)")
	s=$(now)
	"${a[@]}" repo add bench "$w/extra" >/dev/null 2>&1
	"${a[@]}" publish update -gpg-key="$fpr" -batch bench >/dev/null 2>&1
	T[ap_one]=$(elapsed "$s" "$(now)")

	for c in full one; do
		label=$([ $c = full ] && echo "publish $n" || echo "add 1")
		printf '%-7s %-14s %8ss %9ss %9ss %9ss %9ss   %s, %s, %s, %s\n' "$n" "$label" \
			"${T[bpo_$c]}" "${T[bgz_$c]}" "${T[rr_$c]}" "${T[ap_$c]}" "${T[ftp_$c]}" \
			"$(ratio "${T[rr_$c]}" "${T[bpo_$c]}")" "$(ratio "${T[ap_$c]}" "${T[bpo_$c]}")" \
			"$(ratio "${T[rr_$c]}" "${T[bgz_$c]}")" "$(ratio "${T[ftp_$c]}" "${T[bpo_$c]}")"
	done
	unset T
	rm -rf "$d" "$w/bpo-$n" "$w/bpogz-$n" "$w/rr-$n" "$w/aptly-$n" "$w/ftp-$n"
done
