#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# repo-fulldisk: a publish onto a full disk (a 3 MB tmpfs) fails with the
# file system's own reason, "No space left on device", naming the file it was
# writing (not a stale errno such as "File exists"), exit non-zero; the
# indices are what they were, `bpo repo verify` passes, no temporary file is
# left in the pool, and after room is made the same upload publishes.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/repo-lib.bash"
need_root "mounts a small tmpfs"
need_tools gpg dpkg-deb dpkg-source dpkg-genchanges

t=$(mktemp -d "${TMPDIR:-/tmp}/bpo-repo-full.XXXXXX")
cleanup() { repo_killagent "$t/gh"; umount "$t/small" 2>/dev/null || true; rm -rf "$t"; }
trap cleanup EXIT
mkdir "$t/small" "$t/up"
mount -t tmpfs -o size=3m tmpfs "$t/small"
fpr=$(repo_genkey "$t/gh" repo)
R=$t/small/repo
"$BPO" -q repo init "$R" --origin o --label l --suite bookworm-backports --arch amd64 \
	--key "$fpr" --gnupghome "$t/gh"
c1=$(repo_mkpkg "$t/up" small 1.0-1 amd64)
"$BPO" -q publish "$c1" --repo "$R" --suite bookworm-backports || fail "the small publish failed"
before=$(cd "$R" && find dists -type f -exec sha256sum {} + | sort | sha256sum)

c2=$(REPO_MKPKG_PAYLOAD=4000000 repo_mkpkg "$t/up" bigone 1.0-1 amd64)
st=0
"$BPO" publish "$c2" --repo "$R" --suite bookworm-backports 2>"$t/err" || st=$?
[ "$st" != 0 ] || fail "a publish onto a full disk succeeded"
grep -q "bigone_1.0-1_amd64.deb.tmp-[^:]*: write error: No space left on device" "$t/err" ||
	fail "the error does not say the disk is full, naming the file: $(cat "$t/err")"
if grep -q "File exists" "$t/err"; then fail "a stale errno: $(cat "$t/err")"; fi
[ "$(wc -l <"$t/err")" -le 2 ] || fail "more than a one-line error: $(cat "$t/err")"
after=$(cd "$R" && find dists -type f -exec sha256sum {} + | sort | sha256sum)
[ "$before" = "$after" ] || fail "the indices changed after the failed publish"
[ -z "$(find "$R/pool" -name '*.tmp-*')" ] || fail "temporary files left: $(find "$R/pool" -name '*.tmp-*')"
"$BPO" -q repo verify "$R" || fail "repo verify after the failed publish"
"$BPO" repo list "$R" | grep -q bigone && fail "bigone is listed"

# room made: the same upload publishes
mount -o remount,size=20m "$t/small"
"$BPO" -q publish "$c2" --repo "$R" --suite bookworm-backports 2>"$t/err2" ||
	fail "the publish after room was made: $(cat "$t/err2")"
"$BPO" repo list "$R" | grep -q bigone || fail "bigone not published"
"$BPO" -q repo verify "$R" || fail "repo verify"
echo "PASS: publish onto a full disk"
