# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# archive.sh — throwaway signed apt archives for integration tests (fixtures,
# not bpo's product). Source it from a test that runs under `set -euo pipefail`:
#
#   . "$BPO_SRCDIR/tests/integration/lib/archive.sh"
#   T=$(mktemp -d); trap 'httpd_stop; rm -rf "$T"' EXIT
#   archive_key "$T/key"                # throwaway key; sets ARCHIVE_KEY_FPR and
#                                       # ARCHIVE_KEYRING (= $T/key/keyring.gpg)
#   archive_source "$T/repo" hello 1.0-1 quilt   # 3.0 (quilt) + orig tarball
#   archive_source "$T/repo" tool 2.0 native     # 3.0 (native)
#   archive_deb "$T/repo" hello-bin 1.0-1 amd64  # optional: a tiny binary package
#   archive_indices "$T/repo" testing [codename] # Sources(.xz/.gz), Packages, Release
#   archive_sign "$T/repo" testing "$T/key"      # InRelease + Release.gpg
#   httpd_start "$T/repo" [httpd.py fault options...]
#   echo "$HTTPD_URL"                   # http://127.0.0.1:PORT, log in $HTTPD_LOG
#   httpd_requests                      # number of requests logged so far
#
# Knobs (environment, read by archive_indices): ARCHIVE_DATE (epoch seconds,
# default now), ARCHIVE_VALID_UNTIL (epoch seconds; unset = no Valid-Until),
# ARCHIVE_BY_HASH=yes (also write by-hash/SHA256 copies, say Acquire-By-Hash);
# read by archive_source: ARCHIVE_BUILD_DEPENDS (default debhelper-compat (= 13)),
# ARCHIVE_SOURCE_BINARY (its binary package, default the source's name);
# by archive_dh_source: ARCHIVE_CHANGELOG (a file to use as debian/changelog);
# by archive_deb: ARCHIVE_DEB_SOURCE (a Source: field), ARCHIVE_DEB_DEPENDS (a
# Depends: field).
# Needs: gpg, dpkg-source, dpkg-deb, apt-ftparchive (apt-utils), xz, gzip, python3.
# Every gpg call uses the key directory's own GNUPGHOME: never the user's.

_archive_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$_archive_lib_dir/common.bash"

# archive_key DIR [UID] [EXPIRE]: a new signing key (ed25519, no passphrase) in
# DIR/gnupg; its public keyring in DIR/keyring.gpg (binary) and DIR/keyring.asc.
# Sets ARCHIVE_KEY_FPR and ARCHIVE_KEYRING.
archive_key() {
	local dir=$1 uid=${2:-"bpo test archive <archive@example.invalid>"} expire=${3:-1y}
	mkdir -p "$dir/gnupg"
	chmod 700 "$dir/gnupg"
	GNUPGHOME="$dir/gnupg" gpg --batch --quiet --passphrase '' \
		--quick-gen-key "$uid" ed25519 sign "$expire" 2>/dev/null
	ARCHIVE_KEY_FPR=$(GNUPGHOME="$dir/gnupg" gpg --batch --with-colons --list-keys |
		awk -F: '$1 == "fpr" { print $10; exit }')
	GNUPGHOME="$dir/gnupg" gpg --batch --quiet --export "$ARCHIVE_KEY_FPR" >"$dir/keyring.gpg"
	GNUPGHOME="$dir/gnupg" gpg --batch --quiet --armor --export "$ARCHIVE_KEY_FPR" >"$dir/keyring.asc"
	echo "$ARCHIVE_KEY_FPR" >"$dir/fpr"
	ARCHIVE_KEYRING="$dir/keyring.gpg"
}

# archive_gpg KEYDIR ARGS...: run gpg with the key directory's GNUPGHOME.
archive_gpg() {
	local dir=$1
	shift
	GNUPGHOME="$dir/gnupg" gpg --batch --quiet --yes --pinentry-mode loopback \
		--passphrase '' "$@"
}

