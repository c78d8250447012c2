#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# unpack-hostile: source packages whose tarballs (made by python3 tarfile),
# patches or .dsc are hostile. Each must be refused with the right exit code
# and a message naming the file and member, nothing may appear outside the
# work directory (a sentinel directory's listing, with a file that a hard link
# could capture, is compared before and after) and no partial tree or
# temporary directory may be left.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/unpack-lib.bash"

S=$T/sentinel
mkdir "$S"
echo keep > "$S/target"
W=$T/work
mkdir "$W"
sentinel_before=$(listing "$S"; stat -c '%h %s' "$S/target")

# tarball NAME.tar.gz CASE: write a hostile tarball with python3 tarfile.
tarball() {
	python3 - "$1" "$2" "$S" <<'PY'
import io, sys, tarfile
out, case, sentinel = sys.argv[1], sys.argv[2], sys.argv[3]
t = tarfile.open(out, "w:gz", format=tarfile.GNU_FORMAT)

def add(name, data=b"x\n", mode=0o644, **kw):
    ti = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(ti, k, v)
    ti.mode = mode
    if ti.type == tarfile.REGTYPE:
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    else:
        t.addfile(ti)

def dir_(name):
    add(name, type=tarfile.DIRTYPE, mode=0o755)

dir_("pkg")
add("pkg/README", b"readme\n")
if case == "absolute":
    add(sentinel + "/evil")
elif case.startswith("dotdot"):
    add("pkg/" + "../" * int(case[-1]) + "sentinel/evil")
elif case == "symlink-etc":
    add("pkg/etc", type=tarfile.SYMTYPE, linkname="/etc")
    add("pkg/etc/bpo-evil")
elif case == "symlink-climb":
    add("pkg/up", type=tarfile.SYMTYPE, linkname="../../../../sentinel")
    add("pkg/up/evil")
elif case == "symlink-out-of-tree":
    add("pkg/up", type=tarfile.SYMTYPE, linkname="../x")
elif case == "symlink-write-through":
    dir_("pkg/real")
    add("pkg/in", type=tarfile.SYMTYPE, linkname="real")
    add("pkg/in/evil")
elif case == "hardlink-out":
    add("pkg/h", type=tarfile.LNKTYPE, linkname="../../../sentinel/target")
elif case == "hardlink-abs":
    add("pkg/h", type=tarfile.LNKTYPE, linkname=sentinel + "/target")
elif case == "chardev":
    add("pkg/null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
elif case == "blockdev":
    add("pkg/sda", type=tarfile.BLKTYPE, devmajor=8, devminor=0)
elif case == "fifo":
    add("pkg/fifo", type=tarfile.FIFOTYPE)
elif case == "huge-member":
    # A 64 GiB member declared in the header, no data behind it.
    ti = tarfile.TarInfo("pkg/huge")
    ti.size = 64 << 30
    t.fileobj.write(ti.tobuf(tarfile.GNU_FORMAT))
elif case == "zeros":
    add("pkg/zeros", b"\0" * (4 << 20))
elif case == "many":
    for i in range(50):
        add("pkg/f%d" % i)
elif case == "modes":
    add("pkg/suid", b"#!/bin/sh\n", mode=0o6777)
    add("pkg/ww", b"w\n", mode=0o666)
    dir_("pkg/sticky")
    t.getmember("pkg/sticky").mode = 0o1777
t.close()
PY
}

# native CASE [bpo options]: a 3.0 (native) package evil_1.0 around tarball CASE.
native() {
	local case=$1
	rm -rf "$T/pkg" && mkdir "$T/pkg"
	tarball "$T/pkg/evil_1.0.tar.gz" "$case"
	mkdsc "$T/pkg/evil_1.0.dsc" "3.0 (native)" evil 1.0 evil_1.0.tar.gz
}

# refused CODE PATTERN [bpo options]: unpack $T/pkg/*.dsc, expect failure.
refused() {
	local code=$1 pat=$2
	shift 2
	expect_exit "$code" "$pat" "$BPO" unpack --allow-unsigned "$@" "$T/pkg/"*.dsc --dest "$W/tree"
	if [ -e "$W/tree" ] || [ -n "$(ls -A "$W")" ]; then
		echo "FAIL: something was left in the work directory:" >&2
		ls -la "$W" >&2
		exit 1
	fi
	if [ "$(listing "$S"; stat -c '%h %s' "$S/target")" != "$sentinel_before" ]; then
		echo "FAIL: the sentinel directory changed" >&2
		exit 1
	fi
	[ ! -e /etc/bpo-evil ] || { echo "FAIL: /etc/bpo-evil written" >&2; exit 1; }
}

member="evil_1.0.tar.gz: member '"
native absolute;              refused 2 "${member}[^']*sentinel/evil': absolute path"
for k in 1 2 3 4; do
	native dotdot$k;      refused 2 "${member}pkg/(\.\./)+sentinel/evil': '\.\.' component"
done
native symlink-etc;           refused 2 "${member}pkg/etc': symlink to an absolute path"
native symlink-climb;         refused 2 "${member}pkg/up': symlink points outside the tree"
native symlink-out-of-tree;   refused 2 "${member}pkg/up': symlink points outside the tree"
native symlink-write-through; refused 2 "${member}pkg/in/evil': a parent directory is a symlink"
native hardlink-out;          refused 2 "${member}pkg/h': '\.\.' component"
native hardlink-abs;          refused 2 "${member}pkg/h': absolute path"
native chardev;               refused 2 "${member}pkg/null': character device"
native blockdev;              refused 2 "${member}pkg/sda': block device"
native fifo;                  refused 2 "${member}pkg/fifo': FIFO"
native huge-member;           refused 2 "${member}pkg/huge': the archive exceeds the size limit"
native zeros;                 refused 2 "size limit of 1000000 bytes" --max-size 1000000
# A real GNU sparse member: 1 GiB of holes in a tarball of a few hundred bytes
# (kept at 1 GiB so that tar stays fast where SEEK_HOLE is missing).
rm -rf "$T/pkg" "$T/sp" && mkdir -p "$T/pkg" "$T/sp/pkg"
truncate -s 1G "$T/sp/pkg/sparse"
tar -C "$T/sp" --sparse -czf "$T/pkg/evil_1.0.tar.gz" pkg
rm -rf "$T/sp"
mkdsc "$T/pkg/evil_1.0.dsc" "3.0 (native)" evil 1.0 evil_1.0.tar.gz
refused 2 "${member}pkg/sparse': the archive exceeds the size limit of 100000000" \
	--max-size 100000000
native many;                  refused 2 "more than 10 members" --max-members 10
echo "ok: hostile tarball members refused, nothing written outside"

# Caps are caps, not bans: the same tarballs pass with room.
native zeros
expect_exit 0 "" "$BPO" unpack --allow-unsigned --max-size 5000000 "$T/pkg/evil_1.0.dsc" --dest "$W/ok"
[ "$(stat -c %s "$W/ok/zeros")" = $((4 << 20)) ]
rm -rf "$W/ok"
# setuid/setgid/sticky bits and group/other write are not restored.
native modes
expect_exit 0 "" "$BPO" unpack --allow-unsigned "$T/pkg/evil_1.0.dsc" --dest "$W/ok"
[ "$(stat -c %a "$W/ok/suid")" = 755 ] && [ "$(stat -c %a "$W/ok/ww")" = 644 ] &&
	[ "$(stat -c %a "$W/ok/sticky")" = 755 ]
rm -rf "$W/ok"
echo "ok: caps configurable; special mode bits dropped"

# 3.0 (quilt) whose debian tarball holds more than debian/, or whose patch
# climbs out of the tree.
quilt() { # CASE
	rm -rf "$T/pkg" "$T/q" && mkdir -p "$T/pkg" "$T/q/pkg-1.0" "$T/q/debian/patches" "$T/q/debian/source"
	echo hello > "$T/q/pkg-1.0/file"
	tar -C "$T/q" -czf "$T/pkg/pkg_1.0.orig.tar.gz" pkg-1.0
	echo '3.0 (quilt)' > "$T/q/debian/source/format"
	printf '#!/usr/bin/make -f\n' > "$T/q/debian/rules"
	case $1 in
	extra-member)
		mkdir "$T/q/src" && echo evil > "$T/q/src/x"
		tar -C "$T/q" -cJf "$T/pkg/pkg_1.0-1.debian.tar.xz" debian src ;;
	patch-climbs)
		printf -- '--- a/../../../sentinel/evil\n+++ b/../../../sentinel/evil\n@@ -0,0 +1 @@\n+evil\n' \
			> "$T/q/debian/patches/evil.patch"
		echo evil.patch > "$T/q/debian/patches/series"
		tar -C "$T/q" -cJf "$T/pkg/pkg_1.0-1.debian.tar.xz" debian ;;
	patch-fuzz)
		printf -- '--- a/file\n+++ b/file\n@@ -1,2 +1,2 @@\n-hello\n+HELLO\n context that is not there\n' \
			> "$T/q/debian/patches/fuzz.patch"
		echo fuzz.patch > "$T/q/debian/patches/series"
		tar -C "$T/q" -cJf "$T/pkg/pkg_1.0-1.debian.tar.xz" debian ;;
	esac
	mkdsc "$T/pkg/pkg_1.0-1.dsc" "3.0 (quilt)" pkg 1.0-1 pkg_1.0.orig.tar.gz pkg_1.0-1.debian.tar.xz
}
quilt extra-member; refused 2 "pkg_1.0-1.debian.tar.xz: member 'src/?': outside debian/"
quilt patch-climbs; refused 2 "patch evil.patch: .*'\.\.' in a path refused"
quilt patch-fuzz;   refused 1 "patch fuzz.patch: file: hunk 1 of 1 fails"
echo "ok: debian tarball confined to debian/; hostile and fuzzy patches refused"

