#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deps-plan-build: from a plan two levels deep to a repository stock apt
# installs from. A signed loopback "newer" archive has bpoplan-app, which
# build-depends on bpoplan-lib-dev (>= 2.0) of source bpoplan-lib, which
# build-depends on bpoplan-base-dev (>= 3.0) of source bpoplan-base (and
# depends on it); bookworm (the mirror) has none of them. `bpo deps --plan`
# writes the recipes of lib and base; `bpo run DIR app.yaml` builds base,
# then lib (whose build needs base's file), publishing each to the
# repository's NotAutomatic bookworm-backports, then app, whose build
# dependency apt takes from there (its only version: no pin); stock apt in a
# bookworm root installs bpoplan-app with -t bookworm-backports, and
# bpoplan-lib-dev and bpoplan-base-dev with it. The app's recipe relaxes its relation (build.relax)
# and its Depends names an undefined substitution variable: the build names
# it (build_warnings). Real chroot builds: slow.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image
command -v dose-builddebcheck >/dev/null || skip "dose-builddebcheck missing"

T=$(mktemp -d /tmp/bpo-plan.XXXXXX)
# layers of its own: the repository's key is new every run
private_cache own-layers
trap 'httpd_stop; rm -rf "$T"; drop_private_cache' EXIT
export DEBFULLNAME="bpo plan" DEBEMAIL="plan@example.invalid"
printf 'work-dir: %s\n' "$T/work" >"$T/bpo.conf"
bpo() { "$BPO" --config "$T/bpo.conf" "$@"; }

archive_key "$T/akey"
# the base's build needs nothing new; the lib's build fails unless the base's
# file is installed, the app's unless the lib's is
archive_dh_source "$T/archive" bpoplan-base 3.0-1 "debhelper-compat (= 13)" bpoplan-base-dev "\${misc:Depends}"
archive_dh_source "$T/archive" bpoplan-lib 2.0-1 "debhelper-compat (= 13), bpoplan-base-dev (>= 3.0)" \
	bpoplan-lib-dev "\${misc:Depends}, bpoplan-base-dev (>= 3.0)" /usr/share/bpoplan-base/version
# (its Depends names a substitution variable nothing defines, as a relaxed
# older toolchain leaves one: the build reports it)
archive_dh_source "$T/archive" bpoplan-app 1.0-1 "debhelper-compat (= 13), bpoplan-lib-dev (>= 2.0)" \
	bpoplan-app "\${misc:Depends}, bpoplan-lib-dev, \${bpoplan:Missing}" /usr/share/bpoplan-lib/version
# the newer suite's binaries (what the plan reads the source package from)
ARCHIVE_DEB_SOURCE=bpoplan-lib archive_deb "$T/archive" bpoplan-lib-dev 2.0-1 all
ARCHIVE_DEB_SOURCE=bpoplan-base archive_deb "$T/archive" bpoplan-base-dev 3.0-1 all
archive_indices "$T/archive" newer
archive_sign "$T/archive" newer "$T/akey"
httpd_start "$T/archive"

archive_key "$T/rkey" "bpo plan repo <repo@example.invalid>"
bpo repo init "$T/repo" --origin plan --label plan --suite bookworm-backports \
	--arch "$(dpkg --print-architecture)" --key "$ARCHIVE_KEY_FPR" --gnupghome "$T/rkey/gnupg"
grep -q '^NotAutomatic: yes' "$T/repo/dists/bookworm-backports/Release" ||
	fail "the repository's suite is not NotAutomatic"

mkdir "$T/r"
cat >"$T/r/app.yaml" <<Y
source:
  package: bpoplan-app
  archive: $HTTPD_URL
  suite: newer
  keyring: $T/akey/keyring.gpg
target:
  release: bookworm
publish:
  repo: $T/repo
  suite: bookworm-backports
build:
  relax:
    - bpoplan-lib-dev
Y
# the backports' versions are checked against the mirror's bookworm (the
# sources are not there)

# the plan: two recipes, complete
bpo deps --plan "$T/plan" "$T/r/app.yaml" >"$T/plan.out" 2>"$T/plan.err" ||
	{ cat "$T/plan.err"; fail "bpo deps --plan: the plan is not complete"; }
