#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo qa on two real builds (tests/data/qa, see its README.md), as root:
#  - bpo-qa-good: install, upgrade/remove/purge and autopkgtest pass; a signed
#    loopback "newer" archive whose bpo-qa-good Provides bpo-qa-virtual and
#    which builds bpo-qa-good-extra: the regression check reports both (warn:
#    exit 0; --regression fail: exit 1); lintian's tags are counted.
#  - bpo-qa-bad: the install check names bpo-qa-bad-nodeps and apt's message
#    (class deps), the upgrade check fails in step purge on bpo-qa-bad-postrm's
#    postrm with dpkg's message (class purge), autopkgtest `always-fails`
#    fails (test-failure): exit 1; with --install warn and the rest skipped,
#    exit 0 and a WARN line.
#  - usage errors exit 2, a .deb that does not match the .changes exits 3.
# Nothing is left behind (mounts, temporary roots); the log never names the
# configured mirror's host.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
slow_test
need_root
need_image
command -v apt-ftparchive >/dev/null || skip "apt-ftparchive missing (apt-utils)"

tmp=$(mktemp -d)
trap 'httpd_stop; drop_private_cache; rm -rf "$tmp"' EXIT
private_cache
arch=$(dpkg --print-architecture)
before=$(mounts)

# the fixtures, built for bookworm
mkdir "$tmp/src"
for s in good bad; do
	cp -r "$BPO_SRCDIR/tests/data/qa/bpo-qa-$s" "$tmp/src/"
	chmod -R u+w "$tmp/src/bpo-qa-$s"
	chmod +x "$tmp/src/bpo-qa-$s/debian/rules" "$tmp/src/bpo-qa-$s/debian/tests/"[a-z]*[a-z]
	chmod -x "$tmp/src/bpo-qa-$s/debian/tests/control"
	(cd "$tmp/src" && dpkg-source -q -b "bpo-qa-$s" >/dev/null 2>&1) || fail "dpkg-source -b bpo-qa-$s"
	"$BPO" build "$tmp/src/bpo-qa-${s}_1.0~bpo12+1.dsc" --release bookworm --result "$tmp/$s" \
		>/dev/null 2>"$tmp/build-$s.err" || { cat "$tmp/build-$s.err"; fail "bpo build bpo-qa-$s"; }
done
good="$tmp/good/bpo-qa-good_1.0~bpo12+1_${arch}.changes"
bad="$tmp/bad/bpo-qa-bad_1.0~bpo12+1_${arch}.changes"

# the newer release: bpo-qa-good 1.0 with a Provides, and one more binary
newer_deb() { # NAME PROVIDES
	local w="$tmp/newdeb/$1"
	mkdir -p "$w/DEBIAN" "$tmp/newer/pool/main/b/bpo-qa-good"
	{
		echo "Package: $1"
		echo "Source: bpo-qa-good"
		echo "Version: 1.0"
		echo "Architecture: all"
		echo "Maintainer: bpo tests <tests@example.invalid>"
		[ -n "$2" ] && echo "Provides: $2"
		echo "Description: newer $1"
	} >"$w/DEBIAN/control"
	dpkg-deb --root-owner-group -Zgzip -b "$w" "$tmp/newer/pool/main/b/bpo-qa-good/${1}_1.0_all.deb" >/dev/null
}
newer_deb bpo-qa-good "bpo-qa-virtual (= 1.0)"
newer_deb bpo-qa-good-extra ""
archive_key "$tmp/key"
archive_source "$tmp/newer" bpo-qa-good 1.0 native >/dev/null # for bpo qa RECIPE
archive_indices "$tmp/newer" bpo-newer bpo-newer "$arch"
archive_sign "$tmp/newer" bpo-newer "$tmp/key"
httpd_start "$tmp/newer"
newer=(--newer-archive "$HTTPD_URL" --newer-suite bpo-newer --newer-keyring "$tmp/key/keyring.gpg")