# archive_source ROOT NAME VERSION quilt|native: build a small source package
# with dpkg-source -b into ROOT/pool/main/<initial>/<NAME>/. Prints the .dsc path.
# ARCHIVE_SOURCE_ZEROS=MIB adds a file of that many MiB of zeros (a
# decompression bomb: it compresses to almost nothing).
archive_source() {
	local root=$1 name=$2 version=$3 kind=$4
	local upstream=${version%-*} pool="$root/pool/main/${name:0:1}/$name"
	local work
	work=$(mktemp -d "${TMPDIR:-/tmp}/bpo-archive-src.XXXXXX")
	mkdir -p "$pool" "$work/$name-$upstream/debian/source"
	local d="$work/$name-$upstream"
	printf 'hello from %s %s\n' "$name" "$version" >"$d/README"
	head -c 20000 /dev/urandom | base64 >"$d/data.txt"
	[ -z "${ARCHIVE_SOURCE_ZEROS:-}" ] || truncate -s "${ARCHIVE_SOURCE_ZEROS}M" "$d/zeros"
	if [ "$kind" = quilt ]; then
		tar -C "$work" --exclude=debian -czf "$work/${name}_$upstream.orig.tar.gz" "$name-$upstream"
		echo "3.0 (quilt)" >"$d/debian/source/format"
	else
		echo "3.0 (native)" >"$d/debian/source/format"
	fi
	cat >"$d/debian/control" <<CTRL
Source: $name
Section: misc
Priority: optional
Maintainer: bpo tests <tests@example.invalid>
Build-Depends: ${ARCHIVE_BUILD_DEPENDS:-debhelper-compat (= 13)}
Standards-Version: 4.6.2

Package: ${ARCHIVE_SOURCE_BINARY:-$name}
Architecture: all
Description: test package $name
 A package made by bpo's tests.
CTRL
	cat >"$d/debian/changelog" <<CL
$name ($version) unstable; urgency=medium

  * Test upload.

 -- bpo tests <tests@example.invalid>  Mon, 01 Jan 2024 00:00:00 +0000
CL
	printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' >"$d/debian/rules"
	chmod +x "$d/debian/rules"
	(cd "$work" && dpkg-source --no-check -b "$name-$upstream" >/dev/null 2>&1) || {
		echo "archive_source: dpkg-source -b failed for $name $version" >&2
		(cd "$work" && dpkg-source -b "$name-$upstream") >&2 || true
		rm -rf "$work"
		return 1
	}
	find "$work" -maxdepth 1 -type f -name "${name}_*" -exec mv {} "$pool/" \;
	rm -rf "$work"
	echo "$pool/${name}_${version#*:}.dsc"
}

# archive_deb ROOT NAME VERSION ARCH: a tiny binary package in the pool.
archive_deb() {
	local root=$1 name=$2 version=$3 arch=$4
	local pool="$root/pool/main/${name:0:1}/$name" work
	work=$(mktemp -d "${TMPDIR:-/tmp}/bpo-archive-deb.XXXXXX")
	mkdir -p "$pool" "$work/DEBIAN" "$work/usr/share/doc/$name"
	echo "$name" >"$work/usr/share/doc/$name/README"
	cat >"$work/DEBIAN/control" <<CTRL
Package: $name
Version: $version
Architecture: $arch
Maintainer: bpo tests <tests@example.invalid>
Description: test binary $name
CTRL
	[ -n "${ARCHIVE_DEB_SOURCE:-}" ] && echo "Source: $ARCHIVE_DEB_SOURCE" >>"$work/DEBIAN/control"
	[ -n "${ARCHIVE_DEB_DEPENDS:-}" ] && echo "Depends: $ARCHIVE_DEB_DEPENDS" >>"$work/DEBIAN/control"
	dpkg-deb --root-owner-group -Zgzip -b "$work" "$pool/${name}_${version#*:}_$arch.deb" >/dev/null
	rm -rf "$work"
}

# archive_dh_source ROOT NAME VERSION BUILD-DEPENDS BINARY BINARY-DEPENDS [NEEDS]:
# a debhelper source package (3.0 quilt) in ROOT's pool with one
# arch-all binary that installs /usr/share/NAME/version; its build fails unless
# the file NEEDS exists (so a build proves a build dependency was installed).
archive_dh_source() {
	local root=$1 name=$2 version=$3 bdeps=$4 bin=$5 bindeps=$6 needs=${7:-}
	local upstream=${version%-*} w
	w=$(mktemp -d "${TMPDIR:-/tmp}/bpo-archive-dh.XXXXXX")
	local d="$w/$name-$upstream"
	mkdir -p "$d/debian/source"
	echo "$name $version" >"$d/VERSION"
	tar -C "$w" -czf "$w/${name}_$upstream.orig.tar.gz" "$name-$upstream"
	echo "3.0 (quilt)" >"$d/debian/source/format"
	cat >"$d/debian/control" <<CTRL
Source: $name
Section: misc
Priority: optional
Maintainer: bpo tests <tests@example.invalid>
Build-Depends: $bdeps
Standards-Version: 4.6.2
Rules-Requires-Root: no

Package: $bin
Architecture: all
Depends: $bindeps
Description: bpo end-to-end test package $bin
 Made by bpo's tests (archive_dh_source).
CTRL
	if [ -n "${ARCHIVE_CHANGELOG:-}" ]; then
		cp "$ARCHIVE_CHANGELOG" "$d/debian/changelog"
	else
		cat >"$d/debian/changelog" <<CL
$name ($version) unstable; urgency=medium

  * Test upload.

 -- bpo tests <tests@example.invalid>  Mon, 01 Jan 2024 00:00:00 +0000
CL
	fi
	{
		printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n\n'
		printf 'override_dh_auto_build:\n'
		[ -n "$needs" ] && printf '\ttest -f %s\n' "$needs"
		printf '\ttrue\n\n'
		printf 'override_dh_auto_install:\n'
		printf '\tmkdir -p debian/%s/usr/share/%s\n' "$bin" "$name"
		printf '\tcp VERSION debian/%s/usr/share/%s/version\n' "$bin" "$name"
	} >"$d/debian/rules"
	chmod +x "$d/debian/rules"
	(cd "$w" && dpkg-source -b "$name-$upstream" >/dev/null)
	local pool="$root/pool/main/${name:0:1}/$name"
	mkdir -p "$pool"
	mv "$w/${name}_"* "$pool/"
	rm -rf "$w"
}

