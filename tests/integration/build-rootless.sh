#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Rootless bpo build: as the ordinary user made by .ci/setup.d/20-build-user.sh
# (runuser -u USER -- bpo build ...), through a user namespace mapped with
# newuidmap/newgidmap from /etc/subuid and /etc/subgid. And a user without
# subordinate ids is told which lines to add.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image
need_rootless_user
user=$ROOTLESS_USER

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
arch=$(dpkg --print-architecture)
rootless_home "$tmp"
mkdir "$tmp/src"
dsc=$(make_dsc "$tmp/src")
chown -R "$user" "$tmp/cache" "$tmp/src"
before=$(BPO_CACHE_DIR="$tmp/cache" mounts)

as_user() {
	runuser -u "$user" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/nonexistent \
		BPO_CACHE_DIR="$tmp/cache" BPO_CHROOT_DIR="$tmp/chroot" "$@"
}
as_user "$tmp/bpo" build "$dsc" --release bookworm --result "$tmp/src/out" \
	>"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "rootless bpo build failed"; }
deb="$tmp/src/out/bpo-hello_1.0_$arch.deb"
log="$tmp/src/out/bpo-hello_1.0_$arch.build"
[ -f "$deb" ] || fail "no .deb: $(ls "$tmp/src/out")"
[ "$(stat -c %U "$deb")" = "$user" ] || fail "the .deb is not owned by $user"
info=$(dpkg-deb -I "$deb")
grep -q '^ Package: bpo-hello$' <<<"$info" || fail "dpkg-deb -I: wrong package"
grep -q 'rootless, user namespace' "$log" || fail "the log does not say rootless"
grep -q '^BPO-PROBE uid=1000$' "$log" || fail "not uid 1000 inside"
grep -q '^BPO-PROBE interfaces=lo $' "$log" || fail "interfaces other than lo"
grep -q '^BPO-PROBE self-connect=ok$' "$log" || fail "no loopback inside the build"
left=$(find "$tmp/cache/chroots/tmp" -mindepth 1 -maxdepth 1 2>/dev/null)
[ -z "$left" ] || fail "temporary directories left: $left"
[ "$(BPO_CACHE_DIR="$tmp/cache" mounts)" = "$before" ] || fail "mounts under the cache left behind"

# a user without subordinate ids: a clear error naming the lines to add
nobody=nobody
if grep -q "^$nobody:" /etc/subuid; then
	echo "note: $nobody has sub-ids; not checking the missing-range message"
else
	set +e
	runuser -u "$nobody" -- env BPO_CACHE_DIR="$tmp/nobody" BPO_CHROOT_DIR="$tmp/chroot" \
		"$tmp/bpo" build "$dsc" --release bookworm --result "$tmp/nobody-out" 2>"$tmp/err2"
	st=$?
	set -e
	[ "$st" = 1 ] || fail "no sub-ids: exit $st, expected 1: $(cat "$tmp/err2")"
	grep -q "/etc/subuid" "$tmp/err2" && grep -q "$nobody:100000:65536" "$tmp/err2" &&
		grep -q "/etc/subgid" "$tmp/err2" || fail "unclear sub-id message: $(cat "$tmp/err2")"
fi
echo "PASS: rootless build as $user"
