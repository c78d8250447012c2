#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo qa as an ordinary user (user namespace with /etc/subuid ranges): the
# install and upgrade checks of the bpo-qa-bad fixture (tests/data/qa) fail
# as they do as root (deps: apt's message; purge: dpkg's message about the
# postrm), the report and log belong to the user, and nothing is left behind.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image
user=${BPO_TEST_USER:-bpo-rootless}
getent passwd "$user" >/dev/null || skip "no user $user (run .ci/setup.d/20-build-user.sh)"
grep -q "^$user:" /etc/subuid && grep -q "^$user:" /etc/subgid ||
	skip "$user has no /etc/subuid and /etc/subgid ranges (run .ci/setup.d/20-build-user.sh)"
command -v newuidmap >/dev/null || skip "newuidmap missing (package uidmap)"

tmp=$(mktemp -d)
trap 'drop_private_cache; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
arch=$(dpkg --print-architecture)
install -m 0755 "${BPO_BIN:-$BPO}" "$tmp/bpo" # the binary ($BPO may be bpo-json, a script)

# the fixture, built as root in a private cache
private_cache
mkdir "$tmp/src"
cp -r "$BPO_SRCDIR/tests/data/qa/bpo-qa-bad" "$tmp/src/"
chmod -R u+w "$tmp/src/bpo-qa-bad"
chmod +x "$tmp/src/bpo-qa-bad/debian/rules"
(cd "$tmp/src" && dpkg-source -q -b bpo-qa-bad >/dev/null 2>&1) || fail "dpkg-source -b bpo-qa-bad"
"$BPO" build "$tmp/src/bpo-qa-bad_1.0~bpo12+1.dsc" --release bookworm --result "$tmp/bad" \
	>/dev/null 2>"$tmp/build.err" || { cat "$tmp/build.err"; fail "bpo build bpo-qa-bad"; }

# the user's own cache: the image (linked), unpacked by bpo as that user
mkdir -p "$tmp/chroot" "$tmp/cache/chroots"
cp "$BPO_SRCDIR/chroot/bookworm.yaml" "$tmp/chroot/"
cp "$BPO_TEST_CACHE/bpo-cache/chroots/bookworm-$arch.meta" "$tmp/cache/chroots/"
ln -s "$BPO_TEST_CACHE/bpo-cache/chroots/bookworm-$arch.tar.zst" "$tmp/cache/chroots/"
chown -R "$user" "$tmp/cache" "$tmp/bad"
before=$(BPO_CACHE_DIR="$tmp/cache" mounts)

st=0
runuser -u "$user" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/nonexistent \
	BPO_CACHE_DIR="$tmp/cache" BPO_CHROOT_DIR="$tmp/chroot" \
	"$tmp/bpo" qa "$tmp/bad/bpo-qa-bad_1.0~bpo12+1_${arch}.changes" --release bookworm \
	--lintian skip --autopkgtest skip --json >"$tmp/out.json" 2>"$tmp/err" || st=$?
[ "$st" = 1 ] || { cat "$tmp/err" "$tmp/out.json"; fail "rootless qa: exit $st, expected 1"; }
python3 - "$tmp/out.json" <<'PY' || fail "rootless qa: wrong report: $(cat "$tmp/out.json")"
import json, sys
r = json.load(open(sys.argv[1]))
c = r["checks"]
assert r["fatal"] is True, r
i = c["install"]
assert i["status"] == "failed" and i["class"] == "deps", i
assert any(x["name"] == "bpo-qa-bad-nodeps" and "bpo-qa-no-such-package-in-bookworm" in x["message"]
           for x in i["items"]), i
u = c["upgrade"]
assert u["status"] == "failed" and u["class"] == "purge", u
assert any(x["name"] == "bpo-qa-bad-postrm" and "post-removal script" in x["message"]
           for x in u["items"]), u
PY
json_valid qa "$tmp/out.json" # (run as the user, not through bpo-json)
log="$tmp/bad/bpo-qa-bad_1.0~bpo12+1_${arch}.qa"
[ "$(stat -c %U "$log")" = "$user" ] || fail "the QA log is not owned by $user"
left=$(find "$tmp/cache/chroots/tmp" -mindepth 1 -maxdepth 1 2>/dev/null)
[ -z "$left" ] || fail "temporary directories left: $left"
[ "$(BPO_CACHE_DIR="$tmp/cache" mounts)" = "$before" ] || fail "mounts under the cache left behind"
echo "PASS: rootless bpo qa as $user"