grep -q "^bpoplan-lib 2.0-1~bpo12+1: for bpoplan-app (bpoplan-lib-dev[^ ]*): $T/plan/bpoplan-lib.yaml$" "$T/plan.out" ||
	fail "the plan: $(cat "$T/plan.out")"
grep -qxF "bpoplan-base 3.0-1~bpo12+1: for bpoplan-lib (bpoplan-base-dev:amd64 (>= 3.0)): $T/plan/bpoplan-base.yaml" "$T/plan.out" ||
	fail "the plan: $(cat "$T/plan.out")"
[ "$(ls "$T/plan" | tr '\n' ' ')" = "bpoplan-base.yaml bpoplan-lib.yaml " ] ||
	fail "the plan's recipes: $(ls "$T/plan")"

# bpo run builds the set in order: base, then lib, each published before
# the next is built, then app
rc=0
bpo run --no-qa --json --repo "$T/repo" "$T/plan" "$T/r/app.yaml" >"$T/run.json" 2>"$T/run.err" || rc=$?
[ "$rc" = 0 ] || { cat "$T/run.err"; fail "bpo run of the plan: exit $rc"; }
python3 - "$T/run.json" <<'PY' || fail "bpo run --json: $(cat "$T/run.json")"
import json, sys
res = {r["recipe"].rsplit("/", 1)[-1]: r for r in json.load(open(sys.argv[1]))}
base, lib, app = res["bpoplan-base.yaml"], res["bpoplan-lib.yaml"], res["app.yaml"]
assert base["exit"] == 0 and base["stage"] == "done" and base["version"] == "3.0-1~bpo12+1", base
assert lib["exit"] == 0 and lib["stage"] == "done" and lib["version"] == "2.0-1~bpo12+1", lib
assert app["exit"] == 0 and app["stage"] == "done" and app["version"] == "1.0-1~bpo12+1", app
# the app's build dependency is the repository's only: apt takes it by itself
# from the NotAutomatic suite (the solver finds no pin needed)
pins = [(p["package"], p["version"], p["suite"]) for p in app["deps"]["pins"]]
assert pins == [], pins
# the relaxed build's trap, named
assert app["build_warnings"] == ["undefined substitution variable ${bpoplan:Missing} in package "
                                 "bpoplan-app (dpkg-gencontrol: an empty field in the package)"], app
assert lib["build_warnings"] == [], lib
PY
grep -q 'warning: \[build\] undefined substitution variable ${bpoplan:Missing} in package bpoplan-app (dpkg-gencontrol: an empty field in the package); the recipe relaxes build dependencies (build.relax): check this one' "$T/run.err" ||
	fail "the warning is not reported: $(grep -i substitution "$T/run.err")"
line_of() { grep -n "building .*/$1" "$T/run.err" | head -1 | cut -d: -f1; }
[ "$(line_of bpoplan-base.yaml)" -lt "$(line_of bpoplan-lib.yaml)" ] || fail "base was not built before lib"
[ "$(line_of bpoplan-lib.yaml)" -lt "$(line_of app.yaml)" ] || fail "lib was not built before app"

# stock apt installs the app from the repository, the lib with it
bpo chroot exec bookworm --bind "$T/repo:/repo" -- /bin/sh -ec '
	echo "deb [signed-by=/repo/key.asc] file:/repo bookworm-backports main" >/etc/apt/sources.list.d/bpo.list
	apt-get update -q
	apt-get install -y -q -t bookworm-backports bpoplan-app
	dpkg -s bpoplan-app | grep "^Version: 1.0-1~bpo12+1"
	dpkg -s bpoplan-lib-dev | grep "^Version: 2.0-1~bpo12+1"
	dpkg -s bpoplan-base-dev | grep "^Version: 3.0-1~bpo12+1"' >"$T/apt.log" 2>&1 ||
	{ cat "$T/apt.log"; fail "apt could not install the plan's backports"; }
echo "PASS: a plan two levels deep built and installed"
