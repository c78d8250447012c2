#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo repo init / publish / list / remove / promote / verify against real
# packages (dpkg-source, dpkg-deb, dpkg-genchanges) and real gpg: indices
# equal dpkg-scanpackages / dpkg-scansources output, Release hashes equal
# apt-ftparchive's, retention, pool clean-up, audit log, bad input leaves the
# repository unchanged with the right exit code, tampering is detected.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/repo-lib.bash"
need_tools gpg gpgconf dpkg-deb dpkg-source dpkg-genchanges dpkg-scanpackages \
	dpkg-scansources apt-ftparchive
: "${BPO:?BPO must name the bpo binary}"

t=$(mktemp -d "${TMPDIR:-/tmp}/bpo-repo-publish.XXXXXX")
cleanup() {
	set +e
	repo_killagent "$t/gh"
	repo_killagent "$t/other"
	rm -rf "$t"
}
trap cleanup EXIT
# expect CODE CMD...: run CMD, require exit status CODE, keep stderr in $t/err.
expect() {
	local want=$1 rc=0
	shift
	"$@" >"$t/out" 2>"$t/err" || rc=$?
	if [ "$rc" != "$want" ]; then
		cat "$t/out" "$t/err" >&2
		fail "exit $rc, expected $want: $*"
	fi
}

fpr=$(repo_genkey "$t/gh" repo)
ofpr=$(repo_genkey "$t/other" other)
R=$t/repo
mkdir -p "$t/up"

expect 0 "$BPO" repo init "$R" --origin "bpo test" --label "bpo test" \
	--suite bookworm-backports,staging --arch amd64,arm64 --key "$fpr" --gnupghome "$t/gh" \
	--by-hash --valid-days 7 --description "test repository"
grep -q "^Signed-By: $fpr" "$R/conf/repo" || fail "configuration lacks the key"
[ -s "$R/key.asc" ] || fail "no public key exported"
expect 2 "$BPO" repo init "$R" --origin o --label l --suite s --arch amd64 --key "$fpr" \
	--gnupghome "$t/gh"
grep -q "already a repository" "$t/err" || fail "second init: $(cat "$t/err")"
expect 2 "$BPO" repo init "$t/r2" --origin o --label l --suite s --arch amd64 --key 1234
expect 1 "$BPO" repo init "$t/r3" --origin o --label l --suite s --arch amd64 \
	--key "$ofpr" --gnupghome "$t/gh"
grep -q "no secret key" "$t/err" || fail "unknown key: $(cat "$t/err")"
expect 0 "$BPO" repo verify "$R"

rel=$R/dists/bookworm-backports/Release
grep -qx "NotAutomatic: yes" "$rel" || fail "backports suite lacks NotAutomatic"
grep -qx "ButAutomaticUpgrades: yes" "$rel" || fail "backports suite lacks ButAutomaticUpgrades"
grep -qx "Acquire-By-Hash: yes" "$rel" || fail "no Acquire-By-Hash"
# by-hash is the default of a new repository; --no-by-hash turns it off
expect 0 "$BPO" repo init "$t/r4" --origin o --label l --suite s --arch amd64 --key "$fpr" --gnupghome "$t/gh"
grep -qx "Acquire-By-Hash: yes" "$t/r4/dists/s/Release" || fail "by-hash is not the default"
[ -d "$t/r4/dists/s/main/binary-amd64/by-hash/SHA256" ] || fail "no by-hash directory by default"
expect 0 "$BPO" repo init "$t/r5" --origin o --label l --suite s --arch amd64 --key "$fpr" --gnupghome "$t/gh" --no-by-hash
if grep -q "Acquire-By-Hash" "$t/r5/dists/s/Release"; then fail "--no-by-hash: Acquire-By-Hash still there"; fi
grep -q "^Valid-Until: " "$rel" || fail "no Valid-Until"
grep -q "^NotAutomatic" "$R/dists/staging/Release" && fail "staging must not be NotAutomatic"