mirror_host=$("$BPO" config --json | python3 -c '
import json, sys, urllib.parse
m = json.load(sys.stdin)["config"].get("mirror") or ""
print(urllib.parse.urlparse(m).hostname or "")')

# 1. the good build: everything passes but the regression check (warn)
st=0
"$BPO" qa "$good" --release bookworm "${newer[@]}" --json >"$tmp/good.json" 2>"$tmp/good.err" || st=$?
[ "$st" = 0 ] || { cat "$tmp/good.err" "$tmp/good.json"; fail "qa of the good build: exit $st"; }
python3 - "$tmp/good.json" <<'PY' || fail "good build: wrong report: $(cat "$tmp/good.json")"
import json, sys
r = json.load(open(sys.argv[1]))
c = r["checks"]
assert r["fatal"] is False and r["source"] == "bpo-qa-good", r
assert sorted(r["packages"]) == ["acheck-rules", "bpo-qa-good", "bpo-qa-good-doc"], r
assert c["install"]["status"] == "passed" and c["install"]["policy"] == "fail", c["install"]
assert c["upgrade"]["status"] == "passed", c["upgrade"]
# acheck-rules is in bookworm: its version was installed first, then upgraded
assert "1 package(s) upgraded from bookworm's version" in c["upgrade"]["summary"], c["upgrade"]
assert c["lintian"]["policy"] == "warn" and c["lintian"]["status"] in ("passed", "failed"), c["lintian"]
assert c["lintian"]["counts"]["W"] > 0, c["lintian"]  # empty-binary-package at least
a = c["autopkgtest"]
assert a["status"] == "passed" and a["class"] is None, a
assert {(i["name"], i["what"]) for i in a["items"]} == {("greeting", "pass"), ("command1", "pass"),
                                                        ("command2", "badpkg")}, a
# a test whose dependencies bookworm cannot install could not run: information
bad = [i for i in a["items"] if i["what"] == "badpkg"][0]
assert bad["info"] and "hello (>= 99): bookworm has 2.10-3" in bad["message"], bad
assert "1 could not run" in a["summary"], a
g = c["regression"]
assert g["status"] == "failed" and g["policy"] == "warn" and g["class"] == "regression", g
items = {(i["name"], i["what"]): i["message"] for i in g["items"]}
assert "lost bpo-qa-virtual" in items[("bpo-qa-good", "Provides")], items
assert ("bpo-qa-good-extra", "package") in items, items
assert "new:" in items[("acheck-rules", "package")], items
assert "backport does not" in items[("bpo-qa-good-extra", "package")], items
PY
log=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["log"])' "$tmp/good.json")
[ -s "$log" ] || fail "no QA log at $log"
grep -q "== bpo qa: check autopkgtest" "$log" || fail "the log lacks the autopkgtest check"
# one apt-get update for the install and the upgrade check (a lower layer of
# both roots), one for autopkgtest's root, one more only when the tools layer
# was made in this run
n_upd=$(grep -c '^== bpo qa: (root) \$ /usr/bin/apt-get -q update$' "$log" || true)
n_tools=$(grep -c 'install lintian autopkgtest$' "$log" || true)
[ "$n_upd" = $((2 + n_tools)) ] || fail "apt-get update ran $n_upd times (tools layer made: $n_tools), expected $((2 + n_tools))"
if [ -n "$mirror_host" ] && grep -qF "$mirror_host" "$log"; then
	fail "the QA log names the mirror's host"
fi

# regression as fatal (the other checks skipped): exit 1, text report
st=0
"$BPO" qa "$good" --release bookworm "${newer[@]}" --regression fail --install skip \
	--upgrade skip --lintian skip --autopkgtest skip >"$tmp/reg.out" 2>"$tmp/reg.err" || st=$?
[ "$st" = 1 ] || { cat "$tmp/reg.out" "$tmp/reg.err"; fail "--regression fail: exit $st, expected 1"; }
grep -q "FAIL regression" "$tmp/reg.out" || fail "no FAIL regression line: $(cat "$tmp/reg.out")"
grep -q "bpo-qa-good Provides: lost bpo-qa-virtual" "$tmp/reg.out" ||
	fail "the lost Provides is not reported: $(cat "$tmp/reg.out")"
grep -q "SKIP install" "$tmp/reg.out" || fail "install not shown as skipped"

# bpo qa RECIPE: the recipe's existing build (WORK/result, WORK being
# WORKDIR/RECIPE/SOURCE_VERSION), regression against its source suite, the
# option's policy over the recipe's
mkdir -p "$tmp/recipe"
# stage_build RECIPE-NAME: the build, as bpo build RECIPE leaves it
stage_build() {
	mkdir -p "$tmp/work/$1/bpo-qa-good_1.0/result"
	cp "$tmp/good/"* "$tmp/work/$1/bpo-qa-good_1.0/result/"
}
cat >"$tmp/recipe/bpo-qa-good.yaml" <<EOR
source:
  package: bpo-qa-good
  archive: $HTTPD_URL
  suite: bpo-newer
  keyring: $tmp/key/keyring.gpg
