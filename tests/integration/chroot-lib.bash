# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the chroot-*.sh and build-*.sh tests (sourced, not run).
# The bookworm image comes from tests/prepare.d/20-chroot-image.sh, in
# $BPO_TEST_CACHE/bpo-cache (BPO_CACHE_DIR), made once and reused.

: "${BPO:?BPO (the bpo binary) must be set}"
: "${BPO_SRCDIR:?BPO_SRCDIR must be set}"
: "${BPO_TEST_CACHE:=/var/tmp/bpo-test-cache}"
export BPO_CACHE_DIR="$BPO_TEST_CACHE/bpo-cache"
export BPO_CHROOT_DIR="$BPO_SRCDIR/chroot"
export LC_ALL=C.UTF-8
# skip, fail, slow_test, need_root
. "$BPO_SRCDIR/tests/integration/lib/common.bash"

need_image() {
	[ -f "$BPO_CACHE_DIR/chroots/bookworm-$(dpkg --print-architecture).meta" ] ||
		skip "no bookworm image in $BPO_CACHE_DIR (tests/prepare.d/20-chroot-image.sh makes it)"
}

# The host's mounts that involve bpo's cache (every mount bpo makes has its
# mount point, upper or work directory there; other tests running at the
# same time may mount elsewhere), without the per-mount ids.
mounts() {
	grep -F -- "$BPO_CACHE_DIR" /proc/self/mountinfo | awk '{ $1 = ""; $2 = ""; print }' | sort
	grep -c -F -- "$BPO_CACHE_DIR" /proc/self/mountinfo || true
}

# make_dsc DIR [EXTRA-FILE...]: the fixture package in DIR with the named
# debian/ marker files added (see tests/data/build/README.md); prints the .dsc.
make_dsc() {
	local dir=$1
	shift
	cp -r "$BPO_SRCDIR/tests/data/build/bpo-hello" "$dir/"
	chmod -R u+w "$dir/bpo-hello"
	chmod +x "$dir/bpo-hello/debian/rules"
	local f
	for f in "$@"; do
		case "$f" in
		*=*) printf '%s\n' "${f#*=}" >"$dir/bpo-hello/debian/${f%%=*}" ;;
		*) : >"$dir/bpo-hello/debian/$f" ;;
		esac
	done
	(cd "$dir" && dpkg-source -q -b bpo-hello >/dev/null 2>&1) || fail "dpkg-source -b failed"
	echo "$dir/bpo-hello_1.0.dsc"
}

# private_cache: a cache of this test's own under $BPO_TEST_CACHE (same file
# system as the shared one) that links the shared image, its unpacked tree and
# the shared build-dependency layers, so that this test's temporary roots and
# mounts can be told from those of tests running at the same time. Exports
# BPO_CACHE_DIR; remove it with drop_private_cache.
# private_cache own-layers: the build-dependency layers too are the test's own
# (removed with it): for builds whose layer key is new on every run (an extra
# source or target repository signed by a throwaway key), which would
# otherwise leave a layer of some 160 MB in the shared cache per run.
private_cache() {
	local shared="$BPO_TEST_CACHE/bpo-cache" arch sha
	arch=$(dpkg --print-architecture)
	sha=$(sed -n 's/^SHA256: //p' "$shared/chroots/bookworm-$arch.meta")
	[ -d "$shared/chroots/unpacked/$sha" ] ||
		BPO_CACHE_DIR="$shared" "$BPO" chroot exec bookworm --no-network -- /bin/true
	mkdir -p "$shared/chroots/layers"
	PRIVATE_CACHE=$(mktemp -d "$BPO_TEST_CACHE/run.XXXXXX")
	chmod 755 "$PRIVATE_CACHE"
	mkdir -p "$PRIVATE_CACHE/chroots/unpacked"
	cp "$shared/chroots/bookworm-$arch.meta" "$PRIVATE_CACHE/chroots/"
	ln -s "$shared/chroots/bookworm-$arch.tar.zst" "$PRIVATE_CACHE/chroots/"
	ln -s "$shared/chroots/unpacked/$sha" "$PRIVATE_CACHE/chroots/unpacked/$sha"
	if [ "${1:-}" = own-layers ]; then
		mkdir "$PRIVATE_CACHE/chroots/layers"
	else
		ln -s "$shared/chroots/layers" "$PRIVATE_CACHE/chroots/layers"
	fi
	export BPO_CACHE_DIR="$PRIVATE_CACHE"
}

drop_private_cache() {
	if [ -n "${PRIVATE_CACHE:-}" ]; then
		rm -rf "$PRIVATE_CACHE"
	fi
	return 0
}

# No temporary directory of bpo may be left in the (private) cache.
assert_no_tmp() {
	local left
	left=$(find "$BPO_CACHE_DIR/chroots/tmp" -mindepth 1 -maxdepth 1 2>/dev/null || true)
	[ -z "$left" ] || fail "temporary directories left behind: $left"
}

# need_rootless_user: the ordinary user of .ci/setup.d/20-build-user.sh
# (BPO_TEST_USER, default bpo-rootless) with /etc/subuid and /etc/subgid ranges,
# and newuidmap; skips otherwise. Sets ROOTLESS_USER.
need_rootless_user() {
	ROOTLESS_USER=${BPO_TEST_USER:-bpo-rootless}
	getent passwd "$ROOTLESS_USER" >/dev/null ||
		skip "no user $ROOTLESS_USER (run .ci/setup.d/20-build-user.sh)"
	grep -q "^$ROOTLESS_USER:" /etc/subuid && grep -q "^$ROOTLESS_USER:" /etc/subgid ||
		skip "$ROOTLESS_USER has no /etc/subuid and /etc/subgid ranges" \
			"(run .ci/setup.d/20-build-user.sh)"
	command -v newuidmap >/dev/null || skip "newuidmap missing (package uidmap)"
}

# rootless_home DIR: what the user needs, where the user can reach it: the
# binary (DIR/bpo), the release configuration (DIR/chroot) and a cache of its
# own that links the prepared image (DIR/cache, owned by the user; bpo unpacks
# the image there as that user). DIR must be reachable by the user.
rootless_home() {
	local dir=$1 arch shared="$BPO_TEST_CACHE/bpo-cache"
	arch=$(dpkg --print-architecture)
	install -m 0755 "${BPO_BIN:-$BPO}" "$dir/bpo" # the binary ($BPO may be bpo-json)
	mkdir -p "$dir/chroot" "$dir/cache/chroots"
	cp "$BPO_SRCDIR/chroot/bookworm.yaml" "$dir/chroot/"
	cp "$shared/chroots/bookworm-$arch.meta" "$dir/cache/chroots/"
	ln -s "$shared/chroots/bookworm-$arch.tar.zst" "$dir/cache/chroots/"
	chown -R "$ROOTLESS_USER" "$dir/cache"
}