# publish: one arch-specific source, one with two arch-all binaries
c1=$(repo_mkpkg "$t/up" hello 1.0-1 amd64)
c2=$(repo_mkpkg "$t/up" libfoo 2.0 all libfoo1 libfoo-dev)
expect 0 "$BPO" publish "$c1" "$c2" --repo "$R" --suite bookworm-backports
for f in pool/main/h/hello/hello_1.0-1_amd64.deb pool/main/h/hello/hello_1.0-1.dsc \
	pool/main/h/hello/hello_1.0.orig.tar.gz pool/main/libf/libfoo/libfoo1_2.0_all.deb \
	pool/main/libf/libfoo/libfoo_2.0.dsc; do
	[ -f "$R/$f" ] || fail "$f not in the pool"
done
d=$R/dists/bookworm-backports
(cd "$R" && dpkg-scanpackages -m pool 2>/dev/null) >"$t/scan"
cmp "$t/scan" "$d/main/binary-amd64/Packages" || {
	diff "$t/scan" "$d/main/binary-amd64/Packages" >&2; fail "Packages differs from dpkg-scanpackages"; }
(cd "$R" && dpkg-scanpackages -m -a arm64 pool/main/libf 2>/dev/null) >"$t/scan"
cmp "$t/scan" "$d/main/binary-arm64/Packages" || fail "arm64 Packages differs (arch all)"
(cd "$R" && dpkg-scansources pool 2>/dev/null) >"$t/scan"
cmp "$t/scan" "$d/main/source/Sources" || {
	diff "$t/scan" "$d/main/source/Sources" >&2; fail "Sources differs from dpkg-scansources"; }