target:
  release: bookworm
qa:
  install: skip
  upgrade: skip
  lintian: skip
  autopkgtest: skip
  regression: warn
EOR
printf 'work-dir: %s\n' "$tmp/work" >"$tmp/bpo.conf"
st=0
"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/bpo-qa-good.yaml" 2>"$tmp/r0.err" || st=$?
[ "$st" = 1 ] && grep -q "no build of bpo-qa-good 1.0" "$tmp/r0.err" ||
	fail "bpo qa RECIPE without a build: exit $st: $(cat "$tmp/r0.err")"
stage_build bpo-qa-good
for n in dsc-plain dsc-newer relaxed relaxed-warn; do stage_build "$n"; done
st=0
"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/bpo-qa-good.yaml" --json >"$tmp/r1.json" \
	2>"$tmp/r1.err" || st=$?
[ "$st" = 0 ] || { cat "$tmp/r1.err"; fail "bpo qa RECIPE (regression warn): exit $st"; }
st=0
"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/bpo-qa-good.yaml" --regression fail --json \
	>"$tmp/r2.json" 2>"$tmp/r2.err" || st=$?
[ "$st" = 1 ] || { cat "$tmp/r2.err"; fail "bpo qa RECIPE --regression fail: exit $st"; }
python3 - "$tmp/r1.json" "$tmp/r2.json" <<'PY' || fail "bpo qa RECIPE: wrong report: $(cat "$tmp/r1.json" "$tmp/r2.json")"
import json, sys
r1, r2 = (json.load(open(f))["checks"] for f in sys.argv[1:3])
assert r1["install"]["status"] == "skipped" and r1["install"]["policy"] == "skip", r1
assert r1["regression"]["policy"] == "warn" and r1["regression"]["status"] == "failed", r1
assert r2["regression"]["policy"] == "fail", r2
assert any(i["name"] == "bpo-qa-good" and "lost bpo-qa-virtual" in i["message"]
           for i in r2["regression"]["items"]), r2
PY
st=0
"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/bpo-qa-good.yaml" --release bookworm 2>"$tmp/r3.err" || st=$?
[ "$st" = 2 ] && grep -q "not with a recipe" "$tmp/r3.err" || fail "RECIPE --release: exit $st"

# a .dsc recipe has no suite: without qa.newer-* the regression check is
# skipped, saying what to give; with them (or --newer-* over the recipe's) it
# compares with that suite
dsc_head() { # the source and target of the .dsc recipes
	cat <<EOR
source:
  dsc: $tmp/newer/pool/main/b/bpo-qa-good/bpo-qa-good_1.0.dsc
  allow-unsigned: true
target:
  release: bookworm
EOR
}
dsc_recipe() { # FILE [QA-LINES]
	dsc_head >"$1"
	cat >>"$1" <<EOR
qa:
  install: skip
  upgrade: skip
  lintian: skip
  autopkgtest: skip
  regression: fail
${2:-}
EOR
}
dsc_recipe "$tmp/recipe/dsc-plain.yaml"
st=0
"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/dsc-plain.yaml" >"$tmp/d0.out" 2>"$tmp/d0.err" || st=$?
[ "$st" = 0 ] || { cat "$tmp/d0.err"; fail "dsc recipe without a newer suite: exit $st"; }
grep -q "SKIP regression .*give the recipe qa.newer-archive and qa.newer-suite" "$tmp/d0.err" ||
	fail "dsc recipe: the regression SKIP does not say what to give: $(cat "$tmp/d0.err")"
dsc_recipe "$tmp/recipe/dsc-newer.yaml" "  newer-archive: $HTTPD_URL
  newer-suite: bpo-newer
  newer-keyring: $tmp/key/keyring.gpg"
"$BPO" recipe check "$tmp/recipe/dsc-newer.yaml" >/dev/null || fail "dsc-newer.yaml is not valid"
for how in recipe option; do
	st=0
	if [ "$how" = recipe ]; then
		"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/dsc-newer.yaml" --json \
			>"$tmp/d1.json" 2>"$tmp/d1.err" || st=$?
	else
		"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/dsc-plain.yaml" "${newer[@]}" --json \
			>"$tmp/d1.json" 2>"$tmp/d1.err" || st=$?
	fi
	[ "$st" = 1 ] || { cat "$tmp/d1.err"; fail "dsc recipe, newer suite by $how: exit $st, expected 1"; }
	python3 - "$tmp/d1.json" <<'PY' || fail "dsc recipe, newer suite by $how: $(cat "$tmp/d1.json")"
