#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Stock apt (bookworm, in a chroot) against a bpo repository served on
# 127.0.0.1: `apt-get update` with a signed-by source succeeds with no warning,
# `apt-get install -t SUITE` installs the published package (by-hash on), and
# apt refuses the repository after a Packages file is edited or Release is
# re-signed with another key. Slow: BPO_SLOW_TESTS=0 skips it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/repo-lib.bash"
slow_test
need_tools gpg gpgconf dpkg-deb dpkg-source dpkg-genchanges python3 chroot
: "${BPO:?BPO must name the bpo binary}"

t=$(mktemp -d "${TMPDIR:-/tmp}/bpo-repo-apt.XXXXXX")
REPO_HTTPD_PID=
cleanup() {
	set +e
	if [ -n "$REPO_HTTPD_PID" ]; then
		kill "$REPO_HTTPD_PID" 2>/dev/null || true
		wait "$REPO_HTTPD_PID" 2>/dev/null || true
	fi
	repo_aptroot_done "$t"
	repo_killagent "$t/gh"
	repo_killagent "$t/other"
	rm -rf "$t"
}
trap cleanup EXIT

repo_aptroot "$t"
arch=$(chroot "$t/root" dpkg --print-architecture)
fpr=$(repo_genkey "$t/gh" repo)
repo_genkey "$t/other" other >/dev/null
R=$t/repo
mkdir -p "$t/up"
"$BPO" -q repo init "$R" --origin "bpo test" --label "bpo test" --suite bookworm-backports \
	--arch "$arch" --key "$fpr" --gnupghome "$t/gh" --by-hash --valid-days 3
c1=$(repo_mkpkg "$t/up" hello 1.0-1 "$arch")
c2=$(repo_mkpkg "$t/up" libfoo 2.0 all libfoo-data)
"$BPO" -q publish "$c1" "$c2" --repo "$R" --suite bookworm-backports
"$BPO" repo verify "$R" >/dev/null
repo_serve "$R" "$t"

mkdir -p "$t/root/etc/apt/keyrings" "$t/root/etc/apt/sources.list.d"
cp "$R/key.asc" "$t/root/etc/apt/keyrings/bpo.asc"
cat >"$t/root/etc/apt/sources.list.d/bpo.sources" <<EOC
Types: deb deb-src
URIs: http://127.0.0.1:$REPO_PORT/
Suites: bookworm-backports
Components: main
Signed-By: /etc/apt/keyrings/bpo.asc
EOC
apt_update() {
	rm -rf "$t/root/var/lib/apt/lists"
	mkdir -p "$t/root/var/lib/apt/lists/partial"
	chroot "$t/root" apt-get -o Acquire::Retries=0 -o Acquire::http::Proxy=false update \
		>"$t/apt.out" 2>&1
}

apt_update || { cat "$t/apt.out" >&2; fail "apt-get update failed on the fresh repository"; }
if grep -E '^(W|E):' "$t/apt.out"; then
	cat "$t/apt.out" >&2
	fail "apt-get update printed warnings or errors"
fi
grep -q "by-hash/SHA256/" "$t/http.log" || fail "apt did not use by-hash: $(cat "$t/http.log")"
chroot "$t/root" apt-get install -y -q -t bookworm-backports hello libfoo-data \
	>"$t/apt.out" 2>&1 || { cat "$t/apt.out" >&2; fail "apt-get install failed"; }
[ "$(chroot "$t/root" dpkg-query -W -f '${Version}' hello)" = 1.0-1 ] || fail "hello not installed"
chroot "$t/root" dpkg-query -W libfoo-data >/dev/null || fail "libfoo-data not installed"
grep -qx "hello 1.0-1" "$t/root/usr/share/doc/hello/README" || fail "installed content"
# NotAutomatic: without -t, the candidate of a not-installed package still comes from it
chroot "$t/root" apt-cache policy hello | grep "100 http://127.0.0.1:$REPO_PORT" >/dev/null ||
	fail "backports pin: $(chroot "$t/root" apt-cache policy hello)"

# an upgrade is seen
c3=$(repo_mkpkg "$t/up" hello 1.1-1 "$arch")
"$BPO" -q publish "$c3" --repo "$R" --suite bookworm-backports
apt_update || { cat "$t/apt.out" >&2; fail "apt-get update after the upgrade"; }
chroot "$t/root" apt-get install -y -q -t bookworm-backports hello >"$t/apt.out" 2>&1 ||
	{ cat "$t/apt.out" >&2; fail "upgrade"; }
[ "$(chroot "$t/root" dpkg-query -W -f '${Version}' hello)" = 1.1-1 ] || fail "hello not upgraded"

# a bad actor edits the Packages indices (in place: by-hash links see it too)
cp -a "$R/dists" "$t/dists.saved"
for f in "$R"/dists/bookworm-backports/main/binary-"$arch"/Packages*; do
	printf '\nPackage: evil\nVersion: 1\n' >>"$f"
done
if apt_update; then cat "$t/apt.out" >&2; fail "apt accepted an edited Packages"; fi
grep -Eq "Hash Sum mismatch|File has unexpected size" "$t/apt.out" ||
	{ cat "$t/apt.out" >&2; fail "no hash error for the edited Packages"; }

# ... or re-signs Release with another key
rm -rf "$R/dists" && cp -a "$t/dists.saved" "$R/dists"
apt_update || { cat "$t/apt.out" >&2; fail "restored repository not accepted"; }
d=$R/dists/bookworm-backports
gpg --homedir "$t/other" --batch --yes --pinentry-mode loopback --passphrase '' --clearsign \
	-o "$d/InRelease" "$d/Release" 2>/dev/null
gpg --homedir "$t/other" --batch --yes --pinentry-mode loopback --passphrase '' \
	--armor --detach-sign -o "$d/Release.gpg" "$d/Release" 2>/dev/null
if apt_update; then cat "$t/apt.out" >&2; fail "apt accepted a Release signed by another key"; fi
grep -Eq "NO_PUBKEY|not signed|signatures couldn't be verified" "$t/apt.out" ||
	{ cat "$t/apt.out" >&2; fail "no signature error"; }
echo "ok: repo apt"
