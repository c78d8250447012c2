#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo build --extra-source: a build dependency only a signed loopback archive
# has is installed from it (its signed-by key copied into the root), and the
# same archive with a key that did not sign it is refused in phase deps.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
slow_test
need_root
need_image
command -v apt-ftparchive >/dev/null || skip "apt-ftparchive missing (apt-utils)"

tmp=$(mktemp -d)
trap 'httpd_stop; drop_private_cache; rm -rf "$tmp"' EXIT
private_cache
arch=$(dpkg --print-architecture)

archive_key "$tmp/key"
archive_key "$tmp/other" "someone else <else@example.invalid>"
archive_deb "$tmp/repo" bpo-extra-dep 1.0-1 all
archive_indices "$tmp/repo" bpo-extra bpo-extra "$arch"
archive_sign "$tmp/repo" bpo-extra "$tmp/key"
httpd_start "$tmp/repo"

mkdir "$tmp/src"
cp -r "$BPO_SRCDIR/tests/data/build/bpo-hello" "$tmp/src/"
chmod -R u+w "$tmp/src/bpo-hello"
sed -i 's/^Build-Depends: .*/&, bpo-extra-dep (>= 1.0)/' "$tmp/src/bpo-hello/debian/control"
(cd "$tmp/src" && dpkg-source -q -b bpo-hello >/dev/null 2>&1)
dsc="$tmp/src/bpo-hello_1.0.dsc"

"$BPO" build "$dsc" --release bookworm --result "$tmp/out" --no-cache \
	--extra-source "deb [signed-by=$tmp/key/keyring.gpg] $HTTPD_URL bpo-extra main" \
	>"$tmp/stdout" 2>"$tmp/err" || { cat "$tmp/err"; fail "build with --extra-source failed"; }
[ -f "$tmp/out/bpo-hello_1.0_$arch.deb" ] || fail "no .deb"
grep -q 'bpo-extra-dep' "$tmp/out/bpo-hello_1.0_$arch.buildinfo" ||
	fail "bpo-extra-dep is not among the installed build dependencies"
grep -q 'dists/bpo-extra/InRelease' "$HTTPD_LOG" || fail "the archive's InRelease was never fetched"

# the wrong key: apt refuses the archive, the build stops in phase deps
set +e
"$BPO" build "$dsc" --release bookworm --result "$tmp/out2" --no-cache \
	--extra-source "deb [signed-by=$tmp/other/keyring.gpg] $HTTPD_URL bpo-extra main" \
	>"$tmp/stdout" 2>"$tmp/err"
st=$?
set -e
[ "$st" = 1 ] || fail "wrong key: exit $st, expected 1"
grep -q "failed in phase deps" "$tmp/err" || fail "wrong key: $(cat "$tmp/err")"
grep -q "NO_PUBKEY\|not signed\|is not signed\|signature" "$tmp/out2/bpo-hello_1.0_$arch.build" ||
	fail "the log does not show apt's signature refusal"

# an unsigned extra source is refused before anything runs
set +e
"$BPO" build "$dsc" --release bookworm --extra-source "deb $HTTPD_URL bpo-extra main" 2>"$tmp/err"
st=$?
set -e
[ "$st" = 2 ] && grep -q "signed-by" "$tmp/err" || fail "unsigned source: exit $st: $(cat "$tmp/err")"
assert_no_tmp
echo "PASS: build with an extra source"