import json, sys
g = json.load(open(sys.argv[1]))["checks"]["regression"]
assert g["status"] == "failed" and g["policy"] == "fail", g
assert any(i["name"] == "bpo-qa-good" and "lost bpo-qa-virtual" in i["message"]
           for i in g["items"]), g
PY
done
st=0
"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/dsc-plain.yaml" --newer-suite bpo-newer 2>"$tmp/d2.err" || st=$?
[ "$st" = 2 ] && grep -q "\-\-newer-archive and --newer-suite go together" "$tmp/d2.err" ||
	fail "--newer-suite alone: exit $st: $(cat "$tmp/d2.err")"
st=0
"$BPO" --config "$tmp/bpo.conf" build "$tmp/recipe/dsc-plain.yaml" --newer-archive "$HTTPD_URL" \
	--newer-suite bpo-newer 2>"$tmp/d3.err" || st=$?
[ "$st" = 2 ] && grep -q "\-\-newer-keyring: required with a --newer-archive URL" "$tmp/d3.err" ||
	fail "bpo build --newer-archive URL without a keyring: exit $st: $(cat "$tmp/d3.err")"

# the trap of relaxing: a recipe with build.relax and the default regression
# policy fails on a lost Provides (bpo-qa-virtual), exit 1; qa.regression:
# warn lowers it again
relaxed_recipe() { # FILE [REGRESSION-POLICY]
	dsc_head >"$1"
	cat >>"$1" <<EOR
build:
  relax:
    - debhelper-compat (= 13)
qa:
  install: skip
  upgrade: skip
  lintian: skip
  autopkgtest: skip
${2:+  regression: $2}
  newer-archive: $HTTPD_URL
  newer-suite: bpo-newer
  newer-keyring: $tmp/key/keyring.gpg
EOR
}
relaxed_recipe "$tmp/recipe/relaxed.yaml"
st=0
"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/relaxed.yaml" --json >"$tmp/x1.json" 2>"$tmp/x1.err" || st=$?
[ "$st" = 1 ] || { cat "$tmp/x1.err"; fail "relaxed recipe, default regression policy: exit $st, expected 1"; }
python3 - "$tmp/x1.json" <<'PY' || fail "relaxed recipe: $(cat "$tmp/x1.json")"
import json, sys
r = json.load(open(sys.argv[1]))
g = r["checks"]["regression"]
assert r["fatal"] is True and g["status"] == "failed" and g["policy"] == "fail", g
assert "relaxed build dependencies and lost a Provides" in g["summary"], g
PY
relaxed_recipe "$tmp/recipe/relaxed-warn.yaml" warn
st=0
"$BPO" --config "$tmp/bpo.conf" qa "$tmp/recipe/relaxed-warn.yaml" --json >"$tmp/x2.json" 2>"$tmp/x2.err" || st=$?
[ "$st" = 0 ] || { cat "$tmp/x2.err"; fail "relaxed recipe, regression: warn: exit $st, expected 0"; }
python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["checks"]["regression"]; assert g["policy"] == "warn" and g["status"] == "failed", g' \
	"$tmp/x2.json" || fail "relaxed recipe, warn: $(cat "$tmp/x2.json")"

# a wrong key for the newer archive: the regression check cannot run
st=0
archive_key "$tmp/other" "someone else <else@example.invalid>"
"$BPO" qa "$good" --release bookworm --newer-archive "$HTTPD_URL" --newer-suite bpo-newer \
	--newer-keyring "$tmp/other/keyring.gpg" --regression fail --install skip --upgrade skip \
	--lintian skip --autopkgtest skip --json >"$tmp/key.json" 2>"$tmp/key.err" || st=$?
[ "$st" = 1 ] || fail "wrong newer keyring: exit $st, expected 1"
python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))["checks"]["regression"]
assert g["status"] == "error" and g["class"] == "error", g' "$tmp/key.json" ||
	fail "wrong newer keyring: $(cat "$tmp/key.json")"

