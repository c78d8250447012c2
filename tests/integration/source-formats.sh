#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo source over the formats and the failure paths, from a local signed
# archive ("bookworm") on 127.0.0.1:
#   - 3.0 (quilt) with its own patch series: a local fix (+acme1) whose patch
#     needs fuzz is refitted to fuzz 0 and appended after the existing patch;
#     the -v version is bookworm's own;
#   - a patch that does not apply: exit 1, nothing left behind;
#   - a patch that changes upstream files and debian/: exit 1;
#   - 3.0 (native) and 1.0: every patch applied to the tree (--no-index-check).
set -euo pipefail

: "${BPO:?}" "${BPO_SRCDIR:?}"
. "$BPO_SRCDIR/tests/integration/lib/common.bash"
need_tools gpg dpkg-source dpkg-genchanges dpkg-parsechangelog apt-ftparchive xz python3

. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/bpo-source-formats.XXXXXX")
trap 'httpd_stop; rm -rf "$T"' EXIT

archive_key "$T/key" >/dev/null
KEYRING=$T/key/keyring.gpg
WWW=$T/www
POOL=$WWW/pool/main

control() {
	cat <<CTRL
Source: $1
Section: misc
Priority: optional
Maintainer: bpo tests <tests@example.invalid>
Build-Depends: debhelper-compat (= 13)
Standards-Version: 4.6.2

Package: $1
Architecture: all
Description: test package $1
 A package made by bpo's tests.
CTRL
}

changelog() {
	cat <<CL
$1 ($2) unstable; urgency=medium

  * Test upload.

 -- bpo tests <tests@example.invalid>  Mon, 01 Jan 2024 00:00:00 +0000
CL
}

# quux 1.0-2, 3.0 (quilt), with debian/patches/01-existing.patch.
w=$T/work/quux
mkdir -p "$w/quux-1.0"
seq -f 'line %g' 1 20 >"$w/quux-1.0/src.txt"
tar -C "$w" -czf "$w/quux_1.0.orig.tar.gz" quux-1.0
mkdir -p "$w/quux-1.0/debian/source" "$w/quux-1.0/debian/patches"
echo '3.0 (quilt)' >"$w/quux-1.0/debian/source/format"
control quux >"$w/quux-1.0/debian/control"
changelog quux 1.0-2 >"$w/quux-1.0/debian/changelog"
printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' >"$w/quux-1.0/debian/rules"
chmod +x "$w/quux-1.0/debian/rules"
cat >"$w/quux-1.0/debian/patches/01-existing.patch" <<'EOF'
Description: The package's own patch
--- a/src.txt
+++ b/src.txt
@@ -1,4 +1,4 @@
 line 1
-line 2
+line 2 (existing)
 line 3
 line 4
EOF
echo 01-existing.patch >"$w/quux-1.0/debian/patches/series"
(cd "$w" && dpkg-source --no-check -b quux-1.0 >/dev/null 2>&1) || fail "fixture: quux"
mkdir -p "$POOL/q/quux"
mv "$w"/quux_* "$POOL/q/quux/"

# tool 2.0, 3.0 (native).
archive_source "$WWW" tool 2.0 native >/dev/null

# old 1.0-1, format 1.0 with a .diff.gz.
w=$T/work/old
mkdir -p "$w/old-1.0"
printf 'alpha\nbeta\ngamma\n' >"$w/old-1.0/a.txt"
tar -C "$w" -czf "$w/old_1.0.orig.tar.gz" old-1.0
mkdir -p "$w/old-1.0/debian/source"
echo '1.0' >"$w/old-1.0/debian/source/format"
control old >"$w/old-1.0/debian/control"
changelog old 1.0-1 >"$w/old-1.0/debian/changelog"
printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' >"$w/old-1.0/debian/rules"
chmod +x "$w/old-1.0/debian/rules"
(cd "$w" && dpkg-source --no-check -b old-1.0 >/dev/null 2>&1) || fail "fixture: old"
mkdir -p "$POOL/o/old"
mv "$w"/old_* "$POOL/o/old/"

archive_deb "$WWW" quux 1.0-2 amd64
archive_indices "$WWW" bookworm
archive_sign "$WWW" bookworm "$T/key"
httpd_start "$WWW"

cat >"$T/bpo.conf" <<EOF
mirror: $HTTPD_URL
security-mirror: $HTTPD_URL
cache-dir: $T/cache
maintainer: ACME Packaging <packaging@example.invalid>
EOF

mkdir -p "$T/r/patches"
# Needs fuzz 1: the first context line is not what the tree has, and the
# hunk is 2 lines away from where it says.
cat >"$T/r/patches/acme-fix.patch" <<'EOF'
From: ACME <packaging@example.invalid>
Subject: [PATCH 1/1] Fix line 15 for ACME

