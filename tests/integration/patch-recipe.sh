#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo patch RECIPE against a signed loopback archive (the fetch tests'
# fixtures): --check fetches, verifies, unpacks to a scratch tree and reports
# every hunk (exit 1 when a patch fails, scratch removed); --edit makes a work
# tree with the rejects; after a fix by hand, --refresh rewrites the recipe's
# own patch file (DEP-3 header kept) and --check passes at the recipe's fuzz 0.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/fetch-env.sh"

new_case patchrecipe
pool=$CASE/pool/main/h/hello
dpkg-source -q -x --no-check "$pool/hello_1.1-1.dsc" "$T/ref" >/dev/null 2>&1
mkdir -p "$CASE_DIR/patches"
sed '10s/.*/LINE TEN CHANGED/' "$T/ref/data.txt" >"$T/data.new"
{ printf 'Description: change line ten\nAuthor: T <t@example.invalid>\nForwarded: not-needed\n---\n'
  diff -u --label a/data.txt --label b/data.txt "$T/ref/data.txt" "$T/data.new" || true; } \
	>"$CASE_DIR/patches/0001-ten.patch"
# 0002 expects a line 100 that is not there
{ printf 'Description: change line 100\nLast-Update: 2024-02-02\n---\n'
  printf -- '--- a/data.txt\n+++ b/data.txt\n@@ -99,3 +99,3 @@\n %s\n-NOT IN THE FILE\n+LINE 100\n %s\n' \
	"$(sed -n 99p "$T/ref/data.txt")" "$(sed -n 101p "$T/ref/data.txt")"; } \
	>"$CASE_DIR/patches/0002-hundred.patch"
pin=$(sha256sum <"$CASE_DIR/patches/0002-hundred.patch" | cut -d' ' -f1)
RECIPE_EXTRA=$'patches:\n  - patches/0001-ten.patch\n  - path: patches/0002-hundred.patch\n    sha256: '"$pin"$'\nfuzz: 0'
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
cp "$CASE_DIR/patches/0001-ten.patch" "$T/0001.before"

expect_exit 1 "patch 0002-hundred.patch: data.txt: hunk 1 of 1 fails at line 99" \
	"$BPO" -c "$CASE_DIR/bpo.conf" patch --check "$CASE_DIR/recipe.yaml"
grep -q '^0001-ten.patch: applies$' "$TEST_OUT"
grep -q '^0002-hundred.patch: FAILS$' "$TEST_OUT"
[ -z "$(find "$CASE_DIR/work" -name 'patch-scratch*')" ] || { echo "scratch tree left" >&2; exit 1; }
expect_exit 1 "" "$BPO" -c "$CASE_DIR/bpo.conf" patch --check --json "$CASE_DIR/recipe.yaml"
python3 - "$TEST_OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["failed"] is True
assert [p["status"] for p in d["patches"]] == ["clean", "fails"], d
PY
echo "ok: bpo patch --check RECIPE reports every patch and hunk"

cd "$T"
expect_exit 0 "" "$BPO" -c "$CASE_DIR/bpo.conf" patch --edit "$CASE_DIR/recipe.yaml" --dest "$T/ed"
grep -q "does not apply: the work tree is $T/ed" "$TEST_OUT"
grep -q '^LINE TEN CHANGED$' "$T/ed/data.txt"
grep -q '^+LINE 100$' "$T/ed/data.txt.rej"
echo "ok: bpo patch --edit RECIPE: work tree with 0001 applied and 0002's reject"

sed -i '100s/.*/LINE 100/' "$T/ed/data.txt"
rm "$T/ed/data.txt.rej"
expect_exit 0 "" "$BPO" -c "$CASE_DIR/bpo.conf" patch --refresh "$CASE_DIR/recipe.yaml" --dest "$T/ed"
newpin=$(sha256sum <"$CASE_DIR/patches/0002-hundred.patch" | cut -d' ' -f1)
grep -q "recipe.yaml:[0-9]*:[0-9]*: patch 0002-hundred.patch is pinned by sha256: change it to $newpin" "$TEST_ERR"
# the old pin no longer verifies; with the new one the series applies
expect_exit 3 "" "$BPO" -c "$CASE_DIR/bpo.conf" patch --check "$CASE_DIR/recipe.yaml"
sed -i "s/$pin/$newpin/" "$CASE_DIR/recipe.yaml"
head -3 "$CASE_DIR/patches/0002-hundred.patch" | grep '^Last-Update: 2024-02-02$' >/dev/null
grep -q '^+LINE 100$' "$CASE_DIR/patches/0002-hundred.patch"
cmp -s "$T/0001.before" "$CASE_DIR/patches/0001-ten.patch"
expect_exit 0 "" "$BPO" -c "$CASE_DIR/bpo.conf" patch --check "$CASE_DIR/recipe.yaml"
grep -q '^0002-hundred.patch: applies$' "$TEST_OUT"
if grep -Eq 'offset|fuzz' "$TEST_OUT"; then echo "refreshed patch inexact" >&2; exit 1; fi
echo "ok: bpo patch --refresh RECIPE rewrote the recipe's patch; the series applies at fuzz 0"
