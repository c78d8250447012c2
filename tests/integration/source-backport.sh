#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo source end to end: a 3.0 (quilt) package with an orig tarball in a local
# signed archive ("trixie") on 127.0.0.1, a target archive ("bookworm" and
# "bookworm-backports") signed by the same throwaway key, a recipe with a
# two-patch series (an upstream patch with a DEP-3 header, a debian/ patch
# lowering a Build-Depends). Checks the new .dsc, the tree dpkg-source -x
# gives back, the orig tarball's sha256, debian/patches/series, the changelog
# (dpkg-parsechangelog), the .changes' -v, and ~bpo12+2 on a rebuild.
set -euo pipefail

: "${BPO:?}" "${BPO_SRCDIR:?}"
. "$BPO_SRCDIR/tests/integration/lib/common.bash"
need_tools gpg dpkg-source dpkg-genchanges dpkg-parsechangelog apt-ftparchive xz python3

. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/bpo-source-test.XXXXXX")
trap 'httpd_stop; rm -rf "$T"' EXIT

archive_key "$T/key" >/dev/null
KEYRING=$T/key/keyring.gpg
WWW=$T/www

# The newer release: hello 2.10-5.
archive_source "$WWW/src" hello 2.10-5 quilt >/dev/null
archive_indices "$WWW/src" trixie
archive_sign "$WWW/src" trixie "$T/key"

# The target release: bookworm has hello 2.10-3 (source and binary);
# bookworm-backports starts without hello (its own pool while it is indexed;
# another package in it, as an empty Sources.xz is not read yet).
archive_source "$WWW/tgt" hello 2.10-3 quilt >/dev/null
archive_deb "$WWW/tgt" hello 2.10-3 amd64
archive_indices "$WWW/tgt" bookworm
archive_sign "$WWW/tgt" bookworm "$T/key"
mv "$WWW/tgt/pool" "$WWW/tgt/pool.bookworm"
archive_source "$WWW/tgt" other 1.0-1~bpo12+1 quilt >/dev/null
archive_deb "$WWW/tgt" other 1.0-1~bpo12+1 amd64
archive_indices "$WWW/tgt" bookworm-backports
archive_sign "$WWW/tgt" bookworm-backports "$T/key"
rm -rf "$WWW/tgt/pool"
mv "$WWW/tgt/pool.bookworm" "$WWW/tgt/pool"

httpd_start "$WWW"

mkdir -p "$T/recipe/patches"
cat >"$T/recipe/patches/readme-note.patch" <<'EOF'
Description: Say in the README that this is a backport
 The README names the release the package was built for.
Author: bpo tests <tests@example.invalid>
Forwarded: not-needed
Last-Update: 2024-01-01
---
--- a/README
+++ b/README
@@ -1 +1,2 @@
 hello from hello 2.10-5
+built for bookworm-backports
EOF
cat >"$T/recipe/patches/lower-debhelper.patch" <<'EOF'
Subject: [PATCH] Build with bookworm's debhelper compat level

---
--- a/debian/control
+++ b/debian/control
@@ -2,7 +2,7 @@
 Section: misc
 Priority: optional
 Maintainer: bpo tests <tests@example.invalid>
-Build-Depends: debhelper-compat (= 13)
+Build-Depends: debhelper-compat (= 12)
 Standards-Version: 4.6.2
 
 Package: hello
EOF
cat >"$T/recipe/hello.yaml" <<EOF
source:
  package: hello
  archive: $HTTPD_URL/src
  suite: trixie
  keyring: $KEYRING
target:
  release: bookworm
  policy: bpo
changelog:
  maintainer: Backport Builder <backports@example.invalid>
  cves: [CVE-2024-1234]
patches:
  - patches/readme-note.patch
  - patches/lower-debhelper.patch
EOF
cat >"$T/bpo.conf" <<EOF
mirror: $HTTPD_URL/tgt
security-mirror: $HTTPD_URL/tgt
cache-dir: $T/cache
EOF

