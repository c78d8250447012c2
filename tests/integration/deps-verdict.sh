#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deps-verdict: bpo deps (and the deps stage of bpo build) decide from signed
# loopback indices alone whether a backport's build dependencies can be
# satisfied, with dose-builddebcheck: an old release ("bookworm", the
# configured mirror), a NotAutomatic backports-like suite and a newer suite.
# (a) libfoo-dev (>= 2.4) only in the backports-like suite, libbar-dev (>= 3)
# only in the newer one: dep-wait, each relation explained with what every
# suite has and the newer release's source; (b) the backports suite as an
# extra source: only libbar-dev is left; (c) a recipe patch that relaxes
# libbar-dev: satisfiable (the check reads the patched source); (d) bpo build
# stops in stage deps with class dep-wait before any chroot; (e) the pins the
# build takes from the NotAutomatic suite are the solver's: only for what the
# release cannot satisfy (a relation and, transitively, the dependency of a
# pinned package), never for what the release satisfies or what only the
# extra suite has (apt takes that by itself); (f) bpo deps --plan: the
# closure, two levels deep, in bpo run's order, the depth limit; (g) a
# cycle; (h) a toolchain source, proposed for relaxing instead; (i) bpo
# recipe new.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
command -v dose-builddebcheck >/dev/null || skip "dose-builddebcheck missing"
command -v apt-ftparchive >/dev/null || skip "apt-ftparchive missing (apt-utils)"

T=$(mktemp -d)
trap 'httpd_stop; rm -rf "$T"' EXIT
archive_key "$T/key"
key=$T/key/keyring.gpg
W=$T/www

# the old release: build-essential and fakeroot (every root has them), an old libfoo-dev
for p in build-essential:12.9 fakeroot:1.31-1.2 libfoo-dev:2.2-1 libfoo2:2.2-1 libbaz-dev:1.0-1 \
	libqux-dev:1.0-1; do
	archive_deb "$W/old" "${p%%:*}" "${p#*:}" all
done
archive_indices "$W/old" bookworm
archive_sign "$W/old" bookworm "$T/key"
# the backports-like suite: the newer libfoo-dev
ARCHIVE_DEB_SOURCE=libfoo archive_deb "$W/bpo" libfoo-dev 2.4-1~bpo12+1 all
# for (e): libqux-dev's newer version needs libfoo2's newer one; a newer
# libbaz-dev the release's satisfies; libnew-dev, only here
ARCHIVE_DEB_SOURCE=libfoo archive_deb "$W/bpo" libfoo2 2.4-1~bpo12+1 all
ARCHIVE_DEB_DEPENDS="libfoo2 (>= 2.4)" archive_deb "$W/bpo" libqux-dev 2.0-1~bpo12+1 all
archive_deb "$W/bpo" libbaz-dev 1.5-1~bpo12+1 all
archive_deb "$W/bpo" libnew-dev 1.0-1~bpo12+1 all
ARCHIVE_NOT_AUTOMATIC=yes archive_indices "$W/bpo" bookworm-backports
archive_sign "$W/bpo" bookworm-backports "$T/key"
# the newer suite: the sources to backport, and both libraries
ARCHIVE_BUILD_DEPENDS="libfoo-dev (>= 2.4), libbar-dev (>= 3)" \
	archive_source "$W/newer" bpo-needy 1.0-1 quilt >/dev/null
ARCHIVE_DEB_SOURCE=libfoo archive_deb "$W/newer" libfoo-dev 2.4-1 all
ARCHIVE_DEB_SOURCE=libbar archive_deb "$W/newer" libbar-dev 3.0-1 all
ARCHIVE_BUILD_DEPENDS="libqux-dev (>= 2), libbaz-dev, libnew-dev, libfoo2" \
	archive_source "$W/newer" bpo-pinny 1.0-1 quilt >/dev/null
