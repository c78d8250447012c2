#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the golden cases: each CASE/ has in/ (the tree before), NN-*.diff
# (the series, applied in name order), out/ (the tree after; absent when the
# series must fail and leave in/ untouched), status (bpo's exit code), args
# (extra bpo patch options, optional) and gnu (present when GNU patch, run
# with the options in gnu, gives out/ too). Run from this directory.
set -euo pipefail
export LC_ALL=C TZ=UTC GIT_AUTHOR_DATE=2024-01-01T00:00:00Z GIT_COMMITTER_DATE=2024-01-01T00:00:00Z
here=$(pwd)
rm -rf case-*
gen() { seq -f "line %g" 1 "$1"; }
mk() { mkdir -p "$1/in" "$1/out"; }
udiff() { # udiff CASE NAME OLDFILE NEWFILE PATH  -> a/PATH b/PATH unified diff, no dates
	diff -u --label "a/$5" --label "b/$5" "$3" "$4" >>"$1/$2" || true
}

# clean: two hunks at their lines
c=case-clean; mk $c
gen 60 >$c/in/f.c; sed 's/^line 10$/line ten/; s/^line 50$/line fifty/' $c/in/f.c >$c/out/f.c
udiff $c 01-clean.diff $c/in/f.c $c/out/f.c f.c
echo 0 >$c/status; echo "-p1 --fuzz 0" >$c/gnu

# offset: the tree has 7 more lines at the top than the patch expects
c=case-offset; mk $c
gen 60 >/tmp/gen-base; sed 's/^line 30$/line thirty/' /tmp/gen-base >/tmp/gen-new
udiff $c 01-offset.diff /tmp/gen-base /tmp/gen-new f.c
{ printf 'extra %s\n' 1 2 3 4 5 6 7; cat /tmp/gen-base; } >$c/in/f.c
{ printf 'extra %s\n' 1 2 3 4 5 6 7; cat /tmp/gen-new; } >$c/out/f.c
echo 0 >$c/status; echo "-p1 --fuzz 0" >$c/gnu

# fuzz 1: the first and last context lines differ in the tree
c=case-fuzz1; mk $c
udiff $c 01-fuzz.diff /tmp/gen-base /tmp/gen-new f.c
sed 's/^line 27$/line 27 changed/; s/^line 33$/line 33 changed/' /tmp/gen-base >$c/in/f.c
sed 's/^line 30$/line thirty/' $c/in/f.c >$c/out/f.c
echo 0 >$c/status; echo "--fuzz 1" >$c/args; echo "-p1 --fuzz 1" >$c/gnu

# fuzz 2: two outer context lines differ on each side
c=case-fuzz2; mk $c
udiff $c 01-fuzz.diff /tmp/gen-base /tmp/gen-new f.c
sed 's/^line 27$/line 27 changed/; s/^line 28$/line 28 changed/; s/^line 32$/line 32 changed/; s/^line 33$/line 33 changed/' /tmp/gen-base >$c/in/f.c
sed 's/^line 30$/line thirty/' $c/in/f.c >$c/out/f.c
echo 0 >$c/status; echo "--fuzz 2" >$c/args; echo "-p1 --fuzz 2" >$c/gnu

# fuzz beyond the limit: the fuzz-2 tree with --fuzz 1 fails
c=case-fuzz-limit; mkdir -p $c/in
cp case-fuzz2/in/f.c $c/in/; cp case-fuzz2/01-fuzz.diff $c/
echo 1 >$c/status; echo "--fuzz 1" >$c/args

# failing hunk 2 of 3: the tree is left byte for byte as it was
c=case-fail-hunk; mkdir -p $c/in
gen 90 >/tmp/gen-base
sed 's/^line 10$/X/; s/^line 45$/Y/; s/^line 80$/Z/' /tmp/gen-base >/tmp/gen-new
udiff $c 01-three.diff /tmp/gen-base /tmp/gen-new f.c
sed 's/^line 44$/line 44 edited/; s/^line 45$/line 45 edited/; s/^line 46$/line 46 edited/' /tmp/gen-base >$c/in/f.c
echo 1 >$c/status

# a patch of two files failing in the second: the first file is not changed either
c=case-multi-file; mkdir -p $c/in
gen 20 >$c/in/a.c; gen 20 >/tmp/gen-b
sed 's/^line 5$/five/' $c/in/a.c >/tmp/gen-a2; sed 's/^line 5$/five/' /tmp/gen-b >/tmp/gen-b2
udiff $c 01-two-files.diff $c/in/a.c /tmp/gen-a2 a.c
udiff $c 01-two-files.diff /tmp/gen-b /tmp/gen-b2 b.c
sed 's/^line 5$/something else/' /tmp/gen-b >$c/in/b.c
echo 1 >$c/status