zcat "$d/main/binary-amd64/Packages.gz" | cmp - "$d/main/binary-amd64/Packages" || fail "Packages.gz"
xzcat "$d/main/source/Sources.xz" | cmp - "$d/main/source/Sources" || fail "Sources.xz"
# Release hashes as apt-ftparchive computes them for the same tree
cp -a "$d" "$t/copy"
rm -f "$t/copy/Release" "$t/copy/InRelease" "$t/copy/Release.gpg"
rm -rf "$t"/copy/main/*/by-hash "$t/copy/osv"
(cd "$t/copy" && apt-ftparchive release .) >"$t/aftp"
for field in MD5Sum SHA256; do
	sed -n "/^$field:/,/^[A-Z]/p" "$t/aftp" | grep '^ ' | awk '{print $1, $2, $3}' | sort >"$t/a"
	# (apt-ftparchive knows no OSV data: bpo's osv/ files are checked by security.sh)
	sed -n "/^$field:/,/^[A-Z]/p" "$rel" | grep '^ ' | grep -v ' osv/' |
		awk '{print $1, $2, $3}' | sort >"$t/b"
	cmp "$t/a" "$t/b" || { diff "$t/a" "$t/b" >&2; fail "Release $field differs from apt-ftparchive"; }
done
# by-hash copies of every index
for f in main/binary-amd64/Packages main/binary-amd64/Packages.xz main/source/Sources.gz; do
	h=$(sha256sum "$d/$f" | cut -d' ' -f1)
	cmp "$d/$f" "$d/$(dirname "$f")/by-hash/SHA256/$h" || fail "by-hash for $f"
done
# the signatures are by the repository key
gpg --homedir "$t/gh" --batch --verify "$d/InRelease" 2>"$t/v" || fail "InRelease: $(cat "$t/v")"
gpg --homedir "$t/gh" --batch --verify "$d/Release.gpg" "$rel" 2>"$t/v" || fail "Release.gpg"
expect 0 "$BPO" repo verify "$R"
grep -q "2 suites verified" "$t/out" || fail "verify output: $(cat "$t/out")"
expect 0 "$BPO" repo verify "$R" --keyring "$R/key.asc"
gpg --homedir "$t/other" --batch --armor --export "$ofpr" >"$t/other.asc"
expect 3 "$BPO" repo verify "$R" --keyring "$t/other.asc"

# list, text and JSON
expect 0 "$BPO" repo list "$R" --suite bookworm-backports
grep -qx "bookworm-backports main hello 1.0-1 amd64 (source hello 1.0-1)" "$t/out" || fail "list"
expect 0 "$BPO" repo list "$R" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==7, d; assert {"hello","libfoo1","libfoo-dev","libfoo"} == {x["package"] for x in d}' "$t/out" ||
	fail "list --json"
expect 2 "$BPO" repo list "$R" --suite nosuch

# audit log: one line per change with time, user, action, source, version, suite, key
grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z user=[^ ]+ action=publish source=hello version=1.0-1 suite=bookworm-backports key=$fpr$" \
	"$R/log/audit.log" || fail "audit log: $(cat "$R/log/audit.log")"

# a newer version replaces the old one (Keep: 1) and the old pool files go
c3=$(repo_mkpkg "$t/up" hello 1.1-1 amd64)
expect 0 "$BPO" publish "$c3" --repo "$R" --suite bookworm-backports
grep -q "^Version: 1.1-1" "$d/main/binary-amd64/Packages" || fail "1.1-1 not published"
grep -q "^Version: 1.0-1" "$d/main/binary-amd64/Packages" && fail "1.0-1 not dropped"
[ -e "$R/pool/main/h/hello/hello_1.0-1_amd64.deb" ] && fail "old pool file kept"
# --keep 2 keeps both
c4=$(repo_mkpkg "$t/up" hello 1.2-1 amd64)
expect 0 "$BPO" publish "$c4" --repo "$R" --suite bookworm-backports --keep 2
[ "$(grep -c '^Package: hello$' "$d/main/binary-amd64/Packages")" = 2 ] || fail "--keep 2"
# publishing the same upload again changes nothing but the date
expect 0 "$BPO" publish "$c4" --repo "$R" --suite bookworm-backports --keep 2
[ "$(grep -c '^Package: hello$' "$d/main/binary-amd64/Packages")" = 2 ] || fail "republish"

# promote to staging without rebuilding, then remove
expect 0 "$BPO" repo promote "$R" hello --from bookworm-backports --to staging
grep -q "^Version: 1.2-1" "$R/dists/staging/main/binary-amd64/Packages" || fail "promote"
grep -q "^Version: 1.1-1" "$R/dists/staging/main/binary-amd64/Packages" && fail "promote took old"
expect 1 "$BPO" repo promote "$R" nosuch --from bookworm-backports --to staging
expect 0 "$BPO" repo remove "$R" hello 1.1-1 --suite bookworm-backports
[ -e "$R/pool/main/h/hello/hello_1.1-1_amd64.deb" ] && fail "removed version left in pool"
expect 0 "$BPO" repo remove "$R" hello --suite bookworm-backports
[ -e "$R/pool/main/h/hello/hello_1.2-1_amd64.deb" ] || fail "staging still needs 1.2-1"
grep -q "^Package: hello" "$d/main/binary-amd64/Packages" && fail "remove"
expect 1 "$BPO" repo remove "$R" hello --suite bookworm-backports
grep -q "action=promote source=hello version=1.2-1 suite=staging" "$R/log/audit.log" || fail "audit promote"
grep -q "action=remove source=hello version=- suite=bookworm-backports" "$R/log/audit.log" || fail "audit remove"
expect 0 "$BPO" repo verify "$R"

# bad input: exit code, one clear line, repository unchanged
before=$(repo_tree_hash "$R")
unchanged() { [ "$(repo_tree_hash "$R")" = "$before" ] || fail "repository changed by: $*"; }
c5=$(repo_mkpkg "$t/up" zed 1.0 amd64)
expect 2 "$BPO" publish "$c5" --repo "$R" --suite nosuch
grep -q "unknown suite 'nosuch'" "$t/err" || fail "unknown suite message: $(cat "$t/err")"
unchanged "unknown suite"
expect 2 "$BPO" publish "$c5" --repo "$R" --suite staging --component contrib
unchanged "unknown component"
expect 2 "$BPO" publish --repo "$R" --suite staging
# wrong hash: corrupt the .deb after the .changes was made
cp "$t/up/zed_1.0_amd64.deb" "$t/deb.saved"
printf 'X' | dd of="$t/up/zed_1.0_amd64.deb" bs=1 seek=100 conv=notrunc 2>/dev/null
expect 3 "$BPO" publish "$c5" --repo "$R" --suite staging
grep -q "zed_1.0_amd64.deb does not match" "$t/err" || fail "hash message: $(cat "$t/err")"
unchanged "wrong hash"
# missing file
rm "$t/up/zed_1.0_amd64.deb"
expect 3 "$BPO" publish "$c5" --repo "$R" --suite staging
grep -q "lists zed_1.0_amd64.deb, which is missing" "$t/err" || fail "missing: $(cat "$t/err")"
unchanged "missing file"
# a corrupt .deb whose .changes hashes match: bad input (2)
mkdir -p "$t/bad"
c6=$(repo_mkpkg "$t/bad" broken 1.0 amd64)
head -c 300 "$t/bad/broken_1.0_amd64.deb" >"$t/trunc" && mv "$t/trunc" "$t/bad/broken_1.0_amd64.deb"
python3 - "$c6" "$t/bad/broken_1.0_amd64.deb" <<'PY'
import hashlib, os, re, sys
ch, deb = sys.argv[1], sys.argv[2]
data = open(deb, "rb").read()
name, size = os.path.basename(deb), len(data)
md5, sha1, sha256 = (hashlib.new(a, data).hexdigest() for a in ("md5", "sha1", "sha256"))
out = []
for line in open(ch).read().split("\n"):
    if line.endswith(" " + name):
        f = line.split()
        h = {32: md5, 40: sha1, 64: sha256}[len(f[0])]
        line = " " + " ".join([h, str(size)] + f[2:])
    out.append(line)
open(ch, "w").write("\n".join(out))
PY
expect 2 "$BPO" publish "$c6" --repo "$R" --suite staging
grep -q "broken_1.0_amd64.deb: " "$t/err" || fail "corrupt .deb message: $(cat "$t/err")"
unchanged "corrupt deb"
# a .changes that is not one
echo "garbage" >"$t/bad/x.changes"
expect 2 "$BPO" publish "$t/bad/x.changes" --repo "$R" --suite staging
unchanged "garbage .changes"
cp "$t/deb.saved" "$t/up/zed_1.0_amd64.deb"
expect 0 "$BPO" publish "$c5" --repo "$R" --suite staging

# uploads that must be signed
gpg --homedir "$t/gh" --batch --armor --export "$fpr" >"$t/uploaders.asc"
R2=$t/signed
expect 0 "$BPO" repo init "$R2" --origin o --label l --suite s --arch amd64 --key "$fpr" \
	--gnupghome "$t/gh" --require-signed-uploads "$t/uploaders.asc"
before2=$(repo_tree_hash "$R2")
expect 3 "$BPO" publish "$c5" --repo "$R2" --suite s
grep -q "no valid OpenPGP signature\|no OpenPGP signature" "$t/err" || fail "unsigned: $(cat "$t/err")"
gpg --homedir "$t/other" --batch --yes --pinentry-mode loopback --passphrase '' \
	--clearsign -o "$t/up/zed_other.changes" "$c5" 2>/dev/null
expect 3 "$BPO" publish "$t/up/zed_other.changes" --repo "$R2" --suite s
grep -q "which is not in the keyring" "$t/err" || fail "foreign signer: $(cat "$t/err")"
[ "$(repo_tree_hash "$R2")" = "$before2" ] || fail "refused uploads changed the repository"
gpg --homedir "$t/gh" --batch --yes --pinentry-mode loopback --passphrase '' \
	--clearsign -o "$t/up/zed_good.changes" "$c5" 2>/dev/null
expect 0 "$BPO" publish "$t/up/zed_good.changes" --repo "$R2" --suite s
grep -q "uploader=$fpr" "$R2/log/audit.log" || fail "audit lacks the uploader"

# --compress gz: no .xz indices, Release lists what is there
expect 0 "$BPO" repo init "$t/gz" --origin o --label l --suite s --arch amd64 --key "$fpr" \
	--gnupghome "$t/gh" --compress gz
grep -qx "Compressions: gz" "$t/gz/conf/repo" || fail "Compressions not in the configuration"
expect 0 "$BPO" publish "$c5" --repo "$t/gz" --suite s
[ -e "$t/gz/dists/s/main/binary-amd64/Packages.gz" ] || fail "--compress gz: no Packages.gz"
[ -e "$t/gz/dists/s/main/binary-amd64/Packages.xz" ] && fail "--compress gz: Packages.xz written"
grep -q "Packages.xz" "$t/gz/dists/s/Release" && fail "--compress gz: Release names .xz"
expect 0 "$BPO" repo verify "$t/gz"
expect 2 "$BPO" repo init "$t/gz2" --origin o --label l --suite s --arch amd64 --key "$fpr" \
	--compress bz2

# --key-file: the key imported into a private home
gpg --homedir "$t/gh" --batch --pinentry-mode loopback --passphrase '' --armor \
	--export-secret-keys "$fpr" >"$t/secret.asc"
expect 0 "$BPO" repo init "$t/kf" --origin o --label l --suite s --arch amd64 --key "$fpr" \
	--key-file "$t/secret.asc"
expect 0 "$BPO" publish "$c5" --repo "$t/kf" --suite s
expect 0 "$BPO" repo verify "$t/kf"

# tampering is found by verify (exit 3), and no change builds on it
cp -a "$R/dists/staging" "$t/staging.saved"
sed -i 's/^Maintainer: .*/Maintainer: Mallory <m@example.invalid>/' "$R/dists/staging/main/binary-amd64/Packages"
expect 3 "$BPO" repo verify "$R"
grep -q "main/binary-amd64/Packages: size or SHA256 differs" "$t/out" || fail "verify: $(cat "$t/out")"
before=$(repo_tree_hash "$R")
expect 3 "$BPO" repo remove "$R" zed --suite staging
grep -q "suite staging is not as bpo signed it" "$t/err" || fail "edited state: $(cat "$t/err")"
expect 3 "$BPO" publish "$c5" --repo "$R" --suite staging
expect 3 "$BPO" repo refresh "$R" --suite staging
unchanged "a change on an edited suite"
rm -rf "$R/dists/staging" && cp -a "$t/staging.saved" "$R/dists/staging"
expect 0 "$BPO" repo verify "$R"
expect 0 "$BPO" repo remove "$R" zed --suite staging
expect 0 "$BPO" repo refresh "$R"
grep -q "action=refresh source=- version=- suite=staging" "$R/log/audit.log" || fail "audit refresh"
expect 0 "$BPO" repo verify "$R"
# re-signed by another key
cp "$R/dists/staging/InRelease" "$t/InRelease.saved"
gpg --homedir "$t/other" --batch --yes --pinentry-mode loopback --passphrase '' \
	--clearsign -o "$R/dists/staging/InRelease" "$R/dists/staging/Release" 2>/dev/null
expect 3 "$BPO" repo verify "$R"
grep -q "InRelease: signed by unknown key" "$t/out" || fail "verify resign: $(cat "$t/out")"
cp "$t/InRelease.saved" "$R/dists/staging/InRelease"
# an unreferenced pool file is a warning, a changed pool file an error
expect 0 "$BPO" repo remove "$R" libfoo --suite bookworm-backports
echo stray >"$R/pool/main/h/hello/stray.deb"
expect 0 "$BPO" repo verify "$R"
grep -q "warning: pool/main/h/hello/stray.deb: in the pool but named by no index" "$t/out" ||
	fail "stray: $(cat "$t/out")"
echo x >>"$R/pool/main/h/hello/hello_1.2-1_amd64.deb"
expect 3 "$BPO" repo verify "$R"
grep -q "hello_1.2-1_amd64.deb: size or SHA256 differs" "$t/out" || fail "pool tamper: $(cat "$t/out")"
echo "ok: repo publish"
