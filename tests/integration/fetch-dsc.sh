#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-dsc: a recipe naming a .dsc (URL or local file). Its inline signature
# must verify with the recipe keyring: signed by an unknown key, unsigned, or
# altered is exit 3; allow-unsigned fetches with a warning. Then the files it
# lists are checked. Recipe patches by URL are checked against their sha256 pin
# (and local ones with a pin too).
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/fetch-env.sh"
P=pool/main/h/hello

# dsc_case NAME KEYDIR|-: $SRV/NAME holds hello 1.1-1 with the .dsc signed by KEYDIR.
dsc_case() {
	new_case "$1"
	mkdir -p "$CASE/d"
	cp "$CASE/$P/hello_1.1-1.dsc" "$CASE/$P/hello_1.1.orig.tar.gz" \
		"$CASE/$P/hello_1.1-1.debian.tar.xz" "$CASE/d/"
	[ "$2" = - ] || archive_sign_dsc "$CASE/d/hello_1.1-1.dsc" "$2"
	DSC_URL=$CASE_URL/d/hello_1.1-1.dsc
	recipe "dsc: $DSC_URL" "keyring: $KEY1/keyring.gpg"
}

dsc_case good "$KEY1"
expect_exit 0 "" fetch_case
grep -q "^signer: $(cat "$KEY1/fpr")$" "$TEST_OUT"
cmp "$CASE_DIR/work/hello_1.1-1/hello_1.1-1.dsc" "$CASE/d/hello_1.1-1.dsc"
cmp "$CASE_DIR/work/hello_1.1-1/hello_1.1.orig.tar.gz" "$CASE/d/hello_1.1.orig.tar.gz"
echo "ok: signed .dsc URL"
cache_verified

# The same .dsc as a local file.
recipe "dsc: $CASE/d/hello_1.1-1.dsc" "keyring: $KEY1/keyring.asc"
expect_exit 0 "" fetch_case --dest "$T/local"
[ -f "$T/local/hello_1.1-1.debian.tar.xz" ]
echo "ok: local .dsc"

dsc_case unknownkey "$KEY2"
expect_exit 3 "hello_1.1-1.dsc: signed by key [0-9A-F]+, which is not in the keyring" fetch_case
cache_verified

dsc_case unsigned -
expect_exit 3 "hello_1.1-1.dsc: not signed" fetch_case
cache_verified

dsc_case altered "$KEY1"
sed -i 's/^Maintainer: .*/Maintainer: Mallory <m@example.invalid>/' "$CASE/d/hello_1.1-1.dsc"
expect_exit 3 "hello_1.1-1.dsc: BAD signature" fetch_case

# allow-unsigned: fetched, with a warning every time.
dsc_case allowed -
recipe "dsc: $DSC_URL" "allow-unsigned: true"
expect_exit 0 "hello_1.1-1.dsc: signature NOT verified" fetch_case
grep -q "^signer: (none" "$TEST_OUT"
expect_exit 0 "hello_1.1-1.dsc: signature NOT verified" fetch_case
echo "ok: allow-unsigned warns each time"

# A signed .dsc whose tarball was replaced: exit 3.
dsc_case tampered "$KEY1"
echo tampered >>"$CASE/d/hello_1.1.orig.tar.gz"
expect_exit 3 "hello_1.1.orig.tar.gz: (size mismatch|larger than expected)" fetch_case
cache_verified

# Patches: one by URL (pinned), one local (pinned).
dsc_case patches "$KEY1"
printf -- '--- a/README\n+++ b/README\n@@ -1 +1 @@\n-x\n+y\n' >"$CASE/fix.patch"
cp "$CASE/fix.patch" "$T/local.patch"
good=$(sha256sum <"$CASE/fix.patch" | cut -d' ' -f1)
RECIPE_EXTRA="patches:
  - url: $CASE_URL/fix.patch
    sha256: $good
  - path: $T/local.patch
    sha256: $good"
recipe "dsc: $DSC_URL" "keyring: $KEY1/keyring.gpg"
expect_exit 0 "" fetch_case --json
python3 - "$TEST_OUT" "$CASE_DIR/work/hello_1.1-1/patches" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
assert o["patches"] == [sys.argv[2] + "/fix.patch", sys.argv[2] + "/local.patch"], o["patches"]
PY
cmp "$CASE_DIR/work/hello_1.1-1/patches/fix.patch" "$CASE/fix.patch"
echo "ok: pinned patches placed in order"
bad=$(printf '%064d' 0)
RECIPE_EXTRA="patches:
  - url: $CASE_URL/fix.patch
    sha256: $bad"
recipe "dsc: $DSC_URL" "keyring: $KEY1/keyring.gpg"
expect_exit 3 "fix.patch: SHA256 mismatch" fetch_case
RECIPE_EXTRA="patches:
  - path: $T/local.patch
    sha256: $bad"
recipe "dsc: $DSC_URL" "keyring: $KEY1/keyring.gpg"
expect_exit 3 "local.patch: SHA256 mismatch: got $good, the recipe pins $bad" fetch_case --dest "$T/badpatch"
[ -z "$(find "$T/badpatch" -type f)" ] || { echo "FAIL: files left after a bad patch"; exit 1; }
echo "ok: a bad patch leaves no files"
cache_verified
echo "all fetch-dsc checks passed"
