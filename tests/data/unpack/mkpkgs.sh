#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build small source packages of every format with the real dpkg-source -b,
# into the directory $1 (which must exist). Used by tests/integration/unpack-*.sh.
#   nat_1.0.dsc        3.0 (native), .tar.xz
#   qp_2.0-1.dsc       3.0 (quilt): orig.tar.gz (with a debian/ and a .pc/ that
#                      dpkg-source drops), orig-extra.tar.bz2 component,
#                      debian.tar.xz with a two-patch series
#   old_1.5-2.dsc      1.0: orig.tar.gz + diff.gz creating debian/
#   oldnat_0.9.dsc     1.0 native: one .tar.gz
#   vs_1.0-1.dsc       3.0 (quilt) whose series is debian/patches/debian.series
set -euo pipefail
out=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DEBFULLNAME="Test" DEBEMAIL="test@example.invalid" SOURCE_DATE_EPOCH=1700000000
cd "$work"

control() { # name
	mkdir -p debian/source
	cat > debian/control <<EOC
Source: $1
Section: misc
Priority: optional
Maintainer: Test <test@example.invalid>
Build-Depends: debhelper-compat (= 13)
Standards-Version: 4.6.2

Package: $1
Architecture: all
Description: test package
 Test package for bpo unpack.
EOC
	printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' > debian/rules
	chmod 755 debian/rules
}
changelog() { # name version
	cat > debian/changelog <<EOC
$1 ($2) unstable; urgency=medium

  * Test.

 -- Test <test@example.invalid>  Tue, 14 Nov 2023 22:13:20 +0000
EOC
}
upstream() { # populate an upstream tree in cwd
	mkdir -p src doc "dir with space"
	printf 'int main(void) { return 0; }\n' > src/main.c
	printf '#!/bin/sh\necho configure\n' > configure
	chmod 755 configure
	printf 'GPL\n' > doc/COPYING
	ln -s doc/COPYING COPYING
	ln -s ../src/main.c doc/main-link.c
	printf 'x\n' > "dir with space/file name"
	printf 'private\n' > private
	chmod 600 private
	printf 'line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\n' > src/data.txt
}

# 3.0 (native)
mkdir nat-1.0 && (cd nat-1.0 && upstream && control nat && changelog nat 1.0 &&
	echo '3.0 (native)' > debian/source/format)
dpkg-source -q -Zxz -b nat-1.0 >/dev/null

# 3.0 (quilt) with a component tarball and two patches
mkdir qp-2.0 && (cd qp-2.0 && upstream && mkdir -p debian .pc &&
	echo 'upstream debian dir' > debian/README && echo junk > .pc/junk)
tar --sort=name --owner=0 --group=0 -czf qp_2.0.orig.tar.gz qp-2.0
mkdir extra && (cd extra && printf 'component\n' > comp.txt && mkdir sub &&
	printf '#!/bin/sh\n' > sub/run && chmod 755 sub/run)
tar --sort=name --owner=0 --group=0 -cjf qp_2.0.orig-extra.tar.bz2 extra
rm -rf qp-2.0/debian qp-2.0/.pc
mkdir qp-2.0/extra && cp -a extra/. qp-2.0/extra/
(cd qp-2.0 && control qp && changelog qp 2.0-1 && echo '3.0 (quilt)' > debian/source/format &&
	mkdir -p debian/patches &&
	cat > debian/patches/01-data.patch <<'EOP' &&
Description: change a line
--- a/src/data.txt
+++ b/src/data.txt
@@ -2,6 +2,6 @@
 line 2
 line 3
 line 4
-line 5
+line FIVE
 line 6
 line 7
EOP
	cat > debian/patches/02-new.patch <<'EOP' &&
Description: add a file in a new directory
--- /dev/null
+++ b/newdir/added.txt
@@ -0,0 +1,2 @@
+added
+by patch 2
--- a/extra/comp.txt
+++ b/extra/comp.txt
@@ -1 +1 @@
-component
+component patched
EOP
	printf '01-data.patch\n02-new.patch\n' > debian/patches/series)
dpkg-source -q -Zxz -b qp-2.0 >/dev/null

# 3.0 (quilt) with a vendor series (debian/patches/debian.series), which
# dpkg-source prefers to debian/patches/series (here absent: it becomes a symlink)
mkdir vs-1.0 && (cd vs-1.0 && upstream)
tar --sort=name --owner=0 --group=0 -cJf vs_1.0.orig.tar.xz vs-1.0
(cd vs-1.0 && control vs && changelog vs 1.0-1 && echo '3.0 (quilt)' > debian/source/format &&
	mkdir -p debian/patches &&
	printf -- '--- a/doc/COPYING\n+++ b/doc/COPYING\n@@ -1 +1 @@\n-GPL\n+GPL-2+\n' \
		> debian/patches/vendor.patch &&
	echo vendor.patch > debian/patches/debian.series)
dpkg-source -q -b vs-1.0 >/dev/null

# 1.0 with a .diff.gz
mkdir old-1.5 && (cd old-1.5 && upstream)
tar --sort=name --owner=0 --group=0 -czf old_1.5.orig.tar.gz old-1.5
(cd old-1.5 && control old && changelog old 1.5-2 && printf 'changed by the diff\n' >> src/data.txt)
dpkg-source -q -b old-1.5 >/dev/null 2>&1

# 1.0 native
mkdir oldnat-0.9 && (cd oldnat-0.9 && upstream && control oldnat && changelog oldnat 0.9)
dpkg-source -q -b oldnat-0.9 >/dev/null 2>&1

for f in *.dsc *.tar.* *.diff.gz; do
	cp "$f" "$out/"
done