_archive_date() { LC_ALL=C date -u -d "@$1" '+%a, %d %b %Y %H:%M:%S UTC'; }

# archive_indices ROOT SUITE [CODENAME] [ARCH]: Sources, Packages (plain, .xz,
# .gz) for component main and an unsigned Release listing them (SHA256 + MD5Sum),
# via apt-ftparchive over ROOT/pool/main.
archive_indices() {
	local root=$1 suite=$2 codename=${3:-$2} arch=${4:-amd64}
	local dists="$root/dists/$suite"
	mkdir -p "$dists/main/source" "$dists/main/binary-$arch"
	(cd "$root" && apt-ftparchive sources pool/main >"dists/$suite/main/source/Sources" 2>/dev/null)
	(cd "$root" && apt-ftparchive packages pool/main >"dists/$suite/main/binary-$arch/Packages" 2>/dev/null)
	archive_release "$root" "$suite" "$codename" "$arch"
}

# archive_release ROOT SUITE [CODENAME] [ARCH]: (re)compress Sources and Packages
# from the plain files as they are now (tests may edit them first) and write
# an unsigned Release; drops old InRelease/Release.gpg (sign again afterwards).
archive_release() {
	local root=$1 suite=$2 codename=${3:-$2} arch=${4:-amd64}
	local dists="$root/dists/$suite"
	local f
	for f in "$dists/main/source/Sources" "$dists/main/binary-$arch/Packages"; do
		[ -f "$f" ] || continue
		xz -kf "$f"
		gzip -nkf "$f"
	done
	{
		echo "Origin: bpo-test"
		echo "Label: bpo-test"
		echo "Suite: $suite"
		echo "Codename: $codename"
		echo "Date: $(_archive_date "${ARCHIVE_DATE:-$(date +%s)}")"
		if [ -n "${ARCHIVE_VALID_UNTIL:-}" ]; then
			echo "Valid-Until: $(_archive_date "$ARCHIVE_VALID_UNTIL")"
		fi
		echo "Architectures: $arch"
		echo "Components: main"
		# a backports-like suite: apt gives it priority 1 (100 with
		# ButAutomaticUpgrades)
		[ "${ARCHIVE_NOT_AUTOMATIC:-}" = yes ] && echo "NotAutomatic: yes"
		[ "${ARCHIVE_NOT_AUTOMATIC:-}" = yes ] && echo "ButAutomaticUpgrades: yes"
		[ "${ARCHIVE_BY_HASH:-}" = yes ] && echo "Acquire-By-Hash: yes"
		echo "MD5Sum:"
		(cd "$dists" && find main -type f ! -path '*/by-hash/*' | LC_ALL=C sort | while read -r p; do
			printf ' %s %s %s\n' "$(md5sum <"$p" | cut -d' ' -f1)" "$(stat -c %s "$p")" "$p"
		done)
		echo "SHA256:"
		(cd "$dists" && find main -type f ! -path '*/by-hash/*' | LC_ALL=C sort | while read -r p; do
			printf ' %s %s %s\n' "$(sha256sum <"$p" | cut -d' ' -f1)" "$(stat -c %s "$p")" "$p"
		done)
	} >"$dists/Release"
	if [ "${ARCHIVE_BY_HASH:-}" = yes ]; then
		(cd "$dists" && find main -type f ! -path '*/by-hash/*' | while read -r p; do
			mkdir -p "$(dirname "$p")/by-hash/SHA256"
			cp "$p" "$(dirname "$p")/by-hash/SHA256/$(sha256sum <"$p" | cut -d' ' -f1)"
		done)
	fi
	rm -f "$dists/InRelease" "$dists/Release.gpg"
}

