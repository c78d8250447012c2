# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by tests/integration/unpack-*.sh (sourced): a scratch directory
# removed on exit, a .dsc writer, tree comparison, exit-code expectations.

: "${BPO:?run from make check (BPO unset)}"
: "${BPO_SRCDIR:?run from make check (BPO_SRCDIR unset)}"

. "$BPO_SRCDIR/tests/integration/lib/common.bash"
need_tools dpkg-source python3 sha256sum md5sum tar gzip xz bzip2 zstd

T=$(mktemp -d "${TMPDIR:-/tmp}/bpo-unpack-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C
umask 022

# mkdsc OUT.dsc FORMAT SOURCE VERSION FILE... (files in the .dsc's directory)
mkdsc() {
	local out=$1 format=$2 source=$3 version=$4 f
	shift 4
	{
		echo "Format: $format"
		echo "Source: $source"
		echo "Binary: $source"
		echo "Architecture: all"
		echo "Version: $version"
		echo "Maintainer: Test <test@example.invalid>"
		echo "Checksums-Sha256:"
		for f in "$@"; do
			echo " $(sha256sum < "$(dirname "$out")/$f" | cut -d' ' -f1)" \
				"$(stat -c %s "$(dirname "$out")/$f") $f"
		done
		echo "Files:"
		for f in "$@"; do
			echo " $(md5sum < "$(dirname "$out")/$f" | cut -d' ' -f1)" \
				"$(stat -c %s "$(dirname "$out")/$f") $f"
		done
	} > "$out"
}

# listing DIR: one line per entry: path, type, mode, symlink target.
listing() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %m %l\n' | sort)
}

# same_tree A B: same file list, types, modes, symlink targets and contents.
same_tree() {
	if ! diff -u <(listing "$1") <(listing "$2"); then
		echo "FAIL: $1 and $2 differ in file list, modes or symlinks" >&2
		return 1
	fi
	if ! diff -r --no-dereference "$1" "$2"; then
		echo "FAIL: $1 and $2 differ in contents" >&2
		return 1
	fi
}

# expect_exit CODE PATTERN CMD...: run CMD, check its exit code and that its
# stderr matches the extended regex PATTERN (when not empty).
expect_exit() {
	local want=$1 pat=$2 rc=0
	shift 2
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: '$*' exited $rc, expected $want" >&2
		cat "$T/err" >&2
		exit 1
	fi
	if [ -n "$pat" ] && ! grep -Eq -- "$pat" "$T/err"; then
		echo "FAIL: '$*': stderr does not match '$pat':" >&2
		cat "$T/err" >&2
		exit 1
	fi
}
