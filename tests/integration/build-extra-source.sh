#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo build --extra-source: a build dependency only a signed loopback archive
# has is installed from it (its signed-by key copied into the root), and the
# same archive with a key that did not sign it is refused in phase deps; a
# NotAutomatic suite gives a build dependency only it satisfies (pinned), and
# only that one (as a recipe: the deps stage's solver decides the pin); an
# expired suite is refused by the root's apt unless
# bpo.conf's archives relaxes its Valid-Until.
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

archive_key "$tmp/key"
archive_key "$tmp/other" "someone else <else@example.invalid>"
archive_deb "$tmp/repo" bpo-extra-dep 1.0-1 all
archive_indices "$tmp/repo" bpo-extra bpo-extra "$arch"
archive_sign "$tmp/repo" bpo-extra "$tmp/key"
httpd_start "$tmp/repo"

mkdir "$tmp/src"
cp -r "$BPO_SRCDIR/tests/data/build/bpo-hello" "$tmp/src/"
chmod -R u+w "$tmp/src/bpo-hello"
sed -i 's/^Build-Depends: .*/&, bpo-extra-dep (>= 1.0)/' "$tmp/src/bpo-hello/debian/control"
(cd "$tmp/src" && dpkg-source -q -b bpo-hello >/dev/null 2>&1)
dsc="$tmp/src/bpo-hello_1.0.dsc"

"$BPO" build "$dsc" --release bookworm --result "$tmp/out" --no-cache \
	--extra-source "deb [signed-by=$tmp/key/keyring.gpg] $HTTPD_URL bpo-extra main" \
	>"$tmp/stdout" 2>"$tmp/err" || { cat "$tmp/err"; fail "build with --extra-source failed"; }
[ -f "$tmp/out/bpo-hello_1.0_$arch.deb" ] || fail "no .deb"
grep -q 'bpo-extra-dep' "$tmp/out/bpo-hello_1.0_$arch.buildinfo" ||
	fail "bpo-extra-dep is not among the installed build dependencies"
grep -q 'dists/bpo-extra/InRelease' "$HTTPD_LOG" || fail "the archive's InRelease was never fetched"

# the wrong key: apt refuses the archive, the build stops in phase deps
set +e
"$BPO" build "$dsc" --release bookworm --result "$tmp/out2" --no-cache \
	--extra-source "deb [signed-by=$tmp/other/keyring.gpg] $HTTPD_URL bpo-extra main" \
	>"$tmp/stdout" 2>"$tmp/err"
st=$?
set -e
[ "$st" = 1 ] || fail "wrong key: exit $st, expected 1"
grep -q "failed in phase deps" "$tmp/err" || fail "wrong key: $(cat "$tmp/err")"
grep -q "NO_PUBKEY\|not signed\|is not signed\|signature" "$tmp/out2/bpo-hello_1.0_$arch.build" ||
	fail "the log does not show apt's signature refusal"

# an unsigned extra source is refused before anything runs
set +e
"$BPO" build "$dsc" --release bookworm --extra-source "deb $HTTPD_URL bpo-extra main" 2>"$tmp/err"
st=$?
set -e
[ "$st" = 2 ] && grep -q "signed-by" "$tmp/err" || fail "unsigned source: exit $st: $(cat "$tmp/err")"
# an expired extra suite (Valid-Until an hour ago): apt in the root refuses
# it; bpo.conf's archives entry (check-valid-until: false) for that archive
# reaches the root's apt too (the line gets check-valid-until=no)
ARCHIVE_VALID_UNTIL=$(($(date +%s) - 3600)) archive_indices "$tmp/repo" bpo-old bpo-old "$arch"
archive_sign "$tmp/repo" bpo-old "$tmp/key"
old="deb [signed-by=$tmp/key/keyring.gpg] $HTTPD_URL bpo-old main"
set +e
"$BPO" build "$dsc" --release bookworm --result "$tmp/out5" --no-cache --extra-source "$old" \
	>"$tmp/stdout" 2>"$tmp/err"
st=$?
set -e
[ "$st" = 1 ] && grep -q "failed in phase deps" "$tmp/err" ||
	fail "an expired extra suite without an override: exit $st: $(cat "$tmp/err")"
grep -qi "expired\|no longer valid" "$tmp/out5/bpo-hello_1.0_$arch.build" ||
	fail "the log does not show apt's Valid-Until refusal"
printf 'archives:\n  - uri: %s\n    check-valid-until: false\n' "$HTTPD_URL" >"$tmp/vu.conf"
"$BPO" --config "$tmp/vu.conf" config | grep -A3 '^  archives:' | grep 'check-valid-until: false' >/dev/null ||
	fail "bpo config does not show the archives entry: $("$BPO" --config "$tmp/vu.conf" config)"
"$BPO" --config "$tmp/vu.conf" build "$dsc" --release bookworm --result "$tmp/out6" --no-cache \
	--extra-source "$old" >"$tmp/stdout" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "an expired extra suite with bpo.conf's check-valid-until: false: build failed"; }
grep -q 'bpo-extra-dep' "$tmp/out6/bpo-hello_1.0_$arch.buildinfo" ||
	fail "bpo-extra-dep is not among the installed build dependencies (expired suite)"