run_source() {
	local dest=$1
	SOURCE_DATE_EPOCH=1700000000 "$BPO" -c "$T/bpo.conf" source "$T/recipe/hello.yaml" \
		--dest "$dest" --target-archive "$HTTPD_URL/tgt" --target-keyring "$KEYRING" \
		--arch amd64 --json >"$dest.json" 2>"$dest.err" || {
		cat "$dest.err" >&2
		fail "bpo source into $dest failed"
	}
}

# --- first backport
run_source "$T/out1"
V1='2.10-5~bpo12+1'
DSC=$T/out1/hello_$V1.dsc
[ -f "$DSC" ] || fail "no $DSC"
grep -qx "Version: $V1" "$DSC" || fail "$DSC does not say Version: $V1"
grep -q "\"version\":\"$V1\"" "$T/out1.json" || fail "--json does not name $V1: $(cat "$T/out1.json")"
grep -q '"since":"2.10-3"' "$T/out1.json" || fail "--json does not say since 2.10-3"
grep -q "suite bookworm-security not found in $HTTPD_URL/tgt" "$T/out1.err" ||
	fail "no warning that the security suite was not checked"

# The orig tarball is the fetched one, byte for byte.
want=$(sha256sum <"$WWW/src/pool/main/h/hello/hello_2.10.orig.tar.gz" | cut -d' ' -f1)
got=$(sha256sum <"$T/out1/hello_2.10.orig.tar.gz" | cut -d' ' -f1)
[ "$want" = "$got" ] || fail "orig tarball changed: $got, fetched $want"
grep -q "$want" "$DSC" || fail "the .dsc does not list the orig tarball's sha256"

# dpkg-source -x of the result reproduces the patched tree.
(cd "$T" && dpkg-source --no-check -x "$DSC" x1 >/dev/null 2>&1) || fail "dpkg-source -x $DSC failed"
grep -qx 'built for bookworm-backports' "$T/x1/README" || fail "upstream patch not in the result"
grep -qx 'Build-Depends: debhelper-compat (= 12)' "$T/x1/debian/control" ||
	fail "debian/ patch not in the result"
diff -r --exclude=.pc "$T/x1" "$T/out1/hello-2.10" >/dev/null ||
	fail "dpkg-source -x of the result differs from the tree bpo built"
[ "$(tail -n1 "$T/x1/debian/patches/series")" = readme-note.patch ] ||
	fail "debian/patches/series does not end with readme-note.patch"
[ ! -e "$T/x1/debian/patches/lower-debhelper.patch" ] ||
	fail "the debian/ patch must be applied, not added to the series"
grep -q '^Description: Say in the README' "$T/x1/debian/patches/readme-note.patch" ||
	fail "the DEP-3 header was not kept"

# The changelog entry.
cl=$T/x1/debian/changelog
[ "$(dpkg-parsechangelog -l "$cl" -S Version)" = "$V1" ] || fail "changelog version"
[ "$(dpkg-parsechangelog -l "$cl" -S Distribution)" = bookworm-backports ] ||
	fail "changelog distribution"
[ "$(dpkg-parsechangelog -l "$cl" -S Maintainer)" = 'Backport Builder <backports@example.invalid>' ] ||
	fail "changelog maintainer"
[ "$(dpkg-parsechangelog -l "$cl" -S Timestamp)" = 1700000000 ] || fail "changelog date"
changes=$(dpkg-parsechangelog -l "$cl" -S Changes)
for want in 'Rebuild for bookworm-backports.' \
	'Add patch readme-note.patch: Say in the README that this is a backport' \
	"Apply lower-debhelper.patch: Build with bookworm's debhelper compat level" \
	'Fix CVE-2024-1234.'; do
	grep -qF -- "$want" <<<"$changes" || fail "changelog lacks '$want': $changes"
done
awk '/^  / && length > 80 { exit 1 }' "$cl" || fail "changelog change line longer than 80 columns"

