#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# repo-fulldisk: a publish onto a full disk (a 3 MB tmpfs) fails with the
# file system's own reason, "No space left on device", naming the file it was
# writing (not a stale errno such as "File exists"), exit non-zero; the
# indices are what they were, the pool too (what it had copied is removed
# again), `bpo repo verify` passes without a warning, and after room is
# made the same upload publishes. Orphans another way (a killed publisher's
# copies, made by hand here) go at the next publish, refresh and remove.
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
"$BPO" repo verify "$R" >"$t/verify" 2>&1 || fail "repo verify after the failed publish: $(cat "$t/verify")"
# the files it had copied before the disk was full went again (the .dsc)
if grep -q "named by no index" "$t/verify"; then fail "orphan pool files: $(cat "$t/verify")"; fi
"$BPO" repo list "$R" | grep -q bigone && fail "bigone is listed"

# room made: the same upload publishes
mount -o remount,size=20m "$t/small"
"$BPO" -q publish "$c2" --repo "$R" --suite bookworm-backports 2>"$t/err2" ||
	fail "the publish after room was made: $(cat "$t/err2")"
"$BPO" repo list "$R" | grep -q bigone || fail "bigone not published"
"$BPO" -q repo verify "$R" || fail "repo verify"
# orphans (as a publisher killed after copying leaves them) go at the next
# change of the repository: a publish, a refresh, a remove
for how in publish refresh remove; do
	mkdir -p "$R/pool/main/o/orphan"
	echo junk >"$R/pool/main/o/orphan/orphan_1.0.dsc"
	echo junk >"$R/pool/main/o/orphan/orphan_1.0_amd64.deb.tmp-abc123"
	"$BPO" repo verify "$R" 2>&1 | grep -q "orphan_1.0.dsc: in the pool but named by no index" ||
		fail "$how: repo verify does not see the orphan"
	case $how in
	publish) "$BPO" -q publish "$(repo_mkpkg "$t/up" other 1.0-1 amd64)" --repo "$R" --suite bookworm-backports ;;
	refresh) "$BPO" -q repo refresh "$R" ;;
	remove) "$BPO" -q repo remove "$R" other --suite bookworm-backports ;;
	esac
	[ ! -e "$R/pool/main/o/orphan/orphan_1.0.dsc" ] && [ ! -e "$R/pool/main/o/orphan/orphan_1.0_amd64.deb.tmp-abc123" ] ||
		fail "$how left the orphans: $(ls "$R/pool/main/o/orphan")"
	"$BPO" repo verify "$R" >"$t/verify" 2>&1 || fail "$how: repo verify"
	if grep -q "named by no index" "$t/verify"; then fail "$how: $(cat "$t/verify")"; fi
done
"$BPO" repo list "$R" | grep -q bigone || fail "bigone went with the orphans"
echo "PASS: publish onto a full disk"
