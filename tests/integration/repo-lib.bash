# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the repo-*.sh integration tests (sourced, not run):
# throwaway GnuPG keys, tiny source + binary packages with a real .changes
# (dpkg-source, dpkg-deb, dpkg-genchanges), tree hashes; and (lib/common.bash)
# skip, fail, need_tools, slow_test.

. "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

# repo_genkey HOME NAME: a passphrase-less ed25519 signing key; prints its fingerprint.
repo_genkey() {
	mkdir -p "$1" && chmod 700 "$1"
	gpg --homedir "$1" --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key "$2 <$2@example.invalid>" ed25519 sign never 2>/dev/null
	gpg --homedir "$1" --with-colons --list-secret-keys 2>/dev/null |
		awk -F: '/^fpr/ { print $10; exit }'
}

repo_killagent() {
	gpgconf --homedir "$1" --kill all >/dev/null 2>&1 || true
}

# repo_mkpkg OUTDIR SOURCE VERSION [ARCH [BINARY...]]: a source package and its
# binaries (default: one binary named SOURCE), with OUTDIR/SOURCE_VERSION_ARCH.changes.
# REPO_MKPKG_PAYLOAD=N puts N random bytes into each binary (a big .deb).
repo_mkpkg() {
	local out=$1 src=$2 ver=$3 arch=${4:-amd64}
	shift 4 2>/dev/null || shift $#
	local bins=("$@")
	[ ${#bins[@]} -gt 0 ] || bins=("$src")
	local w
	w=$(mktemp -d "$out/.mk.XXXXXX")
	local upver=${ver%-*}
	mkdir -p "$w/$src-$upver/debian/source"
	(
		cd "$w/$src-$upver"
		echo "hello from $src $ver" >README
		echo "3.0 (native)" >debian/source/format
		[ "$upver" != "$ver" ] && echo "3.0 (quilt)" >debian/source/format
		{
			echo "Source: $src"
			echo "Section: misc"
			echo "Priority: optional"
			echo "Maintainer: Test <test@example.invalid>"
			echo "Standards-Version: 4.6.2"
			echo "Homepage: https://example.invalid/$src"
			for b in "${bins[@]}"; do
				case $b in *-dbgsym) continue ;; esac # made by dh_strip, not listed
				echo
				echo "Package: $b"
				echo "Architecture: $arch"
				echo "Description: test package $b"
				echo " A tiny package made by the bpo repo tests."
			done
		} >debian/control
		cat >debian/changelog <<EOC
$src ($ver) unstable; urgency=medium

  * Test build.

 -- Test <test@example.invalid>  Wed, 25 Nov 2026 12:00:00 +0000
EOC
		echo 13 >debian/compat
		: >debian/rules
		chmod +x debian/rules
	)
	if [ "$upver" != "$ver" ]; then
		tar -C "$w" -czf "$w/${src}_${upver}.orig.tar.gz" --exclude debian "$src-$upver"
	fi
	(cd "$w" && dpkg-source -q -b "$src-$upver" >/dev/null 2>&1)
	local b
	for b in "${bins[@]}"; do
		local root="$w/root-$b"
		mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$b"
		echo "$b $ver" >"$root/usr/share/doc/$b/README"
		[ -n "${REPO_MKPKG_PAYLOAD:-}" ] &&
			head -c "$REPO_MKPKG_PAYLOAD" /dev/urandom >"$root/usr/share/doc/$b/payload"
		cat >"$root/DEBIAN/control" <<EOC
Package: $b
Source: $src
Version: $ver
Architecture: $arch
Maintainer: Test <test@example.invalid>
Installed-Size: 1
Section: misc
Priority: optional
Homepage: https://example.invalid/$src
Description: test package $b
 A tiny package made by the bpo repo tests.
EOC
		[ "$src" = "$b" ] && sed -i '/^Source:/d' "$root/DEBIAN/control"
		case $b in *-dbgsym)
			# as dh_strip makes it: Section debug, Auto-Built-Package, and an
			# automatic entry of debian/files (not in debian/control)
			sed -i -e 's/^Section: misc/Section: debug/' "$root/DEBIAN/control"
			echo "Auto-Built-Package: debug-symbols" >>"$root/DEBIAN/control"
			echo "Build-Ids: 0123456789abcdef0123456789abcdef01234567" >>"$root/DEBIAN/control"
			;;
		esac
		dpkg-deb --root-owner-group -Zgzip --build "$root" "$w/${b}_${ver}_${arch}.deb" >/dev/null
		case $b in
		*-dbgsym) echo "${b}_${ver}_${arch}.deb debug optional automatic=yes" \
			>>"$w/$src-$upver/debian/files" ;;
		*) (cd "$w/$src-$upver" && dpkg-distaddfile "${b}_${ver}_${arch}.deb" misc optional) ;;
		esac
	done
	(cd "$w/$src-$upver" && dpkg-genchanges -sa -u.. -O"../${src}_${ver}_${arch}.changes" \
		>/dev/null 2>&1)
	rm -rf "$w/$src-$upver" "$w"/root-*
	mv "$w"/* "$out"/
	rmdir "$w"
	echo "$out/${src}_${ver}_${arch}.changes"
}

# A digest of every file (path, mode, content) under a tree, for "unchanged" checks.
repo_tree_hash() {
	(cd "$1" && find . -path ./conf/lock -prune -o -type f -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

# repo_serve DIR STATEDIR: serve DIR on 127.0.0.1 (tests/integration/lib/httpd.py);
# sets REPO_PORT and REPO_HTTPD_PID.
repo_serve() {
	local lib
	lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/httpd.py
	rm -f "$2/port"
	python3 "$lib" --root "$1" --port-file "$2/port" --log "$2/http.log" >"$2/http.err" 2>&1 &
	REPO_HTTPD_PID=$!
	local i
	# up to 30 s: python's start on a loaded machine (parallel make check)
	for i in $(seq 300); do
		[ -s "$2/port" ] && break
		sleep 0.1
	done
	REPO_PORT=$(cat "$2/port" 2>/dev/null || true)
	[ -n "$REPO_PORT" ] || { cat "$2/http.err" >&2; return 1; }
}

# repo_aptroot T: a throw-away overlay of the cached bookworm apt root at $T/root
# (needs root; skips, or fails under CI=true, when the root or overlayfs is missing).
repo_aptroot() {
	local base="${BPO_TEST_CACHE:-/var/tmp/bpo-test-cache}/apt-root-bookworm" why=""
	[ "$(id -u)" = 0 ] || why="needs root"
	[ -z "$why" ] && [ ! -x "$base/usr/bin/apt-get" ] &&
		why="no apt root at $base (tests/prepare.d/30-apt-root.sh makes it)"
	if [ -z "$why" ]; then
		mkdir -p "$1/upper" "$1/work" "$1/root"
		# an overlay of the cached root; where overlayfs is not allowed, a copy
		mount -t overlay overlay -o "lowerdir=$base,upperdir=$1/upper,workdir=$1/work" \
			"$1/root" 2>/dev/null ||
			cp -a --reflink=auto "$base/." "$1/root/" || why="cannot copy $base"
	fi
	if [ -n "$why" ]; then
		if [ "${CI:-}" = true ]; then
			echo "FAIL: apt test cannot run: $why (CI=true: a skip is a failure)" >&2
			exit 1
		fi
		echo "SKIP: apt test: $why" >&2
		exit 77
	fi
}

repo_aptroot_done() {
	mountpoint -q "$1/root" 2>/dev/null && umount "$1/root"
	return 0
}
