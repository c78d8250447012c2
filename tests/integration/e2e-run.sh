#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end (issue: one command from recipe to signed repo): a local signed
# "newer" archive on 127.0.0.1 with two source packages, where B build-depends
# on a binary of A. `bpo run` backports both into a fresh repository in the
# right order, a broken recipe beside them is reported without stopping them,
# stock apt in the bookworm root installs B from the repository; then a newer A
# lands in the archive: `bpo check` exits 10 naming A, `bpo run --outdated`
# rebuilds only A, and `bpo check` exits 0; A's recipe gains a patch: check
# says recipe-changed, run --outdated builds 1.1-1~bpo12+2. Real chroot builds: slow.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image

T=$(mktemp -d /tmp/bpo-e2e.XXXXXX)
# layers of its own: the target repository's key is new every run, so are the
# keys of the build-dependency layers that include it
private_cache own-layers
trap 'httpd_stop; rm -rf "$T"; drop_private_cache' EXIT
export DEBFULLNAME="bpo e2e" DEBEMAIL="e2e@example.invalid"
cfg="$T/bpo.conf"
printf 'work-dir: %s\n' "$T/work" >"$cfg"
bpo() { "$BPO" --config "$cfg" "$@"; }

# --- the "newer" archive -------------------------------------------------
archive_key "$T/akey"
# src NAME VERSION BUILD-DEPENDS BINARY BINARY-DEPENDS [NEEDS] (archive.sh)
src() { archive_dh_source "$T/archive" "$@"; }
# A's build needs /usr/bin/hello: only its recipe's build.extra-packages brings it
src bpoe2e-a 1.0-1 "debhelper-compat (= 13)" bpoe2e-data "\${misc:Depends}" /usr/bin/hello
src bpoe2e-b 1.0-1 "debhelper-compat (= 13), bpoe2e-data (>= 1.0)" bpoe2e-tool \
	"\${misc:Depends}, bpoe2e-data" /usr/share/bpoe2e-a/version
publish_archive() {
	archive_indices "$T/archive" newer
	archive_sign "$T/archive" newer "$T/akey"
	# the "target release" the new versions are checked against: a suite
	# without A or B (one unrelated package)
	if [ ! -d "$T/archive-old" ]; then
		mkdir -p "$T/archive-old"
		archive_source "$T/archive-old" bpoe2e-other 0.1-1 quilt >/dev/null
	fi
	archive_indices "$T/archive-old" bookworm
	rm -rf "$T/archive/dists/bookworm"
	cp -r "$T/archive-old/dists/bookworm" "$T/archive/dists/"
	archive_sign "$T/archive" bookworm "$T/akey"
}
publish_archive
httpd_start "$T/archive"

# --- the repository --------------------------------------------------------
archive_key "$T/rkey" "bpo e2e repo <repo@example.invalid>"
rfpr=$ARCHIVE_KEY_FPR
bpo repo init "$T/repo" --origin e2e --label e2e --suite bookworm-backports \
	--arch "$(dpkg --print-architecture)" --key "$rfpr" --gnupghome "$T/rkey/gnupg" --keep 2

# --- recipes ---------------------------------------------------------------
mkdir "$T/recipes"
for x in a b; do
	cat >"$T/recipes/$x.yaml" <<Y
source:
  package: bpoe2e-$x
  archive: $HTTPD_URL
  suite: newer
  keyring: $T/akey/keyring.gpg
target:
  release: bookworm
publish:
  repo: $T/repo
  suite: bookworm-backports
Y
done
printf 'build:\n  extra-packages: [hello]\n' >>"$T/recipes/a.yaml"
printf 'source:\n  package: [oops\n' >"$T/recipes/broken.yaml"
targs=(--target-archive "$HTTPD_URL" --target-keyring "$T/akey/keyring.gpg" --target-suites bookworm)

# --plan: a before b, and a Makefile where b waits for a
bpo run --plan "${targs[@]}" "$T/recipes" >"$T/plan.txt" 2>"$T/plan.err" || true
grep -q 'broken.yaml' "$T/plan.err" || fail "the broken recipe is not reported: $(cat "$T/plan.err")"
grep -n '' "$T/plan.txt"
[ "$(grep -n ': bpoe2e-a ' "$T/plan.txt" | cut -d: -f1)" -lt \
  "$(grep -n ': bpoe2e-b ' "$T/plan.txt" | cut -d: -f1)" ] || fail "plan order: $(cat "$T/plan.txt")"