---
--- a/src.txt
+++ b/src.txt
@@ -10,7 +10,7 @@
 line 12 as it was once
 line 13
 line 14
-line 15
+line 15 (acme)
 line 16
 line 17
 line 18
EOF
cat >"$T/r/patches/broken.patch" <<'EOF'
--- a/src.txt
+++ b/src.txt
@@ -1,3 +1,3 @@
 no such
-line here
+at all
 anywhere
EOF
cat >"$T/r/patches/mixed.patch" <<'EOF'
--- a/src.txt
+++ b/src.txt
@@ -1,2 +1,2 @@
-line 1
+line one
 line 2 (existing)
--- a/debian/rules
+++ b/debian/rules
@@ -1,2 +1,3 @@
 #!/usr/bin/make -f
+# mixed
 %:
EOF
cat >"$T/r/patches/readme.patch" <<'EOF'
Description: Native README note
--- a/README
+++ b/README
@@ -1 +1,2 @@
 hello from tool 2.0
+patched natively
EOF
cat >"$T/r/patches/tool-control.patch" <<'EOF'
Description: Lower debhelper for the native package
--- a/debian/control
+++ b/debian/control
@@ -4 +4 @@
-Build-Depends: debhelper-compat (= 13)
+Build-Depends: debhelper-compat (= 12)
EOF
cat >"$T/r/patches/old-a.patch" <<'EOF'
Description: Change beta in a 1.0 package
--- a/a.txt
+++ b/a.txt
@@ -1,3 +1,3 @@
 alpha
-beta
+beta (backport)
 gamma
EOF

recipe() { # NAME PACKAGE POLICY PATCHES...
	local name=$1 pkg=$2 policy=$3
	shift 3
	{
		echo "source:"
		echo "  package: $pkg"
		echo "  archive: $HTTPD_URL"
		echo "  suite: bookworm"
		echo "  keyring: $KEYRING"
		echo "target:"
		echo "  release: bookworm"
		echo "  policy: $policy"
		if [ "$policy" = local ]; then
			echo "  local-suffix: +acme1"
			echo "  distribution: bookworm"
		fi
		echo "patches:"
		local p
		for p in "$@"; do echo "  - patches/$p"; done
	} >"$T/r/$name.yaml"
}

bpo_source() { # NAME DEST [OPTIONS...]
	local name=$1 dest=$2
	shift 2
	SOURCE_DATE_EPOCH=1700000000 "$BPO" -c "$T/bpo.conf" source "$T/r/$name.yaml" \
		--dest "$dest" --target-archive "$HTTPD_URL" --target-keyring "$KEYRING" \
		--arch amd64 "$@"
}

# --- 3.0 (quilt), local policy, a patch that needs fuzz.
recipe quux-local quux local acme-fix.patch
bpo_source quux-local "$T/o1" >"$T/o1.out" 2>"$T/o1.err" || { cat "$T/o1.err" >&2; fail "quux local"; }
DSC=$T/o1/quux_1.0-2+acme1.dsc
[ -f "$DSC" ] || fail "no $DSC"
(cd "$T" && dpkg-source --no-check -x "$DSC" x1 >/dev/null 2>&1) ||
	fail "dpkg-source -x (fuzz 0) of $DSC failed: the patch was not refitted"
grep -qx 'line 15 (acme)' "$T/x1/src.txt" || fail "acme-fix.patch not applied"
grep -qx 'line 2 (existing)' "$T/x1/src.txt" || fail "the existing patch is not applied"
[ "$(cat "$T/x1/debian/patches/series")" = "$(printf '01-existing.patch\nacme-fix.patch')" ] ||
	fail "series: $(cat "$T/x1/debian/patches/series")"
[ "$(cat "$T/x1/.pc/applied-patches")" = "$(printf '01-existing.patch\nacme-fix.patch')" ] ||
	fail ".pc/applied-patches after dpkg-source -x"
grep -q '^@@ -12,7 +12,7 @@' "$T/x1/debian/patches/acme-fix.patch" || fail "refit: hunk header"
! grep -q 'as it was once' "$T/x1/debian/patches/acme-fix.patch" || fail "refit: old context kept"
grep -q '^Subject: \[PATCH 1/1\] Fix line 15 for ACME' "$T/x1/debian/patches/acme-fix.patch" ||
	fail "refit: header lost"
cl=$T/x1/debian/changelog
[ "$(dpkg-parsechangelog -l "$cl" -S Distribution)" = bookworm ] || fail "local: distribution"
[ "$(dpkg-parsechangelog -l "$cl" -S Maintainer)" = 'ACME Packaging <packaging@example.invalid>' ] ||
	fail "maintainer from bpo.conf"
