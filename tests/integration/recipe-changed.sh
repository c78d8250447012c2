#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A changed recipe is noticed (#17.1): bpo source records what a backport is
# made of in its .dsc (Bpo-Recipe: the source's version and the digest of the
# recipe and its patches), publish carries it into the repository's Sources;
# bpo check then says up-to-date while the recipe says the same, also when it
# moved or only its qa, limits or Valid-Until handling changed, and
# 'recipe changed since V was published' (exit 10, status recipe-changed and
# the reason in --json) once a patch changed or was added; bpo source then
# makes the next ~bpo12+M by itself (the recipe's publish.repo counts). A
# loopback signed archive, no chroot: the source uploads are published.
set -euo pipefail

: "${BPO:?}" "${BPO_SRCDIR:?}"
. "$BPO_SRCDIR/tests/integration/lib/common.bash"
need_tools gpg dpkg-source dpkg-genchanges apt-ftparchive xz python3

. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/bpo-recipe-changed.XXXXXX")
trap 'httpd_stop; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT

archive_key "$T/key" >/dev/null
KEYRING=$T/key/keyring.gpg
WWW=$T/www
archive_source "$WWW/src" hello 2.10-5 quilt >/dev/null
archive_indices "$WWW/src" trixie
archive_sign "$WWW/src" trixie "$T/key"
archive_source "$WWW/tgt" hello 2.10-3 quilt >/dev/null
archive_indices "$WWW/tgt" bookworm
archive_sign "$WWW/tgt" bookworm "$T/key"
httpd_start "$WWW"

archive_key "$T/rkey" "recipe-changed repo <repo@example.invalid>" >/dev/null
rfpr=$ARCHIVE_KEY_FPR
cat >"$T/bpo.conf" <<EOF
mirror: $HTTPD_URL/tgt
security-mirror: $HTTPD_URL/tgt
cache-dir: $T/cache
EOF
bpo() { SOURCE_DATE_EPOCH=1700000000 "$BPO" -c "$T/bpo.conf" "$@"; }
bpo -q repo init "$T/repo" --origin rc --label rc --suite bookworm-backports --arch amd64 \
	--key "$rfpr" --gnupghome "$T/rkey/gnupg"

mkdir -p "$T/r/patches"
patch_readme() { # LINE: a patch adding LINE to the README
	printf -- '--- a/README\n+++ b/README\n@@ -1 +1,2 @@\n hello from hello 2.10-5\n+%s\n' "$1"
}
patch_readme 'built for bookworm-backports' >"$T/r/patches/readme.patch"
cat >"$T/r/hello.yaml" <<EOF
source:
  package: hello
  archive: $HTTPD_URL/src
  suite: trixie
  keyring: $KEYRING
target:
  release: bookworm
changelog:
  maintainer: Backport Builder <backports@example.invalid>
patches:
  - patches/readme.patch
publish:
  repo: $T/repo
  suite: bookworm-backports
EOF
targs=(--target-archive "$HTTPD_URL/tgt" --target-keyring "$KEYRING" --target-suites bookworm --arch amd64)