# for (f)-(h): libbar needs libqaz-dev (>= 5), libqaz builds on bookworm;
# cyc-a and cyc-b need each other; bpo-tc needs dpkg-dev (>= 1.99)
ARCHIVE_SOURCE_BINARY=libbar-dev ARCHIVE_BUILD_DEPENDS="libqaz-dev (>= 5)" archive_source "$W/newer" libbar 3.0-1 quilt >/dev/null
ARCHIVE_SOURCE_BINARY=libqaz-dev ARCHIVE_BUILD_DEPENDS="libfoo2" archive_source "$W/newer" libqaz 5.0-1 quilt >/dev/null
ARCHIVE_BUILD_DEPENDS="cyc-b-dev (>= 1)" archive_source "$W/newer" cyc-a 1.0-1 quilt >/dev/null
ARCHIVE_BUILD_DEPENDS="cyc-a-dev (>= 1)" archive_source "$W/newer" cyc-b 1.0-1 quilt >/dev/null
ARCHIVE_BUILD_DEPENDS="dpkg-dev (>= 1.99)" archive_source "$W/newer" bpo-tc 1.0-1 quilt >/dev/null
ARCHIVE_DEB_SOURCE=libqaz archive_deb "$W/newer" libqaz-dev 5.0-1 all
ARCHIVE_DEB_SOURCE=cyc-a archive_deb "$W/newer" cyc-a-dev 1.0-1 all
ARCHIVE_DEB_SOURCE=cyc-b archive_deb "$W/newer" cyc-b-dev 1.0-1 all
ARCHIVE_DEB_SOURCE=dpkg archive_deb "$W/newer" dpkg-dev 1.99 all
archive_indices "$W/newer" newer
archive_sign "$W/newer" newer "$T/key"
httpd_start "$W"

# the configured mirror is the old release; its chroot config names our key
mkdir -p "$T/chroot" "$T/r/patches"
cat >"$T/chroot/bookworm.yaml" <<EOF
release: bookworm
suite: bookworm
components: [main]
keyring: $key
EOF
printf 'mirror: %s/old\nkeyring: %s\nwork-dir: %s/work\ncache-dir: %s/cache\n' \
	"$HTTPD_URL" "$key" "$T" "$T" >"$T/bpo.conf"
export BPO_CHROOT_DIR=$T/chroot DEBFULLNAME="bpo tests" DEBEMAIL="tests@example.invalid"
bpo() { "$BPO" --config "$T/bpo.conf" "$@"; }
recipe() { # FILE [EXTRA-YAML] [SOURCE]
	cat >"$1" <<EOF
source:
  package: ${3:-bpo-needy}
  archive: $HTTPD_URL/newer
  suite: newer
  keyring: $key
target:
  release: bookworm
${2:-}
EOF
}
xsrc="build:
  extra-sources:
    - uri: $HTTPD_URL/bpo
      suite: bookworm-backports
      keyring: $key"

# (a) nothing but the release: two relations, each explained
recipe "$T/r/needy.yaml"
st=0
bpo deps --target-suites bookworm "$T/r/needy.yaml" >"$T/a.out" 2>"$T/a.err" || st=$?
[ "$st" = 1 ] || { cat "$T/a.err"; fail "(a) exit $st, expected 1 (dep-wait)"; }
grep -q "^bpo-needy 1.0-1~bpo12+1: dep-wait for bookworm$" "$T/a.out" || fail "(a) stdout: $(cat "$T/a.out")"
grep -q "libfoo-dev[^ ]* (>= 2.4): bookworm has 2.2-1; newer has 2.4-1 (source libfoo: backport it first" "$T/a.err" ||
	fail "(a) libfoo-dev not explained: $(cat "$T/a.err")"
grep -q "libbar-dev[^ ]* (>= 3): bookworm has none; newer has 3.0-1 (source libbar: backport it first" "$T/a.err" ||
	fail "(a) libbar-dev not explained: $(cat "$T/a.err")"
bpo deps --target-suites bookworm --json "$T/r/needy.yaml" >"$T/a.json" 2>/dev/null || true
python3 - "$T/a.json" <<'PY' || fail "(a) JSON: $(cat "$T/a.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["exit"] == 1 and r["stage"] == "deps" and r["class"] == "dep-wait", r
d = r["deps"]
assert d["satisfiable"] is False and d["suites"] == ["bookworm"], d
assert sorted(u["relation"].split(":")[0].split(" ")[0] for u in d["unmet"]) == ["libbar-dev", "libfoo-dev"], d
assert all(u["needed_by"] is None and u["explanation"] for u in d["unmet"]), d
PY

# (b) the backports-like suite as an extra source: only libbar-dev is left
recipe "$T/r/needy-bpo.yaml" "$xsrc"
st=0
bpo deps --target-suites bookworm "$T/r/needy-bpo.yaml" >"$T/b.out" 2>"$T/b.err" || st=$?
[ "$st" = 1 ] || { cat "$T/b.err"; fail "(b) exit $st, expected 1"; }
grep -q "libbar-dev[^ ]* (>= 3): bookworm has none; bookworm-backports has none; newer has 3.0-1" "$T/b.err" ||
	fail "(b) libbar-dev: $(cat "$T/b.err")"
