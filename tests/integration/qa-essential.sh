#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo qa's upgrade check on an Essential: yes, Priority: required package that
# the image has installed (a stand-in "hostname", above bookworm's 3.23-1):
# the release's version, then the backport, then down to the release's
# version and up again; it is never removed (apt would refuse: Essential
# packages were removed). Real chroot, real apt.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image

tmp=$(mktemp -d)
trap 'drop_private_cache; rm -rf "$tmp"' EXIT
private_cache
v=3.24-1~bpo12+1
deb="hostname_${v}_all.deb"
mkdir -p "$tmp/pkg/DEBIAN" "$tmp/pkg/usr/share/doc/hostname" "$tmp/out"
echo "bpo qa-essential stand-in" >"$tmp/pkg/usr/share/doc/hostname/README"
cat >"$tmp/pkg/DEBIAN/control" <<CTRL
Package: hostname
Version: $v
Architecture: all
Essential: yes
Priority: required
Section: admin
Maintainer: bpo tests <tests@example.invalid>
Description: bpo test stand-in for hostname
CTRL
dpkg-deb --root-owner-group -Zgzip -b "$tmp/pkg" "$tmp/out/$deb" >/dev/null
sz=$(stat -c %s "$tmp/out/$deb")
cat >"$tmp/out/hostname_${v}_all.changes" <<CH
Format: 1.8
Date: Thu, 03 Dec 2026 00:00:00 +0000
Source: hostname
Binary: hostname
Architecture: all
Version: $v
Distribution: bookworm-backports
Urgency: medium
Maintainer: bpo tests <tests@example.invalid>
Changed-By: bpo tests <tests@example.invalid>
Description:
 hostname - bpo test stand-in for hostname
Changes:
 hostname ($v) bookworm-backports; urgency=medium
 .
   * Test.
Checksums-Sha1:
 $(sha1sum <"$tmp/out/$deb" | cut -d' ' -f1) $sz $deb
Checksums-Sha256:
 $(sha256sum <"$tmp/out/$deb" | cut -d' ' -f1) $sz $deb
Files:
 $(md5sum <"$tmp/out/$deb" | cut -d' ' -f1) $sz admin required $deb
CH
st=0
"$BPO" qa "$tmp/out/hostname_${v}_all.changes" --release bookworm --lintian skip \
	--autopkgtest skip --regression skip --json >"$tmp/qa.json" 2>"$tmp/qa.err" || st=$?
[ "$st" = 0 ] || { cat "$tmp/qa.err"; fail "bpo qa of an Essential package: exit $st"; }
python3 - "$tmp/qa.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
u = r["checks"]["upgrade"]
assert u["status"] == "passed", u
assert "1 of the base system downgraded and upgraded again" in u["summary"], u
assert r["checks"]["install"]["status"] == "passed", r["checks"]["install"]
PY
grep -q 'Essential packages were removed' "$tmp/qa.err" && fail "apt was asked to remove an Essential package"
echo "PASS: qa of an Essential package: upgrade, downgrade, upgrade again, no removal"