# 2. the bad build: install (deps), upgrade (purge) and autopkgtest fail
st=0
"$BPO" qa "$bad" --release bookworm --json >"$tmp/bad.json" 2>"$tmp/bad.err" || st=$?
[ "$st" = 1 ] || { cat "$tmp/bad.err" "$tmp/bad.json"; fail "qa of the bad build: exit $st, expected 1"; }
python3 - "$tmp/bad.json" <<'PY' || fail "bad build: wrong report: $(cat "$tmp/bad.json")"
import json, sys
r = json.load(open(sys.argv[1]))
c = r["checks"]
assert r["fatal"] is True, r
i = c["install"]
assert i["status"] == "failed" and i["class"] == "deps", i
m = [x for x in i["items"] if x["name"] == "bpo-qa-bad-nodeps"]
assert m and "bpo-qa-no-such-package-in-bookworm" in m[0]["message"], i
assert any(x["message"].startswith("E: ") or " E: " in x["message"] or "E: " in x["message"]
           for x in i["items"]), i
u = c["upgrade"]
assert u["status"] == "failed" and u["class"] == "purge", u
p = [x for x in u["items"] if x["name"] == "bpo-qa-bad-postrm" and x["what"] == "purge"]
assert p and "post-removal script" in p[0]["message"], u
assert "postrm fails on purge on purpose" in p[0]["message"], u  # the script's own words
assert "bpo-qa-bad-nodeps" in u["summary"], u  # left out, said so
a = c["autopkgtest"]
assert a["status"] == "failed" and a["class"] == "test-failure", a
res = {(x["name"], x["what"]) for x in a["items"]}
assert ("always-fails", "fail") in res and ("passes", "pass") in res, a
assert c["regression"]["status"] == "skipped", c["regression"]
PY

# install as a warning only, the rest skipped: exit 0, apt's message shown
st=0
"$BPO" qa "$bad" --release bookworm --install warn --upgrade skip --lintian skip \
	--autopkgtest skip >"$tmp/warn.out" 2>"$tmp/warn.err" || st=$?
[ "$st" = 0 ] || { cat "$tmp/warn.out" "$tmp/warn.err"; fail "--install warn: exit $st, expected 0"; }
grep -q "WARN install" "$tmp/warn.out" || fail "no WARN install line: $(cat "$tmp/warn.out")"
grep -q "bpo-qa-bad-nodeps deps: Depends: bpo-qa-no-such-package-in-bookworm" "$tmp/warn.out" ||
	fail "apt's unmet dependency is not shown: $(cat "$tmp/warn.out")"
grep -q "E: " "$tmp/warn.out" || fail "apt's E: line is not shown: $(cat "$tmp/warn.out")"

# --repo: the missing dependency published in a bpo repository satisfies it
mkdir -p "$tmp/dep/bpo-qa-no-such-package-in-bookworm/debian/source"
(
	cd "$tmp/dep/bpo-qa-no-such-package-in-bookworm"
	echo "3.0 (native)" >debian/source/format
	cp "$BPO_SRCDIR/tests/data/qa/bpo-qa-bad/debian/copyright" debian/
	printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' >debian/rules
	chmod +x debian/rules
	cat >debian/control <<'CTL'
Source: bpo-qa-no-such-package-in-bookworm
Section: misc
Priority: optional
Maintainer: bpo test suite <bpo@example.org>
Build-Depends: debhelper-compat (= 13)
Standards-Version: 4.6.2
Rules-Requires-Root: no

Package: bpo-qa-no-such-package-in-bookworm
Architecture: all
Depends: ${misc:Depends}
Description: bpo qa fixture: the dependency bookworm lacks
 Published in a throwaway bpo repository by the qa test.
CTL
	cat >debian/changelog <<'CL'
bpo-qa-no-such-package-in-bookworm (2) bookworm-backports; urgency=medium

  * Test fixture for bpo qa --repo.

 -- bpo test suite <bpo@example.org>  Tue, 03 Mar 2026 12:00:00 +0000
CL
)
(cd "$tmp/dep" && dpkg-source -q -b bpo-qa-no-such-package-in-bookworm >/dev/null 2>&1) ||
	fail "dpkg-source -b of the dependency"
"$BPO" build "$tmp/dep/bpo-qa-no-such-package-in-bookworm_2.dsc" --release bookworm \
	--result "$tmp/dep/out" >/dev/null 2>"$tmp/dep.err" || { cat "$tmp/dep.err"; fail "build of the dependency"; }
"$BPO" repo init "$tmp/repo" --origin bpo-qa --label bpo-qa --suite qa-test --arch "$arch" \
	--key "$(cat "$tmp/key/fpr")" --gnupghome "$tmp/key/gnupg" >/dev/null 2>"$tmp/repo.err" ||
	{ cat "$tmp/repo.err"; fail "bpo repo init"; }