bpo run --plan --format=make "${targs[@]}" "$T/recipes/a.yaml" "$T/recipes/b.yaml" >"$T/Makefile"
grep -q '^b: a$' "$T/Makefile" || fail "Makefile: b does not wait for a: $(cat "$T/Makefile")"
# the Makefile passes run's options on to each build
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -s -n -f "$T/Makefile" BPO=bpo >"$T/make.out" || fail "make rejects the Makefile"
[ "$(sed -n 1p "$T/make.out")" = "bpo build ${targs[*]} $T/recipes/a.yaml" ] &&
	[ "$(sed -n 2p "$T/make.out")" = "bpo build ${targs[*]} $T/recipes/b.yaml" ] ||
	fail "make order or flags: $(cat "$T/make.out")"

# --- run: both built and published, in order, the broken one reported --------
rc=0
bpo run --json --jobs 2 "${targs[@]}" "$T/recipes" >"$T/run.json" 2>"$T/run.err" || rc=$?
cat "$T/run.err" >&2
[ "$rc" = 2 ] || fail "bpo run exit $rc, expected 2 (the broken recipe)"
python3 - "$T/run.json" <<'PY'
import json, sys
res = {r["recipe"].rsplit("/", 1)[-1]: r for r in json.load(open(sys.argv[1]))}
assert res["broken.yaml"]["exit"] == 2, res["broken.yaml"]
for x in "ab":
    r = res[x + ".yaml"]
    assert r["exit"] == 0 and r["stage"] == "done", r
    assert r["version"] == "1.0-1~bpo12+1", r
    assert any(a["path"].endswith(".deb") and len(a["sha256"]) == 64 for a in r["artifacts"]), r
    assert r["log"].endswith("/bpo.log") and r["build_log"].endswith(".build"), r
    # the qa stage ran before publishing: install and upgrade (fatal) passed
    qa = r["qa"]["checks"]
    assert qa["install"]["status"] == "passed" and qa["upgrade"]["status"] == "passed", qa
    assert r["seconds"]["qa"] > 0, r
    # lintian ran (its E tag no-copyright-file: the fixtures have no debian/copyright)
    # and, with the default policy warn, did not stop the publish
    l = qa["lintian"]
    assert l["status"] == "failed" and l["class"] == "lintian" and l["counts"]["E"] >= 1, l
    assert any(i["what"] == "no-copyright-file" for i in l["items"]), l
    log = open(r["log"]).read()
    assert "publish" in log and "1.0-1~bpo12+1" in log, log
print("run.json ok")
PY
grep -n 'building' "$T/run.err" | head
[ "$(grep -n "building .*/a.yaml" "$T/run.err" | cut -d: -f1)" -lt \
  "$(grep -n "building .*/b.yaml" "$T/run.err" | cut -d: -f1)" ] || fail "a was not built before b"
bpo repo list "$T/repo" >"$T/list"
grep -q 'bpoe2e-tool' "$T/list" && grep -q 'bpoe2e-data' "$T/list" || fail "repo list: $(cat "$T/list")"
bpo repo verify "$T/repo"

# --- stock apt in the bookworm root installs B from the repository ----------
bpo chroot exec bookworm --bind "$T/repo:/repo" -- /bin/sh -ec '
	echo "deb [signed-by=/repo/key.asc] file:/repo bookworm-backports main" >/etc/apt/sources.list.d/bpo.list
	apt-get update -q 2>&1 | tee /tmp/update.log
	! grep -q "^W:" /tmp/update.log
	apt-get install -y -q -t bookworm-backports bpoe2e-tool
	dpkg -s bpoe2e-tool | grep "^Version: 1.0-1~bpo12+1" >/dev/null
	cat /usr/share/bpoe2e-a/version' >"$T/apt.log" 2>&1 || { cat "$T/apt.log"; fail "apt could not install the backport"; }
