#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real-world corpus (bench/real-world.md): for each recipe in
# bench/real-world/ (real trixie/sid source packages on the Debian mirror,
# backported to bookworm), one at a time: `bpo build --json` into a fresh
# signed repository of its own, then sbuild --chroot-mode=unshare on the same
# source (the backport source bpo made, or the original when bpo stopped
# before that) with the same bookworm image tarball. Prints one table:
# package, bpo result and stage, bpo seconds (all stages, qa included), bpo
# seconds without autopkgtest (sbuild runs neither autopkgtest nor the
# install/upgrade checks here), sbuild result, sbuild seconds. Not part of make check: it needs the mirror
# (read from the machine's apt sources, or $BPO_MIRROR) and about an hour.
# Run as root; sbuild runs as $BPO_RW_USER (default bpo-rootless, made by
# .ci/setup.d/20-build-user.sh), as sbuild must not run as root.
#   BPO=/path/to/bpo bench/real-world.sh [RECIPE.yaml...]
# Logs and results: $BPO_RW_DIR (default /var/tmp/bpo-real-world).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BPO:=$top/build/bpo}"
: "${BPO_RW_DIR:=/var/tmp/bpo-real-world}"
: "${BPO_RW_USER:=bpo-rootless}"
: "${BPO_RW_SBUILD:=1}"
arch=$(dpkg --print-architecture)
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
command -v sbuild >/dev/null || { echo "install sbuild" >&2; exit 2; }
id "$BPO_RW_USER" >/dev/null 2>&1 || { echo "no user $BPO_RW_USER: bash .ci/setup.d/20-build-user.sh" >&2; exit 2; }
mirror=${BPO_MIRROR:-$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null)}
[ -n "$mirror" ] || mirror=$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || { echo "no mirror in the apt sources: set BPO_MIRROR" >&2; exit 2; }

mkdir -p "$BPO_RW_DIR"
# the changelog entry's maintainer, as a maintainer's environment has it
export DEBFULLNAME="${DEBFULLNAME:-bpo real-world corpus}" DEBEMAIL="${DEBEMAIL:-rw@example.org}"
export BPO_CACHE_DIR="${BPO_CACHE_DIR:-$BPO_RW_DIR/cache}"
export BPO_CHROOT_DIR="${BPO_CHROOT_DIR:-$top/chroot}"
tarball="$BPO_CACHE_DIR/chroots/bookworm-$arch.tar.zst"
if [ ! -f "$tarball" ]; then
	echo "== making the bookworm image (bpo chroot create)"
	"$BPO" chroot create bookworm || exit 1
fi
chmod 755 "$BPO_RW_DIR"
chmod o+r "$tarball"

# a throwaway signing key for the repositories
gh="$BPO_RW_DIR/gnupg"
if [ ! -d "$gh" ]; then
	mkdir -m 700 "$gh"
	gpg --homedir "$gh" --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key "bpo real-world <rw@example.invalid>" ed25519 sign never
fi
fpr=$(gpg --homedir "$gh" --with-colons --list-secret-keys | awk -F: '/^fpr/ && !n++ { print $10 }')

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

recipes=("$@")
[ ${#recipes[@]} -gt 0 ] || recipes=("$top"/bench/real-world/*.yaml)
table="$BPO_RW_DIR/table.txt"
printf '%-26s %-22s %8s %8s  %-12s %8s\n' package bpo "bpo s" "-apt s" sbuild "sbuild s" >"$table"
for r in "${recipes[@]}"; do
	name=$(basename "$r" .yaml)
	d="$BPO_RW_DIR/$name"
	rm -rf "$d"
	mkdir -p "$d"
	"$BPO" repo init "$d/repo" --origin bpo-rw --label bpo-rw --suite bookworm-backports \
		--arch "$arch" --key "$fpr" --gnupghome "$gh" >/dev/null || exit 1
	echo "== $name: bpo build" >&2
	t0=$(now)
	GNUPGHOME="$gh" "$BPO" build "$r" --repo "$d/repo" --work-dir "$d/work" --json \
		>"$d/bpo.json" 2>"$d/bpo.err"
	t1=$(now)
	bsec=$(secs "$t0" "$t1")
	# the result, and the seconds without autopkgtest (which sbuild does not run)
	read -r bres asec < <(python3 - "$d/bpo.json" "$bsec" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print("error(no-json) -"); sys.exit()
a = ((r.get("qa") or {}).get("checks") or {}).get("autopkgtest") or {}
wo = "%.1f" % (float(sys.argv[2]) - float(a.get("seconds") or 0))
if r.get("exit") == 0:
    print(("published" if r.get("stage") == "done" else "ok:" + str(r.get("stage"))), wo)
else:
    print("FAIL:%s(%s)" % (r.get("stage"), r.get("exit")), wo)
PY
)
	sres=- ssec=-
	if [ "$BPO_RW_SBUILD" = 1 ]; then
		# the same source: bpo's backport source package, else the original
		dsc=$(ls "$d"/work/source/*.dsc 2>/dev/null | head -1)
		if [ -z "$dsc" ]; then
			"$BPO" fetch "$r" --dest "$d/orig" >/dev/null 2>"$d/fetch.err"
			dsc=$(ls "$d"/orig/*.dsc 2>/dev/null | head -1)
		fi
		if [ -n "$dsc" ]; then
			sb="$d/sbuild"
			mkdir -p "$sb"
			cp "$(dirname "$dsc")"/*.dsc "$(dirname "$dsc")"/*.tar.* "$sb/" 2>/dev/null
			chown -R "$BPO_RW_USER" "$sb"
			extra=()
			if grep -q 'uri: mirror' "$r"; then
				extra=(--extra-repository="deb $mirror bookworm-backports main"
					--build-dep-resolver=aptitude)
			fi
			echo "== $name: sbuild" >&2
			t0=$(now)
			if runuser -u "$BPO_RW_USER" -- env -C "$sb" HOME="$sb" sbuild --chroot-mode=unshare \
				--chroot="$tarball" -d bookworm --arch="$arch" --no-source --arch-any --arch-all \
				--run-lintian --no-run-autopkgtest --no-run-piuparts --nolog "${extra[@]}" \
				"$sb/$(basename "$dsc")" >"$d/sbuild.out" 2>&1; then
				sres=built
			else
				sres=FAIL
				grep -q 'dependencies.*not satisf\|unmet\|Dependency installation failed' \
					"$d/sbuild.out" && sres=FAIL:deps
			fi
			t1=$(now)
			ssec=$(secs "$t0" "$t1")
		else
			sres=no-source
		fi
	fi
	printf '%-26s %-22s %8s %8s  %-12s %8s\n' "$name" "$bres" "$bsec" "$asec" "$sres" "$ssec" | tee -a "$table"
done
echo
cat "$table"