# archive_sign ROOT SUITE KEYDIR: InRelease (clearsigned) and Release.gpg (detached).
archive_sign() {
	local root=$1 suite=$2 keydir=$3
	local dists="$root/dists/$suite" fpr
	fpr=$(cat "$keydir/fpr")
	archive_gpg "$keydir" --local-user "$fpr" --clearsign -o "$dists/InRelease" "$dists/Release"
	archive_gpg "$keydir" --local-user "$fpr" --armor --detach-sign -o "$dists/Release.gpg" "$dists/Release"
}

# archive_sign_dsc DSC KEYDIR: replace DSC by a clearsigned copy of itself.
archive_sign_dsc() {
	local dsc=$1 keydir=$2
	archive_gpg "$keydir" --local-user "$(cat "$keydir/fpr")" --clearsign -o "$dsc.signed" "$dsc"
	mv "$dsc.signed" "$dsc"
}

# httpd_start ROOT [FAULT OPTIONS]: serve ROOT on 127.0.0.1; sets HTTPD_URL,
# HTTPD_PORT, HTTPD_PID, HTTPD_LOG (one line per request). See httpd.py.
httpd_start() {
	local root=$1
	shift
	local state
	state=$(mktemp -d "${TMPDIR:-/tmp}/bpo-httpd.XXXXXX")
	HTTPD_LOG="$state/requests.log"
	: >"$HTTPD_LOG"
	python3 "$_archive_lib_dir/httpd.py" --root "$root" --log "$HTTPD_LOG" \
		--port-file "$state/port" "$@" >/dev/null 2>"$state/stderr" &
	HTTPD_PID=$!
	HTTPD_STATE=$state
	local i
	# up to 30 s: python's start on a loaded machine (parallel make check)
	for i in $(seq 1 600); do
		[ -s "$state/port" ] && break
		if ! kill -0 "$HTTPD_PID" 2>/dev/null; then
			echo "httpd_start: server died:" >&2
			cat "$state/stderr" >&2
			return 1
		fi
		sleep 0.05
	done
	if [ ! -s "$state/port" ]; then
		echo "httpd_start: the server did not start listening within 30 s" >&2
		return 1
	fi
	HTTPD_PORT=$(cat "$state/port")
	HTTPD_URL="http://127.0.0.1:$HTTPD_PORT"
}

# httpd_stop: stop the server httpd_start started (safe to call twice).
httpd_stop() {
	if [ -n "${HTTPD_PID:-}" ]; then
		kill "$HTTPD_PID" 2>/dev/null || true
		wait "$HTTPD_PID" 2>/dev/null || true
		HTTPD_PID=
	fi
	if [ -n "${HTTPD_STATE:-}" ]; then
		rm -rf "$HTTPD_STATE"
		HTTPD_STATE=
	fi
}

# httpd_requests [PATTERN]: how many logged requests (matching the grep PATTERN).
httpd_requests() {
	if [ $# -gt 0 ]; then
		grep -c -- "$1" "$HTTPD_LOG" || true
	else
		wc -l <"$HTTPD_LOG"
	fi
}

# ---- small helpers for test scripts -------------------------------------

# test_skip MESSAGE, test_need PROGRAM...: older names of skip and need_tools
# (lib/common.bash).
test_skip() { skip "$@"; }
test_need() { need_tools "$@"; }

# expect_exit CODE PATTERN CMD...: run CMD, require exit status CODE and a line
# matching the grep -E PATTERN on its stderr (PATTERN "" matches anything).
# Output is kept in $TEST_OUT and $TEST_ERR (files under ${T:-/tmp}).
expect_exit() {
	local code=$1 pat=$2 rc=0
	shift 2
	TEST_OUT="${T:-/tmp}/expect.out"
	TEST_ERR="${T:-/tmp}/expect.err"
	"$@" >"$TEST_OUT" 2>"$TEST_ERR" || rc=$?
	if [ "$rc" -ne "$code" ]; then
		echo "FAIL: expected exit $code, got $rc: $*" >&2
		sed 's/^/  stderr: /' "$TEST_ERR" >&2
		return 1
	fi
	if [ -n "$pat" ] && ! grep -Eq -- "$pat" "$TEST_ERR"; then
		echo "FAIL: stderr does not match /$pat/: $*" >&2
		sed 's/^/  stderr: /' "$TEST_ERR" >&2
		return 1
	fi
	echo "ok: exit $code${pat:+ /$pat/}"
}