# a series whose second patch fails: the first patch is not applied either
c=case-series-fail; mkdir -p $c/in
gen 20 >$c/in/a.c; gen 20 >$c/in/b.c
sed 's/^line 3$/three/' $c/in/a.c >/tmp/gen-a2; udiff $c 01-ok.diff $c/in/a.c /tmp/gen-a2 a.c
sed 's/^line 99$/x/' $c/in/b.c >/tmp/gen-b2
printf -- '--- a/b.c\n+++ b/b.c\n@@ -8,3 +8,3 @@\n line 8\n-not there\n+x\n line 10\n' >$c/02-bad.diff
echo 1 >$c/status

# already applied: the tree has the patch; reported and not applied twice
c=case-already; mk $c
gen 30 >/tmp/gen-base; sed 's/^line 12$/twelve/' /tmp/gen-base >$c/in/f.c; cp $c/in/f.c $c/out/
udiff $c 01-applied.diff /tmp/gen-base $c/in/f.c f.c
echo 0 >$c/status

# git: create, delete, rename (pure and with changes), mode change
c=case-git; mk $c
gen 10 >$c/in/gone.c; gen 40 >$c/in/old-name.c; gen 40 >$c/in/moved.c; gen 5 >$c/in/script.sh
cp $c/in/script.sh $c/out/script.sh; chmod 755 $c/out/script.sh
gen 3 >$c/out/new.c; cp $c/in/moved.c $c/out/moved-to.c
sed 's/^line 20$/twenty/' $c/in/old-name.c >$c/out/new-name.c
chmod 644 $c/in/* ; chmod 644 $c/out/new.c $c/out/new-name.c $c/out/moved-to.c
(
	t=$(mktemp -d); cd "$t"; git init -q; git config user.email t@example.invalid; git config user.name t
	cp -p "$here/$c/in/"* .; git add -A; git commit -qm base
	git rm -q gone.c; git mv moved.c moved-to.c; git mv old-name.c new-name.c
	sed -i 's/^line 20$/twenty/' new-name.c; cp "$here/$c/out/new.c" .; chmod 755 script.sh
	git add -A; git commit -qm "Rename, create, delete" -m "Description: git extended headers"
	git format-patch -q -M --stdout HEAD~1 >"$here/$c/01-git.patch"
	cd /; rm -rf "$t"
)
echo 0 >$c/status; echo "-p1 --fuzz 0" >$c/gnu

# CRLF file: matched and written with its \r\n line ends, never normalised
c=case-crlf; mk $c
printf 'one\r\ntwo\r\nthree\r\nfour\r\nfive\r\n' >$c/in/dos.txt
printf 'one\r\ntwo\r\nTHREE\r\nfour\r\nfive\r\n' >$c/out/dos.txt
udiff $c 01-crlf.diff $c/in/dos.txt $c/out/dos.txt dos.txt
echo 0 >$c/status

# a CRLF patch must not match an LF file (exact bytes)
c=case-crlf-mismatch; mkdir -p $c/in
printf 'one\ntwo\nthree\nfour\nfive\n' >$c/in/dos.txt
cp case-crlf/01-crlf.diff $c/
echo 1 >$c/status

# no newline at the end of the file, before and after
c=case-no-newline; mk $c
printf 'a\nb\nc' >$c/in/f.txt; printf 'a\nb\nC' >$c/out/f.txt
printf 'x\ny\n' >$c/in/g.txt; printf 'x\ny\nz' >$c/out/g.txt
udiff $c 01-eol.diff $c/in/f.txt $c/out/f.txt f.txt
udiff $c 01-eol.diff $c/in/g.txt $c/out/g.txt g.txt
echo 0 >$c/status; echo "-p1 --fuzz 0" >$c/gnu

# empty files: an existing empty file filled; a file created from /dev/null
c=case-empty; mk $c
: >$c/in/empty.txt; printf 'now\nfull\n' >$c/out/empty.txt
mkdir -p $c/out/sub/dir; printf 'new\n' >$c/out/sub/dir/new.txt
udiff $c 01-empty.diff $c/in/empty.txt $c/out/empty.txt empty.txt
printf -- '--- /dev/null\n+++ b/sub/dir/new.txt\n@@ -0,0 +1 @@\n+new\n' >>$c/01-empty.diff
echo 0 >$c/status; echo "-p1 --fuzz 0" >$c/gnu

# creating a file that exists, deleting one that does not: errors
c=case-create-exists; mkdir -p $c/in; printf 'mine\n' >$c/in/new.txt
printf -- '--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+theirs\n' >$c/01-create.diff
echo 1 >$c/status
c=case-delete-missing; mkdir -p $c/in; printf 'keep\n' >$c/in/other.txt
printf -- '--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n' >$c/01-delete.diff
echo 1 >$c/status

# hostile paths: absolute, .., through a symlink (made by the test: in/link -> outside)
c=case-hostile-absolute; mkdir -p $c/in; printf 'x\n' >$c/in/keep.txt
printf -- '--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-root:x:0:0:root:/root:/bin/bash\n+pwned::0:0::/:/bin/sh\n' >$c/01-abs.diff
echo 2 >$c/status
c=case-hostile-dotdot; mkdir -p $c/in; printf 'x\n' >$c/in/keep.txt
printf -- '--- a/../outside.txt\n+++ b/../outside.txt\n@@ -0,0 +1 @@\n+pwned\n' >$c/01-dotdot.diff
echo 2 >$c/status
c=case-hostile-symlink; mkdir -p $c/in; printf 'x\n' >$c/in/keep.txt
printf -- '--- /dev/null\n+++ b/link/pwned.txt\n@@ -0,0 +1 @@\n+pwned\n' >$c/01-symlink.diff
echo 2 >$c/status; echo "link" >$c/symlink-out

# a git binary patch is refused
c=case-binary; mkdir -p $c/in; printf 'x\n' >$c/in/keep.txt
cat >$c/01-binary.patch <<'EOF'
From 1234 Mon Sep 17 00:00:00 2001
Subject: [PATCH] add a binary

---
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..1a2b3c4
GIT binary patch
literal 8
PcmZ?wbhEHbRA2xA2T1@m

literal 0
HcmV?d00001

EOF
echo 2 >$c/status

# -p0 paths and a quilt series (comments, -p options)
c=case-quilt; mk $c
mkdir -p $c/in/debian/patches $c/in/src
gen 20 >$c/in/src/a.c; gen 20 >$c/in/top.txt
sed 's/^line 4$/four/' $c/in/src/a.c >/tmp/gen-a2
udiff $c in/debian/patches/01-p1.patch $c/in/src/a.c /tmp/gen-a2 src/a.c
sed 's/^line 9$/nine/' $c/in/top.txt >/tmp/gen-t2
diff -u --label top.txt --label top.txt $c/in/top.txt /tmp/gen-t2 >$c/in/debian/patches/02-p0.patch || true
sed -i '1i Description: a DEP-3 header\nAuthor: Someone <s@example.invalid>\nForwarded: not-needed\n---' $c/in/debian/patches/02-p0.patch
printf '# the series\n01-p1.patch\n\n02-p0.patch -p0   # top level\n' >$c/in/debian/patches/series
cp -r $c/in/. $c/out/; cp /tmp/gen-a2 $c/out/src/a.c; cp /tmp/gen-t2 $c/out/top.txt
echo 0 >$c/status; echo "--quilt" >$c/args
rm -f /tmp/gen-*

# diff -N / dpkg-source 1.0 style: no /dev/null, "@@ -0,0" creates, "+0,0" deletes
c=case-diff-N; mk $c
mkdir -p $c/in/pkg $c/out/pkg/debian
printf 'keep\n' >$c/in/pkg/keep.txt; printf 'old\nfile\n' >$c/in/pkg/old.txt
cp $c/in/pkg/keep.txt $c/out/pkg/; printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' >$c/out/pkg/debian/rules
( cd $c && mkdir -p /tmp/gen-a /tmp/gen-b && cp -r in/pkg /tmp/gen-a/pkg-1.0.orig && cp -r out/pkg /tmp/gen-b/pkg-1.0 &&
  cd /tmp && mkdir -p gen-ab && mv gen-a/pkg-1.0.orig gen-b/pkg-1.0 gen-ab/ &&
  cd gen-ab && { diff -Naur pkg-1.0.orig pkg-1.0 || true; } | sed -E '/^(---|\+\+\+) /s/\t.*//' >"$here/$c/01-diff-N.diff" )
