#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Contents-<arch> (bpo repo init --contents): COMPONENT/Contents-ARCH.gz is
# written for the suite, listed in Release (and by-hash), equal to what
# apt-ftparchive makes of the same pool; stock apt fetches it as apt-file
# configures it; each .deb is read once (DIR/cache/contents/), an unchanged
# Contents is carried over by a refresh, and a repository without --contents
# has none. Slow (stock apt in a chroot): BPO_SLOW_TESTS=0 skips it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/repo-lib.bash"
slow_test
need_tools gpg gpgconf dpkg-deb dpkg-source dpkg-genchanges python3 chroot apt-ftparchive
: "${BPO:?BPO must name the bpo binary}"

t=$(mktemp -d "${TMPDIR:-/tmp}/bpo-repo-contents.XXXXXX")
REPO_HTTPD_PID=
cleanup() {
	set +e
	if [ -n "$REPO_HTTPD_PID" ]; then
		kill "$REPO_HTTPD_PID" 2>/dev/null || true
		wait "$REPO_HTTPD_PID" 2>/dev/null || true
	fi
	repo_aptroot_done "$t"
	repo_killagent "$t/gh"
	rm -rf "$t"
}
trap cleanup EXIT

repo_aptroot "$t"
arch=$(chroot "$t/root" dpkg --print-architecture)
fpr=$(repo_genkey "$t/gh" repo)
R=$t/repo
S=bookworm-backports
C=$R/dists/$S/main/Contents-$arch.gz
mkdir -p "$t/up"
"$BPO" -q repo init "$R" --origin "bpo test" --label "bpo test" --suite $S \
	--arch "$arch" --key "$fpr" --gnupghome "$t/gh" --contents
grep -qx "Contents: yes" "$R/conf/repo" || fail "conf/repo lacks Contents: yes"
[ -f "$C" ] || fail "an empty suite has no $C"
[ "$(zcat "$C" | wc -c)" = 0 ] || fail "the empty suite's Contents is not empty"
c1=$(repo_mkpkg "$t/up" hello 1.0-1 "$arch")
c2=$(repo_mkpkg "$t/up" libfoo 2.0 all libfoo-data libfoo-doc)
"$BPO" -q publish "$c1" "$c2" --repo "$R" --suite $S
"$BPO" repo verify "$R" >/dev/null || fail "repo verify after publishing with Contents"

# the reference: apt-ftparchive over the same pool (its spacing differs, and
# without an override file it names no section: compared without them)
norm() { sed -E 's/[[:space:]]+/ /' | LC_ALL=C sort; }
(cd "$R" && apt-ftparchive contents pool) | norm >"$t/ref"
zcat "$C" | norm | sed -E 's#([ ,])[^ ,/]+/#\1#g' >"$t/got"
[ -s "$t/ref" ] || fail "apt-ftparchive listed nothing"
diff -u "$t/ref" "$t/got" || fail "Contents-$arch differs from apt-ftparchive's"
zcat "$C" | grep -q "^usr/share/doc/hello/README  *misc/hello$" || fail "hello's file: $(zcat "$C")"
zcat "$C" | grep -q "^usr/share/doc/libfoo-doc/README  *misc/libfoo-doc$" ||
	fail "an Architecture: all package's file: $(zcat "$C")"
# sorted by path, as apt-file and dak expect
zcat "$C" | cut -d' ' -f1 | LC_ALL=C sort -c || fail "Contents is not sorted by path"
sha=$(sha256sum <"$C" | cut -d' ' -f1)
grep -q " $sha  *[0-9]* main/Contents-$arch.gz$" "$R/dists/$S/Release" ||
	fail "Release does not list main/Contents-$arch.gz with its sha256"
[ -f "$R/dists/$S/main/by-hash/SHA256/$sha" ] || fail "Contents is not under by-hash"

# stock apt fetches it as apt-file configures it (its 50apt-file.conf)
mkdir -p "$t/root/etc/apt/keyrings" "$t/root/etc/apt/sources.list.d"
cp "$R/key.asc" "$t/root/etc/apt/keyrings/bpo.asc"
cat >"$t/root/etc/apt/apt.conf.d/50bpo-contents.conf" <<'EOC'
Acquire::IndexTargets::deb::Contents-deb {
	MetaKey "$(COMPONENT)/Contents-$(ARCHITECTURE)";
	ShortDescription "Contents-$(ARCHITECTURE)";
	Description "$(RELEASE)/$(COMPONENT) $(ARCHITECTURE) Contents (deb)";
	flatMetaKey "Contents-$(ARCHITECTURE)";
	flatDescription "$(RELEASE) Contents (deb)";
	KeepCompressed "true";
};
EOC
repo_serve "$R" "$t"
cat >"$t/root/etc/apt/sources.list.d/bpo.sources" <<EOC
Types: deb
URIs: http://127.0.0.1:$REPO_PORT/
Suites: $S
Components: main
Signed-By: /etc/apt/keyrings/bpo.asc
EOC
apt_update() {
	rm -rf "$t/root/var/lib/apt/lists"
	mkdir -p "$t/root/var/lib/apt/lists/partial"
	chroot "$t/root" apt-get -o Acquire::Retries=0 -o Acquire::http::Proxy=false update \
		>"$t/apt.out" 2>&1
}
apt_update || { cat "$t/apt.out" >&2; fail "apt-get update failed"; }
if grep -E '^(W|E):' "$t/apt.out"; then
	cat "$t/apt.out" >&2
	fail "apt-get update printed warnings or errors"