# a NotAutomatic (backports-like) suite: apt alone keeps the release's
# versions (priority 100 against 500); bpo takes the extra suite's version
# when, and only when, the release cannot satisfy the relation: hello (>= 2.11)
# from the extra suite (bookworm has 2.10-3), sl from bookworm although the
# extra suite has a higher one.
archive_deb "$tmp/na" hello 2.11-1 all
archive_deb "$tmp/na" sl 9.0-1 all
ARCHIVE_NOT_AUTOMATIC=yes archive_indices "$tmp/na" bpo-na bpo-na "$arch"
archive_sign "$tmp/na" bpo-na "$tmp/key"
grep -q '^NotAutomatic: yes' "$tmp/na/dists/bpo-na/InRelease" || fail "the suite is not NotAutomatic"
httpd_stop
httpd_start "$tmp/na"
mkdir "$tmp/src2"
cp -r "$BPO_SRCDIR/tests/data/build/bpo-hello" "$tmp/src2/"
chmod -R u+w "$tmp/src2/bpo-hello"
sed -i 's/^Build-Depends: .*/&, hello (>= 2.11), sl/' "$tmp/src2/bpo-hello/debian/control"
(cd "$tmp/src2" && dpkg-source -q -b bpo-hello >/dev/null 2>&1)
na="deb [signed-by=$tmp/key/keyring.gpg] $HTTPD_URL bpo-na main"
"$BPO" build "$tmp/src2/bpo-hello_1.0.dsc" --release bookworm --result "$tmp/out3" --no-cache \
	--extra-source "$na" >"$tmp/stdout" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "a build dependency only the NotAutomatic suite satisfies: build failed"; }
bi="$tmp/out3/bpo-hello_1.0_$arch.buildinfo"
grep -q 'hello (= 2.11-1)' "$bi" || fail "hello is not the extra suite's 2.11-1: $(grep -o 'hello (= [^)]*)' "$bi")"
grep -q ' sl (= 5\.' "$bi" || fail "sl is not bookworm's: $(grep -o ' sl (= [^)]*)' "$bi")"
grep -q 'hello (>= 2.11): bookworm has 2.10-3; bpo-na has 2.11-1: pinned' "$tmp/err" ||
	fail "the pin is not reported: $(grep deps "$tmp/err")"
# the same as a recipe: the deps stage's solver decides the pin before the
# chroot (deps.pins in --json, "bookworm cannot satisfy" in bpo.log), and
# apt's simulation in the root finds nothing left to pin
cat >"$tmp/na.yaml" <<EOF
source:
  dsc: $tmp/src2/bpo-hello_1.0.dsc
  allow-unsigned: true
target:
  release: bookworm
build:
  extra-sources:
    - uri: $HTTPD_URL
      suite: bpo-na
      keyring: $tmp/key/keyring.gpg
qa:
  install: skip
  upgrade: skip
  lintian: skip
  autopkgtest: skip
  regression: skip
EOF
DEBFULLNAME="bpo tests" DEBEMAIL=tests@example.invalid \
	"$BPO" build "$tmp/na.yaml" --no-publish --work-dir "$tmp/w-na" --json \
	>"$tmp/na.json" 2>"$tmp/err" || { cat "$tmp/err"; fail "recipe with a NotAutomatic extra suite: build failed"; }
python3 - "$tmp/na.json" <<'PY' || fail "the recipe build's JSON: $(cat "$tmp/na.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["exit"] == 0, r
pins = [(p["package"], p["version"], p["suite"]) for p in r["deps"]["pins"]]
assert pins == [("hello", "2.11-1", "bpo-na")], pins
PY
log=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["build_log"])' "$tmp/na.json")
grep -q '^== bpo: pinned hello 2.11-1 from bpo-na (Pin-Priority 990): bookworm cannot satisfy hello' "$log" ||
	fail "bpo.log does not record the solver's pin: $(grep -i pin "$log")"
if grep -q 'bookworm has 2.10-3; bpo-na has 2.11-1: pinned' "$tmp/err"; then
	fail "apt's simulation still had to pin hello: the solver's pin was not used"
fi
bi=$(find "$tmp/w-na" -name "bpo-hello_*_$arch.buildinfo" | head -n 1)
[ -n "$bi" ] || fail "no .buildinfo under $tmp/w-na"
grep -q 'hello (= 2.11-1)' "$bi" || fail "recipe: hello is not the extra suite's 2.11-1"
grep -q ' sl (= 5\.' "$bi" || fail "recipe: sl is not bookworm's"

# nothing satisfies it: the message names what each suite has
sed -i 's/hello (>= 2.11)/hello (>= 3)/' "$tmp/src2/bpo-hello/debian/control"
(cd "$tmp/src2" && dpkg-source -q -b bpo-hello >/dev/null 2>&1)
set +e
"$BPO" build "$tmp/src2/bpo-hello_1.0.dsc" --release bookworm --result "$tmp/out4" --no-cache \
	--extra-source "$na" >"$tmp/stdout" 2>"$tmp/err"
st=$?
set -e
[ "$st" = 1 ] || fail "unsatisfiable: exit $st"
grep -q 'hello in bookworm: 2.10-3' "$tmp/err" && grep -q 'hello in bpo-na: 2.11-1' "$tmp/err" ||
	fail "the message does not name both versions: $(cat "$tmp/err")"
assert_no_tmp
echo "PASS: build with an extra source"
