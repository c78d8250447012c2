#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# limits: the caps that are on by default where a recipe builds (bpo(1)
# LIMITS). A signed loopback archive serves "bomb", a source whose tarball
# holds 300 MiB of zeros (about 50 KB compressed): `bpo build RECIPE` and
# `bpo unpack RECIPE` refuse it with the default limits (exit 2, naming the
# tarball, the ratio and the key that raises it) and leave no tree; the
# recipe's limits.ratio and bpo.conf's limits.ratio let it through; the
# recipe's limits.download-size refuses a source before anything is
# downloaded; a bad limits value is an error at file:line:col.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/fetch-env.sh"

new_case bomb
ARCHIVE_SOURCE_ZEROS=300 archive_source "$CASE" bomb 1.0 native >/dev/null
archive_indices "$CASE" testing
archive_sign "$CASE" testing "$KEY1"
tarball=$(ls "$CASE"/pool/main/b/bomb/bomb_1.0.tar.*)
size=$(stat -c %s "$tarball")
[ "$size" -lt $((3 << 20)) ] || { echo "FAIL: the bomb is $size bytes compressed" >&2; exit 1; }
recipe "package: bomb" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
conf=$CASE_DIR/bpo.conf

# bpo build with the defaults: refused in the source stage, before any chroot
expect_exit 2 "bomb_1.0.tar.[a-z]*: member 'bomb-1.0/zeros': unpacks to more than 100 times its compressed size" \
	"$BPO" -c "$conf" build --no-qa "$CASE_DIR/recipe.yaml"
grep -q "limits.ratio" "$TEST_ERR" || { cat "$TEST_ERR"; echo "FAIL: the message does not name the key" >&2; exit 1; }
if find "$CASE_DIR/work" -name zeros 2>/dev/null | grep -q .; then
	echo "FAIL: the bomb's data is left in the work directory" >&2; exit 1
fi
echo "ok: bpo build RECIPE refuses a decompression bomb with the default limits (exit 2)"

expect_exit 2 "unpacks to more than 100 times" "$BPO" -c "$conf" unpack "$CASE_DIR/recipe.yaml"
[ ! -e "$CASE_DIR/work/bomb_1.0/tree" ]
echo "ok: bpo unpack RECIPE refuses it too, no tree left"

# raised by the recipe: it unpacks
RECIPE_EXTRA=$'limits:\n  ratio: 100000' \
	recipe "package: bomb" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
expect_exit 0 "" "$BPO" -c "$conf" unpack "$CASE_DIR/recipe.yaml"
[ "$(stat -c %s "$CASE_DIR/work/bomb_1.0/tree/zeros")" = $((300 << 20)) ]
rm -rf "$CASE_DIR/work/bomb_1.0/tree"
echo "ok: the recipe's limits.ratio lets it through"

# raised by bpo.conf (the recipe says nothing): it unpacks; `bpo config` shows it
recipe "package: bomb" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
printf 'limits:\n  ratio: 100000\n  unpacked-size: 1G\n' >>"$conf"
expect_exit 0 "" "$BPO" -c "$conf" unpack "$CASE_DIR/recipe.yaml"
rm -rf "$CASE_DIR/work/bomb_1.0/tree"
expect_exit 0 "" "$BPO" -c "$conf" config --json
python3 - "$TEST_OUT" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["config"]
assert c["limits"] == {"unpacked-size": 1 << 30, "members": 2000000, "ratio": 100000,
                       "download-size": 8 << 30}, c["limits"]
PY
# ... and the recipe's lower unpacked-size wins over it
RECIPE_EXTRA=$'limits:\n  unpacked-size: 100M' \
	recipe "package: bomb" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
expect_exit 2 "exceeds the size limit of 104857600 bytes" "$BPO" -c "$conf" unpack "$CASE_DIR/recipe.yaml"
echo "ok: bpo.conf's limits raise it, the recipe's win over bpo.conf's, bpo config shows them"

# download-size: refused before any download
rm -rf "$CASE_DIR/cache/by-sha256"
before=$(wc -l <"$HTTPD_LOG")
RECIPE_EXTRA=$'limits:\n  download-size: 1K' \
	recipe "package: bomb" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
expect_exit 2 "bomb_1.0.dsc: the source's files come to [0-9]+ bytes, more than the download limit of 1024" \
	"$BPO" -c "$conf" fetch "$CASE_DIR/recipe.yaml"
tail -n +"$((before + 1))" "$HTTPD_LOG" >"$T/requests"
grep -q "bomb_1.0.dsc" "$T/requests" || { echo "FAIL: the .dsc was not fetched" >&2; exit 1; }
if grep -q "bomb_1.0.tar" "$T/requests"; then
	echo "FAIL: the tarball was requested" >&2; exit 1
fi
echo "ok: limits.download-size refuses a source before its files are downloaded"

# bad values, at file:line:col
RECIPE_EXTRA=$'limits:\n  ratio: 10x\n  unpacked-size: lots' \
	recipe "package: bomb" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
expect_exit 2 "recipe.yaml:[0-9]+:10: limits.ratio: expected a whole number above 0, found '10x'" \
	"$BPO" -c "$conf" unpack "$CASE_DIR/recipe.yaml"
printf 'limits:\n  members: 0\n' >"$T/bad.conf"
expect_exit 2 "bad.conf:2:12: limits.members: expected a whole number above 0, found '0'" \
	"$BPO" -c "$T/bad.conf" config
echo "ok: bad limits values are errors at file:line:col"