# source DEST RECIPE: bpo source, then publish its source upload
source_publish() {
	bpo source "${targs[@]}" --dest "$1" "$2" >"$1.out" 2>"$1.err" || {
		cat "$1.err" >&2; fail "bpo source $2"; }
	bpo -q publish "$1"/*_source.changes --repo "$T/repo" --suite bookworm-backports ||
		fail "publish $1"
}
# check WANT-EXIT RECIPE...: bpo check, its text in $T/check.out, --json in $T/check.json
check() {
	local want=$1 rc=0
	shift
	bpo check "$@" >"$T/check.out" 2>"$T/check.err" || rc=$?
	[ "$rc" = "$want" ] || fail "bpo check $*: exit $rc, expected $want: $(cat "$T/check.out" "$T/check.err")"
	rc=0
	bpo check --json "$@" >"$T/check.json" 2>/dev/null || rc=$?
	[ "$rc" = "$want" ] || fail "bpo check --json $*: exit $rc, expected $want"
	json_valid check "$T/check.json"
}

# 1. the first backport records what it was made of, up to date after publish
check 10 "$T/r/hello.yaml"
grep -q 'not-published' "$T/check.out" || fail "not reported unpublished: $(cat "$T/check.out")"
mkdir "$T/o1"
source_publish "$T/o1" "$T/r/hello.yaml"
dsc=$T/o1/hello_2.10-5~bpo12+1.dsc
[ -f "$dsc" ] || fail "no $dsc: $(ls "$T/o1")"
grep -Eq '^Bpo-Recipe: 2\.10-5 sha256:[0-9a-f]{64}$' "$dsc" || fail "no Bpo-Recipe in the .dsc: $(cat "$dsc")"
grep -Eq '^Bpo-Recipe: 2\.10-5 sha256:' "$T/repo/dists/bookworm-backports/main/source/Sources" ||
	fail "Sources does not carry Bpo-Recipe"
check 0 "$T/r/hello.yaml"
grep -q '^up-to-date .*hello.yaml: hello 2.10-5 (published: 2.10-5~bpo12+1' "$T/check.out" ||
	fail "check: $(cat "$T/check.out")"
recorded=$(sed -n 's/^Bpo-Recipe: 2\.10-5 sha256://p' "$dsc")
python3 - "$T/check.json" "$recorded" <<'PY'
import json, sys
[r] = json.load(open(sys.argv[1]))
assert r["status"] == "up-to-date" and r["reason"] is None, r
assert r["recipe_sha256"] == r["published_recipe_sha256"] == sys.argv[2], r
PY

# 2. what does not change the backport: the recipe moved, its qa, limits,
#    timeout and Valid-Until handling changed, the same patch under another path
mkdir -p "$T/moved/elsewhere"
cp "$T/r/patches/readme.patch" "$T/moved/elsewhere/readme.patch"
sed -e 's|patches/readme.patch|elsewhere/readme.patch|' \
    -e "s|^  keyring: .*|&\n  check-valid-until: false|" "$T/r/hello.yaml" >"$T/moved/hello.yaml"
printf 'qa:\n  lintian: skip\nlimits:\n  ratio: 500\nbuild:\n  timeout: 2h\n' >>"$T/moved/hello.yaml"
check 0 "$T/moved/hello.yaml"

# 3. the patch's content changed: recipe-changed, exit 10, with the reason
patch_readme 'built for bookworm-backports (CVE-2026-0001 fixed)' >"$T/r/patches/readme.patch"
check 10 "$T/r/hello.yaml"
grep -q '^recipe-changed .*hello.yaml: .*recipe changed since 2.10-5~bpo12+1 was published' "$T/check.out" ||
	fail "check text: $(cat "$T/check.out")"
python3 - "$T/check.json" <<'PY'
import json, sys
[r] = json.load(open(sys.argv[1]))
assert r["status"] == "recipe-changed", r
assert r["reason"] == "recipe changed since 2.10-5~bpo12+1 was published", r
assert r["recipe_sha256"] != r["published_recipe_sha256"], r
PY
# the unchanged copy elsewhere is still up to date (it has the old patch)
check 0 "$T/moved/hello.yaml"

# 4. bpo source makes the next version by itself; once published, up to date
mkdir "$T/o2"
source_publish "$T/o2" "$T/r/hello.yaml"
[ -f "$T/o2/hello_2.10-5~bpo12+2.dsc" ] || fail "not ~bpo12+2: $(ls "$T/o2")"
check 0 "$T/r/hello.yaml"

# 5. a second patch added: changed again; a build setting too
cat >"$T/r/patches/news.patch" <<'EOF'
--- /dev/null
+++ b/NEWS.bpo
@@ -0,0 +1 @@
+backported
EOF
sed -i 's|^  - patches/readme.patch|&\n  - patches/news.patch|' "$T/r/hello.yaml"
check 10 "$T/r/hello.yaml"
grep -q 'recipe changed since 2.10-5~bpo12+2 was published' "$T/check.out" || fail "check: $(cat "$T/check.out")"
mkdir "$T/o3"
source_publish "$T/o3" "$T/r/hello.yaml"
[ -f "$T/o3/hello_2.10-5~bpo12+3.dsc" ] || fail "not ~bpo12+3: $(ls "$T/o3")"
check 0 "$T/r/hello.yaml"
printf 'build:\n  profiles: [nocheck]\n' >>"$T/r/hello.yaml"
check 10 "$T/r/hello.yaml"

# 6. failure classes (#17.7), before any chroot: a patch that does not apply
#    is patch-conflict, a source signed by another key is verify; each with
#    the lines that explain it, valid against doc/schema/build.schema.json
# build_fail CLASS STAGE RECIPE
build_fail() {
	local rc=0
	bpo build --json --no-qa "${targs[@]:0:6}" "$3" >"$T/fail.json" 2>"$T/fail.err" || rc=$?
	[ "$rc" != 0 ] || fail "bpo build $3 did not fail"
	json_valid build "$T/fail.json"
	python3 - "$T/fail.json" "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema_version"] == 1, r
assert r["class"] == sys.argv[2] and r["stage"] == sys.argv[3], r
assert r["explain"] and r["explain"][0] in r["error"], r
assert r["seconds"][sys.argv[3]] > 0, r
PY
}
mkdir "$T/bad"
printf 'source: [oops\n' >"$T/bad/broken.yaml"
printf -- '--- a/README\n+++ b/README\n@@ -1 +1 @@\n-no such line\n+x\n' >"$T/bad/conflict.patch"
sed -e "s|patches/readme.patch|$T/bad/conflict.patch|" -e '/news.patch/d' -e '/^publish:/,$d' \
	"$T/r/hello.yaml" >"$T/bad/conflict.yaml"
build_fail patch-conflict source "$T/bad/conflict.yaml"
archive_key "$T/other" >/dev/null
sed -e "s|^  keyring: .*|  keyring: $T/other/keyring.gpg|" -e '/^patches:/,$d' "$T/r/hello.yaml" >"$T/bad/verify.yaml"
rc=0
bpo build --json --no-qa "${targs[@]:0:6}" "$T/bad/verify.yaml" >"$T/fail.json" 2>/dev/null || rc=$?
[ "$rc" = 3 ] || fail "a source signed by another key: exit $rc, expected 3"
json_valid build "$T/fail.json"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["class"] == "verify" and r["stage"] == "resolve", r' "$T/fail.json"
# a recipe that does not parse: bpo build says usage, so does bpo check
rc=0
bpo build --json --no-qa "$T/bad/broken.yaml" >"$T/fail.json" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "a broken recipe: exit $rc, expected 2"
json_valid build "$T/fail.json"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["class"] == "usage" and r["explain"], r' "$T/fail.json"
check 2 "$T/bad/broken.yaml"
python3 -c 'import json,sys; [r]=json.load(open(sys.argv[1])); assert r["status"] == "error" and r["class"] == "usage", r' "$T/check.json"
echo "recipe-changed: ok"