if grep -q "libfoo-dev.*(>= 2.4):" "$T/b.err"; then fail "(b) libfoo-dev still reported: $(cat "$T/b.err")"; fi

# (c) a recipe patch drops libbar-dev: satisfiable, the patched source is checked
dsc=$W/newer/pool/main/b/bpo-needy/bpo-needy_1.0-1.dsc
(cd "$T" && dpkg-source -x "$dsc" x >/dev/null 2>&1)
cp "$T/x/debian/control" "$T/control.orig"
sed -i 's/, libbar-dev (>= 3)//' "$T/x/debian/control"
(cd "$T" && diff -u --label a/debian/control --label b/debian/control control.orig x/debian/control \
	>"$T/r/patches/relax-libbar.patch") || true
grep -q '^-Build-Depends: libfoo-dev (>= 2.4), libbar-dev (>= 3)$' "$T/r/patches/relax-libbar.patch" ||
	fail "(c) the patch was not made: $(cat "$T/r/patches/relax-libbar.patch")"
recipe "$T/r/relaxed.yaml" "$xsrc
patches:
  - patches/relax-libbar.patch"
bpo deps --target-suites bookworm "$T/r/relaxed.yaml" >"$T/c.out" 2>"$T/c.err" || { cat "$T/c.err"; fail "(c) not satisfiable"; }
grep -q "^bpo-needy 1.0-1~bpo12+1: build dependencies satisfiable for bookworm$" "$T/c.out" ||
	fail "(c) stdout: $(cat "$T/c.out")"
grep -q "\[deps\] bpo-needy 1.0-1~bpo12+1: build dependencies satisfiable for bookworm from 2 suite(s)" "$T/c.err" ||
	fail "(c) no verdict line: $(cat "$T/c.err")"

# (c2) the same with one line of YAML: build.relax drops libbar-dev and the
# version of libfoo-dev (no extra source then); the changelog entry says so
recipe "$T/r/relax.yaml" "build:
  relax:
    - libfoo-dev
    - drop: libbar-dev"
bpo deps --target-suites bookworm --work-dir "$T/w-relax" "$T/r/relax.yaml" >"$T/c2.out" 2>"$T/c2.err" ||
	{ cat "$T/c2.err"; fail "(c2) build.relax: not satisfiable"; }
grep -q "relaxed the build dependencies: libfoo-dev (>= 2.4) -> libfoo-dev; drop libbar-dev (>= 3)" "$T/c2.err" ||
	fail "(c2) no note of what was relaxed: $(cat "$T/c2.err")"
