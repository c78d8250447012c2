#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Incoming-queue benchmark: `bpo incoming process` against `reprepro
# processincoming`, same machine, same run, same uploads. A suite of
# $BENCH_BASE tiny packages (default 10000) is made first in each tool's
# repository (not timed); then the same $BENCH_UPLOADS signed uploads
# (default 100; one .deb of a new package each, a .changes clearsigned by the
# uploader's key, which both tools check against their uploaders setting) are
# put into each tool's queue and processed in one run. Prints the wall times
# and the ratio reprepro/bpo.
#
#   BPO=build/bpo bench/incoming-vs-reprepro.sh
#
# Needs: reprepro, gnupg, python3 (apt-get install reprepro gnupg).
set -euo pipefail
: "${BPO:=$(cd "$(dirname "$0")/.." && pwd)/build/bpo}"
: "${BENCH_BASE:=10000}" "${BENCH_UPLOADS:=100}"
for t in "$BPO" reprepro gpg python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "missing: $t" >&2; exit 2; }
done
. "$(dirname "$0")/lib/common.sh"
bench_init bpo-bench-incoming
gpg --export >"$w/uploaders.gpg"

# gen DIR SOURCE COUNT PER: COUNT tiny .debs (ar + tar.gz written by python)
# and one .changes per PER of them (Distribution bench, unsigned)
gen() {
	python3 "$(dirname "$0")/lib/gen-debs.py" "$@"
}

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
ratio() { python3 -c "import sys; print('%.1fx' % (float(sys.argv[1]) / max(float(sys.argv[2]), 0.001)))" "$1" "$2"; }

echo "== generating $BENCH_BASE packages and $BENCH_UPLOADS signed uploads"
gen "$w/base" base "$BENCH_BASE" 1000
gen "$w/up" upl "$BENCH_UPLOADS" 1
for c in "$w"/up/*.changes "$w"/base/*.changes; do
	gpg --batch --quiet --local-user "$fpr" --clearsign -o "$c.asc" "$c" && mv "$c.asc" "$c"
done

echo "== the $BENCH_BASE-package suites (not timed)"
"$BPO" -q repo init "$w/bpo" --origin bench --label bench --suite bench --arch amd64 \
	--key "$fpr" --gnupghome "$GNUPGHOME" --uploaders "bench=$w/uploaders.gpg"
"$BPO" -q publish "$w"/base/*.changes --repo "$w/bpo" --suite bench
mkdir -p "$w/rr/conf" "$w/rr-in" "$w/rr-tmp"
printf 'Codename: bench\nArchitectures: amd64\nComponents: main\nSignWith: %s\nUploaders: uploaders\n' \
	"$fpr" >"$w/rr/conf/distributions"
printf 'allow * by key %s\n' "${fpr: -16}" >"$w/rr/conf/uploaders"
printf 'Name: in\nIncomingDir: %s\nTempDir: %s\nAllow: bench\nCleanup: on_deny on_error\n' \
	"$w/rr-in" "$w/rr-tmp" >"$w/rr/conf/incoming"
reprepro -s -b "$w/rr" includedeb bench "$w"/base/*.deb >/dev/null 2>&1

mkdir -p "$w/bpo-in"
cp "$w"/up/* "$w/bpo-in/"
cp "$w"/up/* "$w/rr-in/"
s=$(now)
"$BPO" -q incoming process "$w/bpo-in" --repo "$w/bpo" >/dev/null
t_bpo=$(elapsed "$s" "$(now)")
s=$(now)
reprepro -s -b "$w/rr" processincoming in >/dev/null 2>&1
t_rr=$(elapsed "$s" "$(now)")

n_bpo=$(grep -c '^Package:' "$w/bpo/dists/bench/main/binary-amd64/Packages")
n_rr=$(grep -c '^Package:' "$w/rr/dists/bench/main/binary-amd64/Packages")
[ "$n_bpo" = $((BENCH_BASE + BENCH_UPLOADS)) ] || { echo "bpo published $n_bpo packages" >&2; exit 1; }
[ "$n_rr" = $((BENCH_BASE + BENCH_UPLOADS)) ] || { echo "reprepro published $n_rr packages" >&2; exit 1; }
printf '%-44s %9s %9s   %s\n' case bpo reprepro reprepro/bpo
printf '%-44s %8ss %8ss   %s\n' "$BENCH_UPLOADS uploads into a $BENCH_BASE-package suite" \
	"$t_bpo" "$t_rr" "$(ratio "$t_rr" "$t_bpo")"
