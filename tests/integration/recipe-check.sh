#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# recipe-check: `bpo recipe check` on the committed good and bad recipes and
# on recipes/*.yaml: exit codes 0/2, the exact error line of each bad recipe,
# normalised YAML that checks again to the same text, JSON lines, several
# files at once, usage errors.
set -euo pipefail
: "${BPO:?}" "${BPO_SRCDIR:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/bpo-recipe-check.XXXXXX")
trap 'rm -rf "$T"' EXIT
data=$BPO_SRCDIR/tests/data/recipes
fail() { echo "FAIL: $*" >&2; exit 1; }

# run EXPECTED-EXIT ARGS...: output in $T/out and $T/err
run() {
	local want=$1 rc=0
	shift
	"$BPO" "$@" >"$T/out" 2>"$T/err" || rc=$?
	if [ "$rc" != "$want" ]; then
		echo "stdout:"; cat "$T/out"; echo "stderr:"; cat "$T/err"
		fail "bpo $* exited $rc, expected $want"
	fi
}

# Good recipes: exit 0, a YAML document, and the output checks again to itself.
n=0
for f in "$data"/good/*.yaml; do
	run 0 recipe check "$f"
	head -n1 "$T/out" | grep -x -- '---' >/dev/null || fail "$f: output does not start with ---"
	[ ! -s "$T/err" ] || fail "$f: unexpected stderr: $(cat "$T/err")"
	cp "$T/out" "$T/norm.yaml"
	run 0 recipe check "$T/norm.yaml"
	cmp -s "$T/out" "$T/norm.yaml" || { diff -u "$T/norm.yaml" "$T/out"; fail "$f: not a fixed point"; }
	n=$((n + 1))
done
[ "$n" -ge 5 ] || fail "only $n good recipes"
echo "ok: $n good recipes check and normalise to a fixed point"

# Bad recipes: exit 2 and exactly the committed error line.
n=0
for f in "$data"/bad/*.yaml; do
	run 2 recipe check "$f"
	want="bpo: error: $data/bad/$(cat "${f%.yaml}.err")"
	got=$(cat "$T/err")
	[ "$got" = "$want" ] || fail "$(basename "$f"):"$'\n'" got: $got"$'\n'"want: $want"
	[ ! -s "$T/out" ] || fail "$f: printed output for a bad recipe"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n bad recipes"
echo "ok: $n bad recipes fail with exit 2 and their exact error line"

# Relative paths resolve against the recipe's directory, wherever bpo runs.
(cd "$data/good" && "$BPO" recipe check full.yaml) >"$T/rel.yaml"
real=$(cd "$data/good" && pwd -P)
grep -qx "  keyring: $real/keys/archive.gpg" "$T/rel.yaml" || fail "keyring not resolved"
grep -qx -- "- path: $real/patches/0001-fix-build.patch" "$T/rel.yaml" || fail "patch not resolved"
(cd / && "$BPO" recipe check "$data/good/full.yaml") | cmp -s - "$T/rel.yaml" ||
	fail "output depends on the working directory"
echo "ok: relative paths resolve against the recipe directory"

# JSON: one line per file, with the derived fields.
run 0 recipe check --json "$data/good/full.yaml" "$data/good/minimal.yaml"
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "expected 2 JSON lines"
python3 - "$T/out" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
full, minimal = (json.loads(l) for l in lines)
assert full["name"] == "full" and full["source"]["kind"] == "archive", full
assert full["target"]["release-number"] == 11 and full["target"]["policy"] == "local", full
assert [p["name"] for p in full["patches"]] == [
    "0001-fix-build.patch", "0002-second.patch", "0003-from-url.patch"], full["patches"]
assert full["build"]["timeout"] == 1800 and full["fuzz"] == 0, full["build"]
assert minimal["target"]["distribution"] == "bookworm-backports", minimal
assert minimal["source"]["version"] is None and minimal["publish"]["repo"] is None, minimal
assert minimal["changelog"]["text"] == "Rebuild for bookworm-backports.", minimal
PY
echo "ok: --json prints one object per file"

# Several files: all are checked, each error is one line, exit 2.
run 2 recipe check "$data/good/minimal.yaml" "$data/bad/unknown-key.yaml" \
	"$data/bad/bad-cve.yaml" "$data/good/dsc-url.yaml"
[ "$(grep -c -- '^---$' "$T/out")" -eq 2 ] || fail "expected both good recipes printed"
[ "$(wc -l <"$T/err")" -eq 2 ] || fail "expected two error lines: $(cat "$T/err")"
grep -q "unknown-key.yaml:4:3: unknown key 'pakage' in source" "$T/err" || fail "unknown-key"
grep -q "bad-cve.yaml:9:7: changelog.cves" "$T/err" || fail "bad-cve"
run 0 recipe check --quiet "$data/good/minimal.yaml" "$data/good/full.yaml"
[ ! -s "$T/out" ] || fail "--quiet printed output"
echo "ok: several files, --quiet"

# The shipped examples are valid.
run 0 recipe check -q "$BPO_SRCDIR"/recipes/*.yaml
echo "ok: recipes/*.yaml are valid"

# Usage: no subcommand, unknown subcommand, no file, unknown option, a missing file.
run 2 recipe
grep -q '^Usage: bpo recipe check' "$T/err" || fail "bpo recipe: no usage text"
run 2 recipe frobnicate
grep -q "unknown subcommand 'frobnicate'" "$T/err" || fail "unknown subcommand"
run 2 recipe check
grep -q "no recipe file given" "$T/err" || fail "no file"
run 2 recipe check --bogus "$data/good/minimal.yaml"
run 2 recipe check "$T/does-not-exist.yaml"
grep -q "$T/does-not-exist.yaml" "$T/err" || fail "missing file not named"
run 0 recipe --help
grep -q -- '--json' "$T/out" || fail "help lacks --json"
echo "ok: usage errors exit 2"

# options may follow the files, as with every other command
run 0 recipe check "$BPO_SRCDIR/recipes/hello.yaml" --json
grep -q '"package"' "$T/out" || fail "--json after the file was not taken as an option"
echo "ok: options after the files"

# several mistakes, one run: each section's first mistake is its own line
# FILE:LINE:COL (as compilers report), exit 2
cat >"$T/three.yaml" <<'Y'
source:
  package: Hello_World
  suite: trixie
target:
  release: bookworm
  policy: nonsense
build:
  timeout: forever
Y
run 2 recipe check "$T/three.yaml"
[ "$(grep -c "^bpo: error: $T/three.yaml:[0-9]*:[0-9]*: " "$T/err")" = 3 ] &&
	grep -q "three.yaml:2:12: source.package: " "$T/err" &&
	grep -q "three.yaml:6:11: target.policy: " "$T/err" &&
	grep -q "three.yaml:8:12: build.timeout: " "$T/err" || fail "three mistakes: $(cat "$T/err")"
echo "ok: three mistakes in one run"

# three mistakes within one section, and one reached through an alias: all
# reported, in the order of the file; the alias's at its use (line 9), not at
# its anchor (line 3, where 'trixie' is a right suite)
cat >"$T/within.yaml" <<'Y'
source:
  package: hello
  suite: &s trixie
  component: "c d"
  keyring: ""
  archive: https://example.org/debian
target:
  release: bookworm
  distribution: *s
  policy: nonsense
build:
  timeout: *s
Y
run 2 recipe check "$T/within.yaml"
grep "^bpo: error: " "$T/err" | sed "s|^bpo: error: $T/within.yaml:||; s|: .*||" >"$T/where"
printf '%s\n' 4:14 5:12 10:11 12:12 | diff -u - "$T/where" || fail "within a section: $(cat "$T/err")"
grep -q "within.yaml:12:12: build.timeout: .*found 'trixie'" "$T/err" || fail "alias: $(cat "$T/err")"
echo "ok: every mistake within a section, in file order; an alias's mistake at its use"

# a bpo.conf with three mistakes: all of them, in the order of the file
cat >"$T/three.conf" <<'Y'
mirror: ftp://example.org/debian
build-user: "no such user"
limits:
  ratio: many
  unpacked-size: 1G
  members: -3
Y
rc=0
"$BPO" --config "$T/three.conf" config >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "bpo.conf with three mistakes: exit $rc"
grep "^bpo: error: " "$T/err" | sed "s|^bpo: error: $T/three.conf:||; s|: .*||" >"$T/where"
printf '%s\n' 1:9 2:13 4:10 6:12 | diff -u - "$T/where" || fail "bpo.conf mistakes: $(cat "$T/err")"
echo "ok: every mistake of a bpo.conf in one run"