dsc2=$(ls "$T"/w-relax/source/*.dsc)
grep -q '^Build-Depends: libfoo-dev$' "$dsc2" || fail "(c2) the .dsc's Build-Depends: $(grep Build-Depends "$dsc2")"
(cd "$T" && dpkg-source -x "$dsc2" x2 >/dev/null 2>&1)
dpkg-parsechangelog -l "$T/x2/debian/changelog" -S Changes |
	grep -F 'Relax the build dependencies for bookworm: libfoo-dev (>= 2.4) ->' >/dev/null ||
	fail "(c2) the changelog entry: $(dpkg-parsechangelog -l "$T/x2/debian/changelog" -S Changes)"
# a rule that matches nothing: the recipe's line:col, exit 2
recipe "$T/r/relax-bad.yaml" "build:
  relax:
    - libnosuch-dev"
st=0
bpo deps --target-suites bookworm "$T/r/relax-bad.yaml" >/dev/null 2>"$T/c3.err" || st=$?
[ "$st" = 2 ] && grep -q "relax-bad.yaml:10:7: build.relax: 'libnosuch-dev' matches no build dependency of bpo-needy" "$T/c3.err" ||
	fail "(c3) exit $st: $(cat "$T/c3.err")"

# (d) bpo build stops in stage deps, before any chroot, with class dep-wait
st=0
bpo build --target-suites bookworm --no-publish --json "$T/r/needy.yaml" >"$T/d.json" 2>"$T/d.err" || st=$?
[ "$st" = 1 ] || { cat "$T/d.err"; fail "(d) bpo build exit $st, expected 1"; }
python3 - "$T/d.json" <<'PY' || fail "(d) JSON: $(cat "$T/d.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["stage"] == "deps" and r["class"] == "dep-wait" and r["build_log"] is None, r
assert r["seconds"]["build"] == 0 and r["seconds"]["deps"] > 0, r
assert "dep-wait: 2 build dependencies of bpo-needy 1.0-1~bpo12+1" in r["error"], r
PY
# WORKDIR/RECIPE/SOURCE_VERSION
[ -f "$T/work/needy/bpo-needy_1.0-1/bpo.log" ] || fail "(d) no work directory $T/work/needy/bpo-needy_1.0-1"
[ ! -e "$T/work/needy/bpo-needy_1.0-1/result" ] || [ -z "$(ls -A "$T/work/needy/bpo-needy_1.0-1/result")" ] ||
	fail "(d) the build stage ran: $(ls "$T/work/needy/bpo-needy_1.0-1/result")"
# two recipes of one source version have work directories of their own; one
# bpo on a recipe's directory waits for another (WORK/.lock)
bpo deps --target-suites bookworm --json "$T/r/needy-bpo.yaml" >"$T/d2.json" 2>/dev/null || true
python3 - "$T/d.json" "$T/d2.json" "$T/work" <<'PY' || fail "(d) work directories: $(cat "$T/d.json" "$T/d2.json")"
import json, sys
a, b = (json.load(open(f))["work_dir"] for f in sys.argv[1:3])
assert a == sys.argv[3] + "/needy/bpo-needy_1.0-1" and b == sys.argv[3] + "/needy-bpo/bpo-needy_1.0-1", (a, b)
PY
flock "$T/work/needy/bpo-needy_1.0-1/.lock" sleep 3 &
lockpid=$!
sleep 0.5
t0=$(date +%s.%N)
bpo deps --target-suites bookworm "$T/r/needy.yaml" >/dev/null 2>"$T/d3.err" || true
t1=$(date +%s.%N)
wait "$lockpid"
grep -q "waiting for $T/work/needy/bpo-needy_1.0-1/.lock: another bpo works in" "$T/d3.err" &&
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 2) }' ||
	fail "(d) the second bpo did not wait for the work directory's lock: $(cat "$T/d3.err")"
# (e) the pins: libqux-dev (>= 2) and, for it, libfoo2 (>= 2.4) from the
# backports-like suite; libbaz-dev and libfoo2 as relations of their own are
# the release's (no pin for them), libnew-dev is only there (no pin needed)
recipe "$T/r/pinny.yaml" "$xsrc" bpo-pinny
bpo deps --target-suites bookworm --json "$T/r/pinny.yaml" >"$T/e.json" 2>"$T/e.err" ||
	{ cat "$T/e.err"; fail "(e) not satisfiable"; }
python3 - "$T/e.json" <<'PY' || fail "(e) JSON: $(cat "$T/e.json")"
import json, sys
d = json.load(open(sys.argv[1]))["deps"]
assert d["satisfiable"] is True, d
pins = sorted((p["package"], p["version"], p["suite"]) for p in d["pins"])
assert pins == [("libfoo2", "2.4-1~bpo12+1", "bookworm-backports"),
                ("libqux-dev", "2.0-1~bpo12+1", "bookworm-backports")], pins
rel = {p["package"]: p["relation"] for p in d["pins"]}
assert rel["libqux-dev"].startswith("libqux-dev") and "(>= 2)" in rel["libqux-dev"], rel
assert rel["libfoo2"].startswith("libfoo2") and "(>= 2.4)" in rel["libfoo2"], rel
PY
grep -q "\[deps\] libqux-dev[^ ]* (>= 2): bookworm cannot satisfy it; bookworm-backports has libqux-dev 2.0-1~bpo12+1: pinned" "$T/e.err" ||
	fail "(e) the pin is not reported: $(cat "$T/e.err")"
# (c): the one relation the release cannot satisfy, libfoo-dev (>= 2.4), is the one pin
bpo deps --target-suites bookworm --json "$T/r/relaxed.yaml" >"$T/c.json" 2>/dev/null ||
	fail "(c) --json failed"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["deps"]; assert d["pins"] == [{"package": "libfoo-dev", "version": "2.4-1~bpo12+1", "suite": "bookworm-backports", "relation": d["pins"][0]["relation"]}], d' \
	"$T/c.json" || fail "(c) pins: $(cat "$T/c.json")"
# (f) the plan: bpo-needy with the backports-like suite still needs
# libbar-dev (>= 3): libbar from newer, which needs libqaz-dev (>= 5): libqaz
# from newer, which bookworm can build: two recipes, two levels deep, and
# bpo run orders them libqaz, libbar, bpo-needy
bpo deps --target-suites bookworm --plan "$T/plan" "$T/r/needy-bpo.yaml" >"$T/f.out" 2>"$T/f.err" ||
	{ cat "$T/f.err"; fail "(f) the plan is not complete"; }
[ -f "$T/plan/libbar.yaml" ] && [ -f "$T/plan/libqaz.yaml" ] || fail "(f) recipes: $(ls "$T/plan")"
[ "$(ls "$T/plan" | wc -l)" = 2 ] || fail "(f) more recipes than needed: $(ls "$T/plan")"
grep -q "^libbar 3.0-1~bpo12+1: for bpo-needy (libbar-dev[^ ]* (>= 3)): $T/plan/libbar.yaml$" "$T/f.out" &&
	grep -q "^libqaz 5.0-1~bpo12+1: for libbar (libqaz-dev[^ ]* (>= 5)): $T/plan/libqaz.yaml$" "$T/f.out" &&
	grep -q "^build the plan: bpo run $T/plan $T/r/needy-bpo.yaml --repo REPO$" "$T/f.out" ||
	fail "(f) stdout: $(cat "$T/f.out")"
grep -q '^  package: libbar$' "$T/plan/libbar.yaml" && grep -q '^  suite: "newer"$' "$T/plan/libbar.yaml" &&
	grep -q '^      suite: "bookworm-backports"$' "$T/plan/libbar.yaml" || fail "(f) libbar.yaml: $(cat "$T/plan/libbar.yaml")"
bpo deps --target-suites bookworm --plan "$T/plan-j" --json "$T/r/needy-bpo.yaml" >"$T/f.json" 2>/dev/null ||
	fail "(f) --json: exit $?"
python3 - "$T/f.json" <<'PY' || fail "(f) JSON: $(cat "$T/f.json")"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["complete"] is True and p["issues"] == [], p
got = [(n["source"], n["needed_by"], n["depth"], n["satisfiable"]) for n in p["recipes"]]
assert got == [("bpo-needy", None, 0, False), ("libbar", "bpo-needy", 1, False),
               ("libqaz", "libbar", 2, True)], got
PY
bpo run --plan --target-suites bookworm "$T/plan" "$T/r/needy-bpo.yaml" >"$T/f.order" 2>"$T/f.oerr" ||
	{ cat "$T/f.oerr"; fail "(f) bpo run --plan failed"; }
order=$(tr '\n' ' ' <"$T/f.order")
case "$order" in
"1. libqaz: "*"2. libbar: "*"after libqaz"*"3. needy-bpo: "*"after libbar"*) ;;
*) fail "(f) bpo run --plan order: $(cat "$T/f.order")" ;;
esac
# the depth limit: libqaz is not planned, an issue says so, exit 1
st=0
bpo deps --target-suites bookworm --plan "$T/plan-d" --max-depth 1 "$T/r/needy-bpo.yaml" >"$T/f2.out" 2>&1 || st=$?
[ "$st" = 1 ] && [ ! -e "$T/plan-d/libqaz.yaml" ] && [ -f "$T/plan-d/libbar.yaml" ] &&
	grep -q "^depth: libbar: libqaz-dev[^ ]* (>= 5): source libqaz would be 2 levels deep (limit 1): not planned$" "$T/f2.out" ||
	fail "(f) --max-depth 1: exit $st: $(cat "$T/f2.out")"

# (g) a cycle: cyc-a needs cyc-b-dev, cyc-b needs cyc-a-dev
recipe "$T/r/cyc.yaml" "" cyc-a
st=0
bpo deps --target-suites bookworm --plan "$T/plan-c" "$T/r/cyc.yaml" >"$T/g.out" 2>&1 || st=$?
[ "$st" = 1 ] && [ -f "$T/plan-c/cyc-b.yaml" ] &&
	grep -q "^cycle: a cycle: cyc-a -> cyc-b -> cyc-a (each needs the next to be built first)" "$T/g.out" ||
	fail "(g) cycle: exit $st: $(cat "$T/g.out")"
[ "$(grep -c '^cycle:' "$T/g.out")" = 1 ] || fail "(g) the cycle is reported more than once: $(cat "$T/g.out")"

# (h) toolchain: dpkg-dev (>= 1.99) from source dpkg is not backported
# automatically, the plan proposes relaxing it; --toolchain adds a pattern
recipe "$T/r/tc.yaml" "" bpo-tc
st=0
bpo deps --target-suites bookworm --plan "$T/plan-t" "$T/r/tc.yaml" >"$T/h.out" 2>&1 || st=$?
[ "$st" = 1 ] && [ -z "$(ls -A "$T/plan-t")" ] &&
	grep -q "^toolchain: bpo-tc: dpkg-dev[^ ]* (>= 1.99): newer has 1.99 from source dpkg, which is toolchain: not backported automatically; relax the relation (build.relax: \[dpkg-dev\])$" "$T/h.out" ||
	fail "(h) toolchain: exit $st: $(cat "$T/h.out")"
st=0
bpo deps --target-suites bookworm --plan "$T/plan-t2" --toolchain 'libq*' "$T/r/needy-bpo.yaml" >"$T/h2.out" 2>&1 || st=$?
[ "$st" = 1 ] && [ ! -e "$T/plan-t2/libqaz.yaml" ] && grep -q "^toolchain: libbar: libqaz-dev" "$T/h2.out" ||
	fail "(h) --toolchain: exit $st: $(cat "$T/h2.out")"
st=0
bpo deps --max-depth 2 "$T/r/tc.yaml" >/dev/null 2>"$T/h3.err" || st=$?
[ "$st" = 2 ] && grep -q "need --plan" "$T/h3.err" || fail "(h) --max-depth without --plan: exit $st"

# (i) bpo recipe new: the relations the newer release has are comments
# naming the source to backport first; a toolchain one is relaxed; the
# verdict of the result is the last comment (exit 1: still dep-wait)
st=0
bpo recipe new bpo-needy --target-suites bookworm --from newer --to bookworm --archive "$HTTPD_URL/newer" --keyring "$key" \
	>"$T/i.yaml" 2>"$T/i.err" || st=$?
[ "$st" = 1 ] || { cat "$T/i.err"; fail "(i) recipe new: exit $st"; }
grep -q "^#   libbar-dev[^ ]* (>= 3): backport source libbar 3.0-1 from newer first (bpo deps --plan DIR THIS.yaml)$" "$T/i.yaml" &&
	grep -q "^  package: bpo-needy$" "$T/i.yaml" && grep -q "^  keyring: \"$key\"$" "$T/i.yaml" &&
	[ "$(tail -n 1 "$T/i.yaml")" = "# bpo deps: still dep-wait for bookworm (bpo deps explains)" ] ||
	fail "(i) recipe new: $(cat "$T/i.yaml")"
bpo recipe check -q "$T/i.yaml" || fail "(i) the new recipe does not check"
st=0
bpo recipe new bpo-tc --target-suites bookworm --from newer --to bookworm --archive "$HTTPD_URL/newer" --keyring "$key" \
	>"$T/i2.yaml" 2>"$T/i2.err" || st=$?
[ "$st" = 1 ] && grep -q "^  relax:$" "$T/i2.yaml" && grep -q "^    - dpkg-dev$" "$T/i2.yaml" &&
	grep -q "^#   dpkg-dev[^ ]* (>= 1.99): only a toolchain source has it; relaxed (check the build)$" "$T/i2.yaml" ||
	fail "(i) recipe new, toolchain: exit $st: $(cat "$T/i2.yaml" "$T/i2.err")"
# (bookworm here has no dpkg-dev at all: still dep-wait)
grep -q "still dep-wait" "$T/i2.yaml" || fail "(i) the relaxed recipe's verdict: $(cat "$T/i2.yaml")"
st=0
bpo recipe new 'Bad_Name' --from newer --to bookworm >/dev/null 2>"$T/i3.err" || st=$?
[ "$st" = 2 ] && grep -q "is not a source package name" "$T/i3.err" || fail "(i) a bad name: exit $st"
st=0
bpo recipe new bpo-needy --to bookworm >/dev/null 2>"$T/i4.err" || st=$?
[ "$st" = 2 ] && grep -q "\-\-from SUITE and \-\-to RELEASE are required" "$T/i4.err" || fail "(i) no --from: exit $st"

echo "PASS: deps verdict"
