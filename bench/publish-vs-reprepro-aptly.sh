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
# Needs: reprepro, aptly, gnupg, python3 (apt-get install reprepro aptly gnupg).
set -euo pipefail
: "${BPO:=$(cd "$(dirname "$0")/.." && pwd)/build/bpo}"
: "${BENCH_N:=1000 10000}"
for t in "$BPO" reprepro aptly gpg python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "missing: $t" >&2; exit 2; }
done
w=$(mktemp -d "${TMPDIR:-/tmp}/bpo-bench.XXXXXX")
cleanup() {
	gpgconf --homedir "$w/gnupg" --kill all >/dev/null 2>&1 || true
	rm -rf "$w"
}
trap cleanup EXIT
export GNUPGHOME=$w/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
	--quick-gen-key 'bench <bench@example.invalid>' ed25519 sign never 2>/dev/null
fpr=$(gpg --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/ && !n++ { print $10 }')

# gen DIR SOURCE COUNT: COUNT tiny .debs of source SOURCE and a .changes per 1000
# of them (bench/lib/gen-debs.py).
gen() {
	python3 "$(dirname "$0")/lib/gen-debs.py" "$@" 1000
}

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
ratio() { python3 -c "import sys; print('%.1fx' % (float(sys.argv[1]) / max(float(sys.argv[2]), 0.001)))" "$1" "$2"; }

gen "$w/extra" extra 1
printf '%-7s %-14s %9s %10s %10s %10s   %s\n' N case bpo "bpo(gz)" reprepro aptly \
	"reprepro/bpo, aptly/bpo, reprepro/bpo(gz)"
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
		printf '%-7s %-14s %8ss %9ss %9ss %9ss   %s, %s, %s\n' "$n" "$label" "${T[bpo_$c]}" \
			"${T[bgz_$c]}" "${T[rr_$c]}" "${T[ap_$c]}" "$(ratio "${T[rr_$c]}" "${T[bpo_$c]}")" \
			"$(ratio "${T[ap_$c]}" "${T[bpo_$c]}")" "$(ratio "${T[rr_$c]}" "${T[bgz_$c]}")"
	done
	unset T
	rm -rf "$d" "$w/bpo-$n" "$w/bpogz-$n" "$w/rr-$n" "$w/aptly-$n"
done
