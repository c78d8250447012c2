#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# security: the security state of two backports, end to end. A signed
# loopback archive has the target release ("bookworm": localfix 1.2-1 and
# secpkg 1.2-1) and a newer one ("trixie": secpkg 1.4-1, whose changelog
# names CVE-2026-2222 and CVE-2026-3333 above 1.2-1).
#  - localfix: a series patch onto the release's own version (+acme1) that
#    fixes CVE-2026-1111 (fixes: {id, patch});
#  - secpkg: 1.4-1 taken whole; the changelog's CVEs collected, merged with
#    the recipe's claim CVE-2026-4444 (upstream: true).
# Both are built in the real chroot and published. Checked: the changelog
# entry, Bpo-Fixes in .dsc/.changes/Sources, --json fixes, the OSV records
# (against the OSV JSON schema, tests/data/osv-schema.json) listed in the
# signed Release, repo list --fixes / show, promote, remove, verify after a
# change to a record; a claimed fix with no patch is refused with
# file:line:col; stock apt installs both into a bookworm root where `bpo
# audit` says localfix is fixed (the repository's record decides) although
# the distribution's record (fixed in 1.2-1+deb12u1) alone says vulnerable,
# and secpkg "unknown" for a CVE it does not claim; `bpo check --osv` exits
# 10 once trixie has 1.5-1 fixing CVE-2026-8888. Real chroot builds: slow.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
. "$BPO_SRCDIR/tests/integration/repo-lib.bash"
slow_test
need_root
need_image
need_tools dpkg-source dpkg-parsechangelog
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema missing"

T=$(mktemp -d /tmp/bpo-security.XXXXXX)
private_cache own-layers
REPO_HTTPD_PID=
cleanup() {
	set +e
	[ -n "$REPO_HTTPD_PID" ] && { kill "$REPO_HTTPD_PID"; wait "$REPO_HTTPD_PID"; } 2>/dev/null
	repo_aptroot_done "$T/apt"
	httpd_stop
	rm -rf "$T"
	drop_private_cache
}
trap cleanup EXIT
export DEBFULLNAME="bpo security" DEBEMAIL="security@example.invalid"
printf 'work-dir: %s\n' "$T/work" >"$T/bpo.conf"
bpo() { "$BPO" --config "$T/bpo.conf" "$@"; }
W=$T/www

archive_key "$T/akey"
KEYRING=$T/akey/keyring.gpg
# the target release
archive_dh_source "$W/tgt" localfix 1.2-1 "debhelper-compat (= 13)" localfix ""
archive_dh_source "$W/tgt" secpkg 1.2-1 "debhelper-compat (= 13)" secpkg ""
archive_indices "$W/tgt" bookworm
archive_sign "$W/tgt" bookworm "$T/akey"
# the newer release
cat >"$T/secpkg.changelog" <<'CL'
secpkg (1.4-1) unstable; urgency=high

  * New upstream release.
  * Fix CVE-2026-2222: an overflow in the parser.

 -- bpo tests <tests@example.invalid>  Mon, 01 Jun 2026 00:00:00 +0000