dpkg-parsechangelog -l "$cl" -S Changes | grep -F 'Add patch acme-fix.patch: Fix line 15 for ACME' >/dev/null ||
	fail "changelog: $(dpkg-parsechangelog -l "$cl" -S Changes)"
grep -q '^ quux (1.0-2+acme1) bookworm' "$T/o1/quux_1.0-2+acme1_source.changes" || fail ".changes"
! grep -q '^ quux (1.0-2) unstable' "$T/o1/quux_1.0-2+acme1_source.changes" ||
	fail ".changes: -v must be bookworm's 1.0-2"

# --- a patch that does not apply: exit 1, nothing left.
recipe quux-broken quux local acme-fix.patch broken.patch
set +e
bpo_source quux-broken "$T/o2" >/dev/null 2>"$T/o2.err"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$T/o2.err" >&2; fail "broken patch: exit $rc, want 1"; }
grep -q 'broken.patch' "$T/o2.err" || fail "the error does not name broken.patch: $(cat "$T/o2.err")"
[ ! -e "$T/o2/quux-1.0" ] || fail "broken patch: tree left behind"
ls "$T/o2"/*.dsc >/dev/null 2>&1 && fail "broken patch: a .dsc was written"

# --- a patch touching upstream files and debian/: exit 1.
recipe quux-mixed quux local mixed.patch
set +e
bpo_source quux-mixed "$T/o3" >/dev/null 2>"$T/o3.err"
rc=$?
set -e
[ "$rc" = 1 ] || { cat "$T/o3.err" >&2; fail "mixed patch: exit $rc, want 1"; }
grep -q 'mixed.patch changes both upstream files (src.txt) and debian/ (debian/rules)' "$T/o3.err" ||
	fail "mixed patch message: $(cat "$T/o3.err")"

# --- 3.0 (native): both patches applied to the tree; no index check.
recipe tool tool bpo readme.patch tool-control.patch
bpo_source tool "$T/o4" --no-index-check --json >"$T/o4.json" 2>"$T/o4.err" ||
	{ cat "$T/o4.err" >&2; fail "tool native"; }
grep -q 'no-index-check' "$T/o4.err" || fail "--no-index-check does not warn"
grep -q '"version":"2.0~bpo12+1"' "$T/o4.json" || fail "native version: $(cat "$T/o4.json")"
grep -q '"since":null' "$T/o4.json" || fail "native: since must be null without the index"
(cd "$T" && dpkg-source --no-check -x "$T/o4/tool_2.0~bpo12+1.dsc" x4 >/dev/null 2>&1) ||
	fail "dpkg-source -x tool"
grep -qx 'patched natively' "$T/x4/README" || fail "native: readme.patch"
grep -qx 'Build-Depends: debhelper-compat (= 12)' "$T/x4/debian/control" || fail "native: control"
[ ! -e "$T/x4/debian/patches" ] || fail "native: debian/patches must not appear"

# --- 1.0: applied to the tree, the orig tarball kept.
recipe old old bpo old-a.patch
bpo_source old "$T/o5" --no-index-check >/dev/null 2>"$T/o5.err" || { cat "$T/o5.err" >&2; fail "old 1.0"; }
[ -f "$T/o5/old_1.0-1~bpo12+1.diff.gz" ] || fail "1.0: no .diff.gz"
cmp -s "$T/o5/old_1.0.orig.tar.gz" "$POOL/o/old/old_1.0.orig.tar.gz" || fail "1.0: orig changed"
(cd "$T" && dpkg-source --no-check -x "$T/o5/old_1.0-1~bpo12+1.dsc" x5 >/dev/null 2>&1) ||
	fail "dpkg-source -x old"
grep -qx 'beta (backport)' "$T/x5/a.txt" || fail "1.0: patch not in the result"

# --- usage.
"$BPO" source --help | grep -- '--force-version' >/dev/null || fail "--help lacks --force-version"
set +e
"$BPO" source >/dev/null 2>&1
rc1=$?
"$BPO" source "$T/r/tool.yaml" --no-such-option >/dev/null 2>&1
rc2=$?
"$BPO" source "$T/r/no-such-recipe.yaml" --dest "$T/o6" >/dev/null 2>"$T/o6.err"
rc3=$?
set -e
[ "$rc1" = 2 ] || fail "no recipe: exit $rc1, want 2"
[ "$rc2" = 2 ] || fail "unknown option: exit $rc2, want 2"
[ "$rc3" != 0 ] && grep -q 'no-such-recipe.yaml' "$T/o6.err" || fail "missing recipe: exit $rc3"

echo "ok: bpo source formats"