# 1.0 whose .diff.gz climbs out of the tree.
rm -rf "$T/pkg" "$T/q" && mkdir -p "$T/pkg" "$T/q/old-1.0"
echo a > "$T/q/old-1.0/a"
tar -C "$T/q" -czf "$T/pkg/old_1.0.orig.tar.gz" old-1.0
printf -- '--- old-1.0.orig/../../../sentinel/evil\n+++ old-1.0/../../../sentinel/evil\n@@ -0,0 +1 @@\n+evil\n' |
	gzip -n > "$T/pkg/old_1.0-1.diff.gz"
mkdsc "$T/pkg/old_1.0-1.dsc" 1.0 old 1.0-1 old_1.0.orig.tar.gz old_1.0-1.diff.gz
refused 2 "patch old_1.0-1.diff.gz: .*'\.\.' in a path refused"
echo "ok: 1.0 diff confined to the tree"

# The .dsc itself: checksums, sizes, formats, stray files, signatures.
native modes
# Change the first hex digit of the SHA-256 (whatever it is).
sed -i '/^Checksums-Sha256:/{n;s/^ 0/ X/;s/^ [1-9a-f]/ 0/;s/^ X/ 1/}' "$T/pkg/evil_1.0.dsc"
refused 3 "evil_1.0.tar.gz: SHA-256 [0-9a-f]+ does not match"
native modes
echo x >> "$T/pkg/evil_1.0.tar.gz"
refused 3 "evil_1.0.tar.gz: size [0-9]+, but the .dsc says"
native modes
sed -i 's/^Format: .*/Format: 3.0 (git)/' "$T/pkg/evil_1.0.dsc"
refused 2 "unsupported source format '3.0 \(git\)'"
native modes
cp "$T/pkg/evil_1.0.tar.gz" "$T/pkg/stray.tar.gz"
mkdsc "$T/pkg/evil_1.0.dsc" "3.0 (native)" evil 1.0 evil_1.0.tar.gz stray.tar.gz
refused 2 "unrecognized file for a native source package: stray.tar.gz"
native modes
expect_exit 2 "--keyring FILE .*--allow-unsigned" "$BPO" unpack "$T/pkg/evil_1.0.dsc" --dest "$W/tree"
[ ! -e "$W/tree" ]
echo "ok: .dsc checks (sha256, size, format, stray file, fail closed without a keyring)"