fi
grep -q "main/by-hash/SHA256/$sha" "$t/http.log" ||
	fail "apt did not fetch Contents by hash: $(cat "$t/http.log")"
f=$(chroot "$t/root" apt-get indextargets --format '$(FILENAME)' "Created-By: Contents-deb" |
	head -1)
[ -n "$f" ] || fail "apt has no Contents-deb index target"
chroot "$t/root" /usr/lib/apt/apt-helper cat-file "$f" >"$t/apt-contents" ||
	fail "apt-helper cannot read $f"
grep -q "^usr/share/doc/hello/README  *misc/hello$" "$t/apt-contents" ||
	fail "apt's copy of Contents: $(cat "$t/apt-contents")"

# each .deb is read once: its file list is kept by its sha256 and read from there
deb=$(ls "$R"/pool/main/libf/libfoo/libfoo-data_2.0_all.deb)
dsha=$(sha256sum <"$deb" | cut -d' ' -f1)
[ -f "$R/cache/contents/$dsha" ] || fail "no cache/contents entry for libfoo-data"
echo "usr/share/doc/libfoo-data/MARK-from-the-cache" >"$R/cache/contents/$dsha"
c3=$(repo_mkpkg "$t/up" hello 1.1-1 "$arch")
"$BPO" -q publish "$c3" --repo "$R" --suite $S
zcat "$C" >"$t/c2"
grep -q "^usr/share/doc/libfoo-data/MARK-from-the-cache  *misc/libfoo-data$" "$t/c2" ||
	fail "the second publish read libfoo-data again instead of its cached list: $(cat "$t/c2")"
grep -q "^usr/share/doc/hello/README  *misc/hello$" "$t/c2" || fail "hello 1.1-1's file: $(cat "$t/c2")"
[ "$(grep -c 'misc/hello$' "$t/c2")" = 1 ] || fail "hello listed twice after its upgrade"
# deleting the cache is safe: the next change reads the pool again
rm -rf "$R/cache"
"$BPO" -q repo remove "$R" libfoo 2.0 --suite $S
zcat "$C" >"$t/c3"
if grep -q libfoo "$t/c3"; then fail "libfoo still in Contents after its removal"; fi
grep -q "^usr/share/doc/hello/README  *misc/hello$" "$t/c3" || fail "hello lost: $(cat "$t/c3")"
"$BPO" repo verify "$R" >/dev/null || fail "repo verify after remove"

# a refresh carries the unchanged Contents over (the same file, hard-linked)
ino=$(stat -c %i "$C")
"$BPO" -q repo refresh "$R"
[ "$(stat -c %i "$C")" = "$ino" ] || fail "refresh rewrote an unchanged Contents"
grep -q " main/Contents-$arch.gz$" "$R/dists/$S/Release" || fail "refresh dropped Contents from Release"

# a repository without --contents has none, and publishing reads no .deb for it
R2=$t/repo2
"$BPO" -q repo init "$R2" --origin o --label l --suite $S --arch "$arch" --key "$fpr" \
	--gnupghome "$t/gh"
"$BPO" -q publish "$c1" --repo "$R2" --suite $S
if ls "$R2"/dists/$S/main/Contents-* 2>/dev/null; then fail "Contents without --contents"; fi
if grep -q Contents "$R2/dists/$S/Release"; then fail "Release names Contents without --contents"; fi
[ ! -e "$R2/cache" ] || fail "cache/ made without --contents"

# a broken .deb in the pool stops the Contents with its name, and nothing is swapped in
before=$(repo_tree_hash "$R/dists")
hdeb=$(ls "$R"/pool/main/h/hello/hello_1.1-1_*.deb)
cp "$hdeb" "$t/hello.bak"
head -c 100 "$t/hello.bak" >"$hdeb"
rm -rf "$R/cache"
c4=$(repo_mkpkg "$t/up" libbar 1.0 all)
st=0
"$BPO" publish "$c4" --repo "$R" --suite $S 2>"$t/err" || st=$?
[ "$st" != 0 ] || fail "publish with a broken .deb in the pool succeeded"
grep -q "hello_1.1-1_$arch.deb" "$t/err" || fail "the error does not name the .deb: $(cat "$t/err")"
[ "$(repo_tree_hash "$R/dists")" = "$before" ] || fail "a failed Contents changed dists/"
cp "$t/hello.bak" "$hdeb"
echo "ok"