rm -rf /tmp/gen-a /tmp/gen-b /tmp/gen-ab
mv $c/in/pkg/* $c/in/; rmdir $c/in/pkg; mkdir -p $c/out/debian; mv $c/out/pkg/keep.txt $c/out/; mv $c/out/pkg/debian/rules $c/out/debian/; rm -rf $c/out/pkg
echo 0 >$c/status; echo "-p1 --fuzz 0 -E" >$c/gnu

# the same creation when the file is there already with other content: an error
c=case-diff-N-exists; mkdir -p $c/in/debian; printf 'mine\n' >$c/in/debian/rules
cp case-diff-N/01-diff-N.diff $c/; printf 'keep\n' >$c/in/keep.txt; printf 'old\nfile\n' >$c/in/old.txt
echo 1 >$c/status

# a hunk at the end of the file (less context after than before) must match
# at the end, as GNU patch anchors it: here it does, 4 lines further down
c=case-eof-anchor; mk $c
gen 20 >/tmp/gen-base; { cat /tmp/gen-base; echo "appended"; } >/tmp/gen-new
udiff $c 01-append.diff /tmp/gen-base /tmp/gen-new f.c
{ printf 'top %s\n' 1 2 3 4; cat /tmp/gen-base; } >$c/in/f.c
{ printf 'top %s\n' 1 2 3 4; cat /tmp/gen-new; } >$c/out/f.c
echo 0 >$c/status; echo "-p1 --fuzz 0" >$c/gnu
# ... and when the file goes on after that context, it fails at fuzz 0
c=case-eof-anchor-fail; mkdir -p $c/in
cp case-eof-anchor/01-append.diff $c/; { cat /tmp/gen-base; echo "more"; } >$c/in/f.c
echo 1 >$c/status
rm -f /tmp/gen-*