"$BPO" publish "$tmp/dep/out/bpo-qa-no-such-package-in-bookworm_2_${arch}.changes" \
	--repo "$tmp/repo" --suite qa-test >/dev/null 2>"$tmp/pub.err" || { cat "$tmp/pub.err"; fail "bpo publish"; }
st=0
"$BPO" qa "$bad" --release bookworm --repo "$tmp/repo" --suite qa-test --upgrade skip \
	--lintian skip --autopkgtest skip >"$tmp/repo.out" 2>"$tmp/repo.err" || st=$?
[ "$st" = 0 ] || { cat "$tmp/repo.out" "$tmp/repo.err"; fail "--repo: exit $st, expected 0"; }
grep -q "PASS install" "$tmp/repo.out" || fail "--repo: install did not pass: $(cat "$tmp/repo.out")"
st=0
"$BPO" qa "$bad" --release bookworm --repo "$tmp/repo" 2>"$tmp/u.err" || st=$?
[ "$st" = 2 ] || fail "--repo without --suite: exit $st"
# the same repository as a file: --extra-source (its directory bound into the roots)
st=0
"$BPO" qa "$bad" --release bookworm --upgrade skip --lintian skip --autopkgtest skip \
	--extra-source "deb [signed-by=$tmp/repo/key.asc] file:$tmp/repo qa-test main" \
	>"$tmp/xs.out" 2>"$tmp/xs.err" || st=$?
[ "$st" = 0 ] && grep -q "PASS install" "$tmp/xs.out" ||
	{ cat "$tmp/xs.out" "$tmp/xs.err"; fail "file: --extra-source: exit $st"; }

# 3. bad input: usage (2) and a tampered .deb (3)
st=0
"$BPO" qa "$good" --release bookworm --lintian maybe 2>"$tmp/u.err" || st=$?
[ "$st" = 2 ] && grep -q "expected fail, warn or skip" "$tmp/u.err" || fail "bad policy: exit $st"
st=0
"$BPO" qa "$good" 2>"$tmp/u.err" || st=$?
[ "$st" = 2 ] && grep -q -- "--release" "$tmp/u.err" || fail "no --release: exit $st"
st=0
"$BPO" qa "$good" --release bookworm --newer-suite x 2>"$tmp/u.err" || st=$?
[ "$st" = 2 ] || fail "--newer-suite alone: exit $st"
cp -r "$tmp/good" "$tmp/tampered"
printf 'x' >>"$tmp/tampered/bpo-qa-good_1.0~bpo12+1_all.deb"
st=0
"$BPO" qa "$tmp/tampered/bpo-qa-good_1.0~bpo12+1_${arch}.changes" --release bookworm \
	2>"$tmp/t.err" || st=$?
[ "$st" = 3 ] && grep -q "sha256" "$tmp/t.err" || fail "tampered .deb: exit $st: $(cat "$tmp/t.err")"
# a .changes naming a path outside its directory, and one naming a missing file
cp -r "$tmp/good" "$tmp/hostile"
hc="$tmp/hostile/bpo-qa-good_1.0~bpo12+1_${arch}.changes"
sed -i '/^Checksums-Sha256:/a\ 0000000000000000000000000000000000000000000000000000000000000000 5 ../../etc/passwd' "$hc"
st=0
"$BPO" qa "$hc" --release bookworm 2>"$tmp/h.err" || st=$?
[ "$st" = 2 ] && grep -q "$hc:[0-9]*: Checksums-Sha256: expected" "$tmp/h.err" ||
	fail "hostile .changes: exit $st: $(cat "$tmp/h.err")"
rm "$tmp/good-missing" -rf
cp -r "$tmp/good" "$tmp/good-missing"
rm "$tmp/good-missing/bpo-qa-good-doc_1.0~bpo12+1_all.deb"
st=0
"$BPO" qa "$tmp/good-missing/bpo-qa-good_1.0~bpo12+1_${arch}.changes" --release bookworm \
	2>"$tmp/m.err" || st=$?
[ "$st" = 1 ] && grep -q "bpo-qa-good-doc_1.0~bpo12+1_all.deb, which is not next to it" "$tmp/m.err" ||
	fail "missing .deb: exit $st: $(cat "$tmp/m.err")"

[ "$(mounts)" = "$before" ] || fail "mounts under the cache left behind: $(mounts)"
assert_no_tmp
echo "PASS: bpo qa checks"
