#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A source without Rules-Requires-Root (the default of dpkg: binary targets
# need root, so dpkg-buildpackage runs them under fakeroot) and without
# fakeroot in its Build-Depends builds: bpo installs build-essential and
# fakeroot in every build root, as sbuild does. The binary target ran as
# (fake) uid 0, the build target as the build user.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image

tmp=$(mktemp -d)
cleanup() { drop_private_cache; rm -rf "$tmp"; }
trap cleanup EXIT
private_cache

cp -r "$BPO_SRCDIR/tests/data/build/bpo-hello" "$tmp/"
chmod -R u+w "$tmp/bpo-hello"
sed -i '/^Rules-Requires-Root:/d' "$tmp/bpo-hello/debian/control"
grep -q fakeroot "$tmp/bpo-hello/debian/control" && fail "the fixture names fakeroot"
cat >>"$tmp/bpo-hello/debian/rules" <<'RULES'

override_dh_fixperms:
	@echo "BPO-PROBE binary-uid=$$(id -u)"
	dh_fixperms
RULES
chmod +x "$tmp/bpo-hello/debian/rules"
(cd "$tmp" && dpkg-source -q -b bpo-hello >/dev/null 2>&1) || fail "dpkg-source -b failed"

"$BPO" build "$tmp/bpo-hello_1.0.dsc" --release bookworm --result "$tmp/out" --json \
	>"$tmp/json" 2>"$tmp/err" || { cat "$tmp/err"; fail "bpo build failed without Rules-Requires-Root"; }
arch=$(dpkg --print-architecture)
log="$tmp/out/bpo-hello_1.0_$arch.build"
[ -f "$tmp/out/bpo-hello_1.0_$arch.deb" ] || fail "no .deb: $(ls "$tmp/out")"
grep -q 'fakeroot debian/rules binary' "$log" || fail "dpkg-buildpackage did not use fakeroot"
grep -q '^BPO-PROBE binary-uid=0$' "$log" || fail "the binary target did not run as fake root"
grep -q '^BPO-PROBE uid=1000$' "$log" || fail "the build target did not run as the build user"
# the files in the .deb belong to root, as fakeroot makes them
dpkg-deb -c "$tmp/out/bpo-hello_1.0_$arch.deb" | grep ' \./usr/bin/bpo-hello$' |
	grep -q 'root/root' || fail "the binary is not owned by root/root in the .deb"
echo "PASS: no Rules-Requires-Root: built under fakeroot"