grep -q 'bpoe2e-a 1.0-1' "$T/apt.log" || fail "A's data not installed with B"

# --- idempotent: a second build does nothing ---------------------------------
bpo build "${targs[@]}" "$T/recipes/a.yaml" >"$T/again.out" 2>&1
grep -q 'already published' "$T/again.out" || fail "re-run did not say it is already published"

# --- a newer A lands: check says so, run --outdated rebuilds only A -----------
bpo check "$T/recipes/a.yaml" "$T/recipes/b.yaml"
src bpoe2e-a 1.1-1 "debhelper-compat (= 13)" bpoe2e-data "\${misc:Depends}" /usr/bin/hello
publish_archive
rc=0
bpo check --json "$T/recipes/a.yaml" "$T/recipes/b.yaml" >"$T/check.json" || rc=$?
[ "$rc" = 10 ] || fail "bpo check exit $rc, expected 10"
python3 - "$T/check.json" <<'PY'
import json, sys
res = {r["recipe"].rsplit("/", 1)[-1]: r for r in json.load(open(sys.argv[1]))}
assert res["a.yaml"]["status"] == "outdated" and res["a.yaml"]["available"] == "1.1-1", res
assert res["b.yaml"]["status"] == "up-to-date", res
PY
bpo run --outdated --json "${targs[@]}" "$T/recipes/a.yaml" "$T/recipes/b.yaml" >"$T/run2.json"
python3 - "$T/run2.json" <<'PY'
import json, sys
res = {r["recipe"].rsplit("/", 1)[-1]: r for r in json.load(open(sys.argv[1]))}
assert res["a.yaml"]["version"] == "1.1-1~bpo12+1", res["a.yaml"]
assert res["b.yaml"]["skipped"] is True, res["b.yaml"]
PY
bpo check "$T/recipes/a.yaml" "$T/recipes/b.yaml"
# --- A's recipe gains a patch: check says so, run --outdated builds the next
#     ~bpo12+M of the same 1.1-1 (#17.1), and then check is content again
mkdir -p "$T/recipes/patches"
printf -- '--- /dev/null\n+++ b/BPO-NOTE\n@@ -0,0 +1 @@\n+a second fix\n' >"$T/recipes/patches/note.patch"
printf 'patches:\n  - patches/note.patch\n' >>"$T/recipes/a.yaml"
rc=0
bpo check --json "$T/recipes/a.yaml" "$T/recipes/b.yaml" >"$T/check2.json" || rc=$?
[ "$rc" = 10 ] || fail "bpo check after the recipe changed: exit $rc, expected 10"
python3 - "$T/check2.json" <<'PY'
import json, sys
res = {r["recipe"].rsplit("/", 1)[-1]: r for r in json.load(open(sys.argv[1]))}
a = res["a.yaml"]
assert a["status"] == "recipe-changed", a
assert a["reason"] == "recipe changed since 1.1-1~bpo12+1 was published", a
assert res["b.yaml"]["status"] == "up-to-date", res
PY
bpo run --outdated --json "${targs[@]}" "$T/recipes/a.yaml" "$T/recipes/b.yaml" >"$T/run3.json"
python3 - "$T/run3.json" <<'PY'
import json, sys
res = {r["recipe"].rsplit("/", 1)[-1]: r for r in json.load(open(sys.argv[1]))}
assert res["a.yaml"]["version"] == "1.1-1~bpo12+2" and not res["a.yaml"]["skipped"], res["a.yaml"]
assert res["b.yaml"]["skipped"] is True, res["b.yaml"]
PY
bpo check "$T/recipes/a.yaml" "$T/recipes/b.yaml"
# the directory with the broken recipe: still checked, exit 2 outranks 0
rc=0
bpo check "$T/recipes" >"$T/check-dir.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "bpo check on the directory exit $rc, expected 2: $(cat "$T/check-dir.out")"
grep -q 'broken.yaml' "$T/check-dir.out" || fail "check did not name the broken recipe"
grep -q 'up-to-date .*a.yaml' "$T/check-dir.out" || fail "check stopped at the broken recipe"

