#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# unpack-recipe: `bpo unpack RECIPE` against a signed loopback archive (the
# fetch tests' fixtures): fetch + verify + unpack into the default tree and
# into --dest, same tree as dpkg-source -x, --json with the signer; and a
# local signed .dsc with --keyring: the right key passes, another key, a
# tampered .dsc and an unsigned one are refused (exit 3).
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/fetch-env.sh"

listing() { (cd "$1" && find . -mindepth 1 -printf '%P %y %m %l\n' | sort); }
same_tree() {
	diff -u <(listing "$1") <(listing "$2") && diff -r --no-dereference "$1" "$2" || {
		echo "FAIL: $1 and $2 differ" >&2; return 1; }
}
umask 022

new_case unpack
pool=$CASE/pool/main/h/hello
dpkg-source -q -x --no-check "$pool/hello_1.1-1.dsc" "$T/ref" >/dev/null 2>&1
expect_exit 0 "" "$BPO" -c "$CASE_DIR/bpo.conf" unpack --json "$CASE_DIR/recipe.yaml"
tree=$CASE_DIR/work/hello_1.1-1/tree
same_tree "$T/ref" "$tree"
python3 - "$TEST_OUT" "$tree" "$(cat "$KEY1/fpr")" <<'PY'
import json, os, sys
o = json.load(open(sys.argv[1]))
assert o["source"] == "hello" and o["version"] == "1.1-1", o
assert o["format"] == "3.0 (quilt)", o
assert o["tree"] == os.path.realpath(sys.argv[2]), o
assert o["signer"] == sys.argv[3], o
names = sorted(f["name"] for f in o["files"])
assert names == ["hello_1.1-1.debian.tar.xz", "hello_1.1.orig.tar.gz"], names
assert all(len(f["sha256"]) == 64 and f["size"] > 0 for f in o["files"]), o
PY
echo "ok: bpo unpack RECIPE = dpkg-source -x, default tree, --json with the signer"

# Again: the tree exists, --force replaces it; --dest elsewhere.
expect_exit 1 "already exists" "$BPO" -c "$CASE_DIR/bpo.conf" unpack "$CASE_DIR/recipe.yaml"
expect_exit 0 "" "$BPO" -c "$CASE_DIR/bpo.conf" unpack --force "$CASE_DIR/recipe.yaml"
expect_exit 0 "" "$BPO" -c "$CASE_DIR/bpo.conf" unpack --dest "$T/elsewhere" "$CASE_DIR/recipe.yaml"
same_tree "$T/ref" "$T/elsewhere"
echo "ok: existing tree refused, --force, --dest"

# A local .dsc signed by KEY1.
L=$T/local
mkdir "$L"
cp "$pool"/hello_1.1* "$L/"
if ! head -1 "$L/hello_1.1-1.dsc" | grep 'BEGIN PGP SIGNED MESSAGE' >/dev/null; then
	archive_sign_dsc "$L/hello_1.1-1.dsc" "$KEY1"
fi
expect_exit 0 "" "$BPO" unpack --json --keyring "$KEY1/keyring.gpg" "$L/hello_1.1-1.dsc" \
	--dest "$T/signed"
same_tree "$T/ref" "$T/signed"
grep -q "\"signer\":\"$(cat "$KEY1/fpr")\"" "$TEST_OUT"
echo "ok: local .dsc verified with --keyring"

expect_exit 3 "hello_1.1-1.dsc: signed by key .* not in the keyring" "$BPO" unpack --keyring "$KEY2/keyring.gpg" "$L/hello_1.1-1.dsc" --dest "$T/x"
[ ! -e "$T/x" ]
sed -i 's/^Maintainer: /Maintainer: X/' "$L/hello_1.1-1.dsc"
expect_exit 3 "BAD signature" "$BPO" unpack --keyring "$KEY1/keyring.gpg" "$L/hello_1.1-1.dsc" --dest "$T/x"
[ ! -e "$T/x" ]
awk '/^-----BEGIN PGP SIGNED/{skip=1} skip&&/^$/{skip=0;next} /^-----BEGIN PGP SIGNATURE/{exit} !skip' \
	"$pool/hello_1.1-1.dsc" > "$L/hello_1.1-1.dsc"
expect_exit 3 "not signed" "$BPO" unpack --keyring "$KEY1/keyring.gpg" "$L/hello_1.1-1.dsc" --dest "$T/x"
[ ! -e "$T/x" ]
echo "ok: other key, tampered and unsigned .dsc refused with exit 3"