secpkg (1.3-1) unstable; urgency=medium

  * Fix CVE-2026-3333 (Closes: #1000).

 -- bpo tests <tests@example.invalid>  Mon, 01 May 2026 00:00:00 +0000

secpkg (1.2-1) unstable; urgency=medium

  * Fix CVE-2025-0001 (the release has it).

 -- bpo tests <tests@example.invalid>  Mon, 01 Jan 2026 00:00:00 +0000
CL
ARCHIVE_CHANGELOG=$T/secpkg.changelog archive_dh_source "$W/src" secpkg 1.4-1 \
	"debhelper-compat (= 13)" secpkg ""
archive_indices "$W/src" trixie
archive_sign "$W/src" trixie "$T/akey"
httpd_start "$W"

arch=$(dpkg --print-architecture)
archive_key "$T/rkey" "bpo security repo <repo@example.invalid>"
R=$T/repo
bpo repo init "$R" --origin sec --label sec --suite bookworm-backports,bookworm-acme \
	--arch "$arch" --key "$ARCHIVE_KEY_FPR" --gnupghome "$T/rkey/gnupg" --keep 0

mkdir -p "$T/r/patches"
cat >"$T/r/patches/fix-cve-2026-1111.patch" <<'P'
Description: Fix CVE-2026-1111
 Check the length before copying.
---
--- a/VERSION
+++ b/VERSION
@@ -1 +1,2 @@
 localfix 1.2-1
+fixed: CVE-2026-1111
P
common="  keyring: $KEYRING
target:
  release: bookworm"
cat >"$T/r/localfix.yaml" <<Y
source:
  package: localfix
  archive: $HTTPD_URL/tgt
  suite: bookworm
$common
  policy: local
  local-suffix: "+acme1"
patches:
  - patches/fix-cve-2026-1111.patch
fixes:
  - id: CVE-2026-1111
    patch: fix-cve-2026-1111.patch
publish:
  repo: $R
  suite: bookworm-backports
Y
cat >"$T/r/secpkg.yaml" <<Y
source:
  package: secpkg
  archive: $HTTPD_URL/src
  suite: trixie
$common
fixes:
  - id: CVE-2026-4444
    upstream: true
publish:
  repo: $R
  suite: bookworm-backports
Y

# a claimed fix without its patch: file:line:col, exit 2
cp "$T/r/localfix.yaml" "$T/r/bad.yaml"
sed -i 's/patch: fix-cve-2026-1111.patch/patch: missing.patch/' "$T/r/bad.yaml"
rc=0
bpo recipe check "$T/r/bad.yaml" >"$T/bad.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "a fix claiming a missing patch: exit $rc: $(cat "$T/bad.out")"
line=$(grep -n 'patch: missing.patch' "$T/r/bad.yaml" | cut -d: -f1)
grep -q "bad.yaml:$line:12: fixes\[0\].patch: CVE-2026-1111 claims the patch 'missing.patch', which is not in the recipe's series (fix-cve-2026-1111.patch)" "$T/bad.out" ||
	fail "the missing patch's message: $(cat "$T/bad.out")"
# and a fix that says neither how it is carried
sed '/^fixes:/,/upstream: true/d' "$T/r/secpkg.yaml" >"$T/r/bad2.yaml"
printf 'fixes:\n  - id: CVE-2026-9999\n' >>"$T/r/bad2.yaml"
rc=0
bpo recipe check "$T/r/bad2.yaml" >"$T/bad2.out" 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q "fixes\[0\]: CVE-2026-9999 is claimed without 'patch: NAME'" "$T/bad2.out" ||
	fail "a claim without patch or upstream: exit $rc: $(cat "$T/bad2.out")"
rm -f "$T"/r/bad*.yaml

build() {
	local name=$1 rc=0
	bpo build --no-qa --json --target-archive "$HTTPD_URL/tgt" --target-keyring "$KEYRING" \
		"$T/r/$name.yaml" >"$T/$name.json" 2>"$T/$name.err" || rc=$?
	[ "$rc" = 0 ] || { tail -30 "$T/$name.err"; fail "bpo build $name: exit $rc"; }
}
build localfix
build secpkg

# --json: the fixes with how each is carried
/usr/bin/python3 - "$T/localfix.json" "$T/secpkg.json" <<'PY' || fail "--json fixes: $(cat "$T/localfix.json" "$T/secpkg.json")"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a["version"] == "1.2-1+acme1", a["version"]
assert a["fixes"] == [{"id": "CVE-2026-1111", "via": "patch", "patch": "fix-cve-2026-1111.patch", "version": None}], a["fixes"]
assert b["version"] == "1.4-1~bpo12+1", b["version"]
got = {(f["id"], f["via"], f["version"]) for f in b["fixes"]}
assert got == {("CVE-2026-4444", "upstream", "1.4-1"), ("CVE-2026-2222", "changelog", "1.4-1"),
               ("CVE-2026-3333", "changelog", "1.3-1")}, got
PY

# the package: the changelog entry, the .dsc and the .changes
for p in localfix secpkg; do
	changes=$(/usr/bin/python3 -c 'import json,sys; print([a["path"] for a in json.load(open(sys.argv[1]))["artifacts"] if a["path"].endswith(".changes")][-1])' "$T/$p.json")
	grep -q '^Bpo-Fixes: ' "$changes" || fail "$p: no Bpo-Fixes in $changes"
	cp "$changes" "$T/$p.changes"
done
grep -q '^Bpo-Fixes: CVE-2026-1111$' "$T/localfix.changes" || fail "localfix .changes: $(grep Bpo "$T/localfix.changes")"
grep -q '^Bpo-Fixes: CVE-2026-2222, CVE-2026-3333, CVE-2026-4444$' "$T/secpkg.changes" ||
	fail "secpkg .changes: $(grep Bpo "$T/secpkg.changes")"
grep -q '^ *\* Fix CVE-2026-1111 (fix-cve-2026-1111.patch)\.$' "$T/localfix.changes" ||
	fail "localfix's changelog entry: $(sed -n '/^Changes:/,/^[A-Z]/p' "$T/localfix.changes")"
grep -q 'Carry the fixes of 1.4-1 for CVE-2026-4444, CVE-2026-2222\.' "$T/secpkg.changes" &&
	grep -q 'Carry the fixes of 1.3-1 for CVE-2026-3333\.' "$T/secpkg.changes" ||
	fail "secpkg's changelog entry: $(sed -n '/^Changes:/,/^[A-Z]/p' "$T/secpkg.changes")"
S=$R/dists/bookworm-backports
dsc=$(ls "$R"/pool/main/l/localfix/localfix_1.2-1+acme1.dsc)
grep -q '^Bpo-Fixes: CVE-2026-1111$' "$dsc" || fail "the .dsc has no Bpo-Fixes"
grep -q '^Bpo-Fixes: CVE-2026-1111$' "$S/main/source/Sources" || fail "Sources has no Bpo-Fixes"

# the OSV data: listed in the signed Release, valid against the schema
osv_list() { find "$1/osv" -type f -printf '%P\n' | sort | tr '\n' ' '; }
[ "$(osv_list "$S")" = "index.json x_bpo-localfix-CVE-2026-1111.json x_bpo-secpkg-CVE-2026-2222.json x_bpo-secpkg-CVE-2026-3333.json x_bpo-secpkg-CVE-2026-4444.json " ] ||
	fail "the suite's OSV files: $(osv_list "$S")"
for f in "$S"/osv/*.json; do
	h=$(sha256sum "$f" | cut -d' ' -f1)
	grep -q "^ $h .* osv/$(basename "$f")$" "$S/Release" || fail "$f is not in the Release"
done
/usr/bin/python3 - "$BPO_SRCDIR/tests/data/osv-schema.json" "$S"/osv/x_bpo-*.json <<'PY' || fail "the OSV records do not validate"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
for f in sys.argv[2:]:
    rec = json.load(open(f))
    errs = list(v.iter_errors(rec))
    assert not errs, (f, [e.message for e in errs])
    aff = rec["affected"][0]
    assert aff["package"]["ecosystem"] == "Debian:12", aff
    assert aff["package"]["purl"] == "pkg:deb/debian/%s?arch=source" % aff["package"]["name"], aff
    assert aff["ranges"][0]["type"] == "ECOSYSTEM", aff
    # a record that breaks the schema is caught by the same check
    bad = dict(rec); del bad["modified"]
    assert list(v.iter_errors(bad)), "the schema check cannot fail"
r = json.load(open([f for f in sys.argv[2:] if "localfix" in f][0]))
assert r["id"] == "x_bpo-localfix-CVE-2026-1111" and r["upstream"] == ["CVE-2026-1111"], r
assert r["affected"][0]["ranges"][0]["events"] == [{"introduced": "0"}, {"fixed": "1.2-1+acme1"}], r
PY
bpo repo verify "$R" >"$T/verify.out" 2>&1 || fail "repo verify: $(cat "$T/verify.out")"

# repo list --fixes and repo show
bpo repo list "$R" --fixes --suite bookworm-backports >"$T/list.out"
grep -qx 'bookworm-backports main localfix 1.2-1+acme1 fixes: CVE-2026-1111' "$T/list.out" &&
	grep -qx 'bookworm-backports main secpkg 1.4-1~bpo12+1 fixes: CVE-2026-2222, CVE-2026-3333, CVE-2026-4444' "$T/list.out" ||
	fail "repo list --fixes: $(cat "$T/list.out")"
bpo repo show "$R" localfix >"$T/show.out"
grep -qx '  CVE-2026-1111: dists/bookworm-backports/osv/x_bpo-localfix-CVE-2026-1111.json' "$T/show.out" ||
	fail "repo show: $(cat "$T/show.out")"
rc=0
bpo repo show "$R" nosuchpkg >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "repo show of an unknown source: exit $rc"

# promote carries the records; an altered or an unlisted record fails verify
bpo repo promote "$R" secpkg --from bookworm-backports --to bookworm-acme
[ -f "$R/dists/bookworm-acme/osv/x_bpo-secpkg-CVE-2026-2222.json" ] || fail "promote: no record in bookworm-acme"
cp -a "$R" "$T/tampered"
sed -i 's/1.2-1+acme1/1.2-1+acme9/' "$T/tampered/dists/bookworm-backports/osv/x_bpo-localfix-CVE-2026-1111.json"
rc=0
bpo repo verify "$T/tampered" >"$T/verify.out" 2>&1 || rc=$?
[ "$rc" = 3 ] && grep -q 'x_bpo-localfix-CVE-2026-1111.json: size or SHA256 differs' "$T/verify.out" ||
	fail "verify of an altered record: exit $rc: $(cat "$T/verify.out")"
rm -rf "$T/tampered"
cp -a "$R" "$T/tampered"
echo '{}' >"$T/tampered/dists/bookworm-backports/osv/x_bpo-evil-CVE-2026-0000.json"
rc=0
bpo repo verify "$T/tampered" >"$T/verify.out" 2>&1 || rc=$?
[ "$rc" = 3 ] && grep -q 'x_bpo-evil-CVE-2026-0000.json: not listed in' "$T/verify.out" ||
	fail "verify of an unlisted record: exit $rc: $(cat "$T/verify.out")"
rm -rf "$T/tampered"

# stock apt installs both backports into a bookworm root
repo_aptroot "$T/apt"
repo_serve "$R" "$T/apt"
mkdir -p "$T/apt/root/etc/apt/keyrings" "$T/apt/root/etc/apt/sources.list.d"
cp "$R/key.asc" "$T/apt/root/etc/apt/keyrings/bpo.asc"
cat >"$T/apt/root/etc/apt/sources.list.d/bpo.sources" <<EOC
Types: deb
URIs: http://127.0.0.1:$REPO_PORT/
Suites: bookworm-backports
Components: main
Signed-By: /etc/apt/keyrings/bpo.asc
EOC
mkdir -p "$T/apt/root/var/lib/apt/lists/partial"
chroot "$T/apt/root" apt-get -o Acquire::Retries=0 -o Acquire::http::Proxy=false update >"$T/apt.out" 2>&1 ||
	{ cat "$T/apt.out"; fail "apt-get update"; }
chroot "$T/apt/root" apt-get install -y -q -t bookworm-backports localfix secpkg >"$T/apt.out" 2>&1 ||
	{ cat "$T/apt.out"; fail "apt-get install"; }
grep -q 'fixed: CVE-2026-1111' "$T/apt/root/usr/share/localfix/version" || fail "the installed localfix lacks the patch"

# the distribution's OSV data (as Debian's on osv.dev)
D=$T/debian-osv
mkdir -p "$D"
dist_record() { # ID ECOSYSTEM PACKAGE FIXED CVE
	cat >"$D/$1.json" <<J
{"schema_version": "1.6.0", "id": "$1", "modified": "2026-06-01T00:00:00Z",
 "upstream": ["$5"],
 "affected": [{"package": {"ecosystem": "$2", "name": "$3", "purl": "pkg:deb/debian/$3?arch=source"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "$4"}]}]}]}
J
}
dist_record DEBIAN-CVE-2026-1111 Debian:12 localfix 1.2-1+deb12u1 CVE-2026-1111
dist_record DEBIAN-CVE-2026-7777 Debian:12 secpkg 1.3-1~deb12u1 CVE-2026-7777
dist_record DEBIAN-CVE-2026-6666 Debian:11 localfix 1.3-1 CVE-2026-6666
/usr/bin/python3 - "$BPO_SRCDIR/tests/data/osv-schema.json" "$D"/*.json <<'PY' || fail "the test's distribution records do not validate"
import json, sys, jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for f in sys.argv[2:]:
    assert not list(v.iter_errors(json.load(open(f)))), f
PY
dpkg --compare-versions 1.2-1+acme1 lt 1.2-1+deb12u1 || fail "the premise: +acme1 sorts below +deb12u1"

# the distribution's data alone: localfix vulnerable (exit 10)
rc=0
bpo audit --root "$T/apt/root" --osv "$D" >"$T/audit1.out" 2>"$T/audit1.err" || rc=$?
[ "$rc" = 10 ] || fail "audit with the distribution's data only: exit $rc: $(cat "$T/audit1.out" "$T/audit1.err")"
grep -q '^vulnerable localfix 1.2-1+acme1 CVE-2026-1111: DEBIAN-CVE-2026-1111 (fixed in 1.2-1+deb12u1)$' "$T/audit1.out" ||
	fail "audit (distribution only): $(cat "$T/audit1.out")"
grep -q 'CVE-2026-6666' "$T/audit1.out" && fail "a Debian:11 record was applied to a bookworm root"
# with the repository's data: fixed, decided by the repository's record (exit 0)
rc=0
bpo audit --root "$T/apt/root" --osv "$D" --osv "$R" --json >"$T/audit2.json" 2>"$T/audit2.err" || rc=$?
[ "$rc" = 0 ] || fail "audit with the repository's data: exit $rc: $(cat "$T/audit2.json" "$T/audit2.err")"
/usr/bin/python3 - "$T/audit2.json" <<'PY' || fail "audit --json: $(cat "$T/audit2.json")"
import json, sys
f = {(x["package"], x["vulnerability"]): x for x in json.load(open(sys.argv[1]))}
a = f[("localfix", "CVE-2026-1111")]
assert a["status"] == "fixed" and a["record"] == "x_bpo-localfix-CVE-2026-1111", a
assert a["decided_by_repository"] is True and a["distribution_record"] == "DEBIAN-CVE-2026-1111", a
assert a["version"] == "1.2-1+acme1" and a["fixed"] == "1.2-1+acme1", a
b = f[("secpkg", "CVE-2026-7777")]
assert b["status"] == "unknown" and b["record"] == "DEBIAN-CVE-2026-7777", b
for c in ("CVE-2026-2222", "CVE-2026-3333", "CVE-2026-4444"):
    assert f[("secpkg", c)]["status"] == "fixed", f[("secpkg", c)]
PY
bpo audit --root "$T/apt/root" --osv "$D" --osv "$R" >"$T/audit2.out" 2>/dev/null
grep -q "^fixed      localfix 1.2-1+acme1 CVE-2026-1111: x_bpo-localfix-CVE-2026-1111 (fixed in 1.2-1+acme1); DEBIAN-CVE-2026-1111 alone says vulnerable (fixed in 1.2-1+deb12u1): the repository's record decides$" "$T/audit2.out" ||
	fail "audit text: $(cat "$T/audit2.out")"
# a status file works as well; bad OSV data is a usage error naming the file
cp "$T/apt/root/var/lib/dpkg/status" "$T/status"
rc=0
bpo audit --status "$T/status" --ecosystem Debian:12 --osv "$D" >/dev/null 2>&1 || rc=$?
[ "$rc" = 10 ] || fail "audit --status: exit $rc"
echo 'not json' >"$T/bad.json"
rc=0
bpo audit --status "$T/status" --osv "$T/bad.json" >/dev/null 2>"$T/bad.err" || rc=$?
[ "$rc" = 2 ] && grep -q "$T/bad.json: not JSON" "$T/bad.err" || fail "bad OSV data: exit $rc: $(cat "$T/bad.err")"

# bpo check: up to date, nothing missing; then trixie has 1.5-1 fixing CVE-2026-8888
dist_record DEBIAN-CVE-2026-2222 Debian:13 secpkg 1.4-1 CVE-2026-2222
rc=0
bpo check --json --osv "$D" "$T/r/secpkg.yaml" >"$T/check1.json" 2>"$T/check1.err" || rc=$?
[ "$rc" = 0 ] || fail "check before 1.5-1: exit $rc: $(cat "$T/check1.json" "$T/check1.err")"
rm "$W/src/dists/trixie/InRelease" "$W/src/dists/trixie/Release.gpg"
{ printf 'secpkg (1.5-1) unstable; urgency=high\n\n  * New upstream release (CVE-2026-8888).\n\n'
  printf ' -- bpo tests <tests@example.invalid>  Mon, 01 Jul 2026 00:00:00 +0000\n\n'
  cat "$T/secpkg.changelog"; } >"$T/secpkg-1.5.changelog"
ARCHIVE_CHANGELOG=$T/secpkg-1.5.changelog archive_dh_source "$W/src" secpkg 1.5-1 \
	"debhelper-compat (= 13)" secpkg ""
archive_indices "$W/src" trixie
archive_sign "$W/src" trixie "$T/akey"
dist_record DEBIAN-CVE-2026-8888 Debian:13 secpkg 1.5-1 CVE-2026-8888
rc=0
bpo check --json --osv "$D" "$T/r/secpkg.yaml" >"$T/check2.json" 2>"$T/check2.err" || rc=$?
[ "$rc" = 10 ] || fail "check after 1.5-1: exit $rc: $(cat "$T/check2.json" "$T/check2.err")"
/usr/bin/python3 - "$T/check2.json" <<'PY' || fail "check --json: $(cat "$T/check2.json")"
import json, sys
c = json.load(open(sys.argv[1]))[0]
assert c["available"] == "1.5-1" and c["published"] == "1.4-1~bpo12+1", c
assert c["missing_fixes"] == ["CVE-2026-8888"], c
PY

# remove drops the source's records; the suite still verifies
bpo repo remove "$R" localfix --suite bookworm-backports
[ ! -e "$S/osv/x_bpo-localfix-CVE-2026-1111.json" ] || fail "remove left localfix's record"
grep -q localfix "$S/osv/index.json" && fail "remove left localfix in the index"
[ -e "$S/osv/x_bpo-secpkg-CVE-2026-2222.json" ] || fail "remove dropped secpkg's records"
bpo repo verify "$R" >"$T/verify.out" 2>&1 || fail "verify after remove: $(cat "$T/verify.out")"
echo "security: ok"