# --rebuild builds what is published again, as the next ~bpo12+M; meanwhile
# the source suite's Valid-Until has passed: the recipe's check-valid-until:
# false lets it through, once warned, and the build's record says so
ARCHIVE_VALID_UNTIL=$(($(date +%s) - 3600)) archive_indices "$T/archive" newer
archive_sign "$T/archive" newer "$T/akey"
sed -i 's|^  keyring: .*|&\n  check-valid-until: false|' "$T/recipes/a.yaml"
bpo build --rebuild --json "${targs[@]}" "$T/recipes/a.yaml" >"$T/rebuild.json"
python3 - "$T/rebuild.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["exit"] == 0 and not r["skipped"] and r["version"] == "1.1-1~bpo12+3", r
vu = r["valid_until_overrides"]
assert len(vu) == 1 and vu[0]["suite"] == "newer" and vu[0]["valid_until"].endswith("Z"), vu
assert vu[0]["accepted_by"] == "source.check-valid-until: false of the recipe", vu
n = sum(1 for l in open(r["log"]) if "newer: expired (Valid-Until" in l)
assert n == 1, "the Valid-Until warning %d times in bpo.log" % n
assert all(r["seconds"][s] >= 0 for s in ("resolve", "source", "build", "publish")), r
# one "published" line per source version (binary and source .changes are two uploads)
n = sum(1 for l in open(r["log"]) if "published bpoe2e-a 1.1-1~bpo12+3 to" in l)
assert n == 1, "published line %d times in bpo.log" % n
PY
bpo repo list "$T/repo" | grep 'bpoe2e-data 1.1-1~bpo12+3' >/dev/null || fail "the rebuild is not published"
# a fatal qa failure publishes nothing: C's binary depends on a package that
# neither bookworm nor the repository has, so the install check fails
src bpoe2e-c 1.0-1 "debhelper-compat (= 13)" bpoe2e-broken "\${misc:Depends}, bpoe2e-nosuch"
publish_archive
mkdir "$T/more"
cp -r "$T/recipes/patches" "$T/more/"
sed 's/bpoe2e-a/bpoe2e-c/' "$T/recipes/a.yaml" >"$T/more/c.yaml"
tree_sum() { (cd "$T/repo" && find . -type f ! -path './log/*' -print0 | sort -z | xargs -0 sha256sum); }
before=$(tree_sum)
rc=0
bpo build --json "${targs[@]}" "$T/more/c.yaml" >"$T/c.json" 2>"$T/c.err" || rc=$?
[ "$rc" = 1 ] || { cat "$T/c.err"; fail "bpo build with a failing install check: exit $rc, expected 1"; }
python3 - "$T/c.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["stage"] == "qa" and r["exit"] == 1, r
i = r["qa"]["checks"]["install"]
assert i["status"] == "failed" and i["class"] == "deps", i
assert any("bpoe2e-nosuch" in (it.get("message") or "") + (it.get("name") or "") for it in i["items"]), i
# the failure class and the lines that explain it (#17.7)
assert r["class"] == "qa-install", r
assert any("bpoe2e-nosuch" in l for l in r["explain"]), r["explain"]
PY
grep -q 'bpoe2e-nosuch' "$T/c.err" || fail "apt's message is not shown: $(cat "$T/c.err")"
# a stage that fails reports the seconds it ran, not 0.0
sed 's/bpoe2e-a/bpoe2e-nosuchsource/' "$T/recipes/a.yaml" >"$T/more/d.yaml"
rc=0
bpo build --json "${targs[@]}" "$T/more/d.yaml" >"$T/d.json" 2>"$T/d.err" || rc=$?
[ "$rc" != 0 ] || fail "a recipe for a source the archive lacks built"
python3 - "$T/d.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["stage"] == "resolve" and r["exit"] != 0, r
assert r["seconds"]["resolve"] > 0, r
assert r["class"] == "fetch" and r["explain"], r
PY
# every --json this test kept matches its schema (doc/schema/)
json_valid run "$T/run.json" "$T/run2.json" "$T/run3.json"
json_valid build "$T/rebuild.json" "$T/c.json" "$T/d.json"
json_valid check "$T/check.json" "$T/check2.json"
[ "$(tree_sum)" = "$before" ] || fail "the repository changed although a fatal check failed"
echo "e2e ok"