# The .changes covers everything since bookworm's 2.10-3 (-v2.10-3).
CH=$T/out1/hello_${V1}_source.changes
[ -f "$CH" ] || fail "no $CH"
grep -qx "Version: $V1" "$CH" || fail ".changes version"
grep -qx 'Distribution: bookworm-backports' "$CH" || fail ".changes distribution"
grep -q '^ hello (2.10-5) unstable' "$CH" || fail ".changes lacks the 2.10-5 entry: not -v2.10-3"
grep -q 'hello_2.10.orig.tar.gz' "$CH" || fail ".changes lacks the orig tarball (-sa)"

# --- a rebuild: the backports suite now has ~bpo12+1, so the next is ~bpo12+2.
mkdir -p "$WWW/bpo/pool/main/h/hello"
for f in $(grep -oE 'hello_[^ ]+' "$DSC" | sort -u) "hello_$V1.dsc"; do
	cp "$T/out1/$f" "$WWW/bpo/pool/main/h/hello/"
done
mv "$WWW/tgt/pool" "$WWW/tgt/pool.bookworm"
mv "$WWW/bpo/pool" "$WWW/tgt/pool"
archive_deb "$WWW/tgt" hello "$V1" amd64
archive_indices "$WWW/tgt" bookworm-backports
archive_sign "$WWW/tgt" bookworm-backports "$T/key"
grep -q "^Version: $V1" "$WWW/tgt/dists/bookworm-backports/main/source/Sources" ||
	fail "fixture: bookworm-backports does not list $V1"
run_source "$T/out2"
V2='2.10-5~bpo12+2'
[ -f "$T/out2/hello_$V2.dsc" ] || fail "rebuild did not give $V2: $(cat "$T/out2.json")"
grep -q '"since":"2.10-3"' "$T/out2.json" || fail "rebuild: -v is not bookworm's 2.10-3"
CH2=$T/out2/hello_${V2}_source.changes
grep -qx "Version: $V2" "$CH2" || fail "rebuild .changes version"
! grep -q 'hello_2.10.orig.tar.gz' "$CH2" || fail "rebuild .changes must not upload the orig again"

# --- the version checks: bookworm gets 2.10-5+deb12u1 (above ~bpo12+N);
# bookworm-backports still has ~bpo12+1, so the candidate is ~bpo12+2.
rm -rf "$WWW/tgt/pool"
mv "$WWW/tgt/pool.bookworm" "$WWW/tgt/pool"
archive_source "$WWW/tgt" hello 2.10-5+deb12u1 quilt >/dev/null
archive_indices "$WWW/tgt" bookworm
archive_sign "$WWW/tgt" bookworm "$T/key"
set +e
SOURCE_DATE_EPOCH=1700000000 "$BPO" -c "$T/bpo.conf" source "$T/recipe/hello.yaml" \
	--dest "$T/out3" --target-archive "$HTTPD_URL/tgt" --target-keyring "$KEYRING" \
	--arch amd64 >/dev/null 2>"$T/out3.err"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$T/out3.err" >&2; fail "a version below bookworm's: exit $rc, want 1"; }
grep -qF '2.10-5~bpo12+2 is not higher than 2.10-5+deb12u1 in bookworm (source hello)' \
	"$T/out3.err" || fail "version error message: $(cat "$T/out3.err")"
[ ! -e "$T/out3/hello_2.10-5~bpo12+2.dsc" ] || fail "a .dsc was written despite the error"
[ ! -e "$T/out3/hello-2.10" ] || fail "the half-made tree was left behind"
# ... which --force-version overrides.
SOURCE_DATE_EPOCH=1700000000 "$BPO" -c "$T/bpo.conf" source "$T/recipe/hello.yaml" \
	--dest "$T/out4" --target-archive "$HTTPD_URL/tgt" --target-keyring "$KEYRING" \
	--arch amd64 --force-version >/dev/null 2>"$T/out4.err" ||
	{ cat "$T/out4.err" >&2; fail "--force-version did not override"; }
[ -f "$T/out4/hello_2.10-5~bpo12+2.dsc" ] || fail "--force-version: no .dsc"
grep -q 'warning: .*not higher than 2.10-5+deb12u1' "$T/out4.err" || fail "--force-version: no warning"

echo "ok: bpo source"
