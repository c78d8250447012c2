#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-archive: `bpo fetch` walks a signed loopback archive as apt does:
# success, highest vs pinned version, native format, JSON output, the cache
# (a second fetch downloads nothing but InRelease), Release + Release.gpg when
# there is no InRelease, by-hash, a missing version naming the available ones.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/fetch-env.sh"

# Highest version by default; files in the work dir, verified.
new_case ok
expect_exit 0 "" fetch_case
grep -q '^version: 1.1-1$' "$TEST_OUT"
grep -q "^signer: $(cat "$KEY1/fpr")$" "$TEST_OUT"
dir=$CASE_DIR/work/hello_1.1-1
for f in hello_1.1-1.dsc hello_1.1.orig.tar.gz hello_1.1-1.debian.tar.xz; do
	cmp "$dir/$f" "$CASE/pool/main/h/hello/$f"
	grep -q "  $dir/$f\$" "$TEST_OUT"
done
echo "ok: files placed and listed"
cache_verified

# The second fetch makes no download: only InRelease is fetched again.
before=$(httpd_requests)
expect_exit 0 "" fetch_case
after=$(httpd_requests)
new=$(tail -n +"$((before + 1))" "$HTTPD_LOG")
[ "$((after - before))" -eq 1 ] && echo "$new" | grep "/ok/dists/testing/InRelease" >/dev/null || {
	echo "FAIL: second fetch made requests:"; echo "$new"; exit 1; }
echo "ok: second fetch downloaded nothing but InRelease"

# Pinned version, --dest, --json.
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.asc" \
	"version: 1.0-1"
expect_exit 0 "" fetch_case --json --dest "$T/dest"
python3 - "$TEST_OUT" "$T/dest" <<'PY'
import json, sys, hashlib, os
o = json.load(open(sys.argv[1]))
assert o["source"] == "hello" and o["version"] == "1.0-1", o
assert o["format"] == "3.0 (quilt)", o
assert o["dir"] == sys.argv[2], o
assert len(o["files"]) == 3 and o["files"][0]["name"] == "hello_1.0-1.dsc", o
for f in o["files"]:
    data = open(f["path"], "rb").read()
    assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["size"], f
assert len(o["signer"]) == 40
PY
echo "ok: pinned version, --dest, --json (armoured keyring)"

# A version that is not there: exit 1, the available versions listed.
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg" \
	"version: 9.9-1"
expect_exit 1 "no version 9.9-1 .*available: 1.1-1, 1.0-1" fetch_case
recipe "package: nosuch" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
expect_exit 1 "'nosuch' is not in" fetch_case

# Native source.
recipe "package: tool" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
expect_exit 0 "" fetch_case
grep -q '^format: 3.0 (native)$' "$TEST_OUT"
cmp "$CASE_DIR/work/tool_2.0/tool_2.0.tar.xz" "$CASE/pool/main/t/tool/tool_2.0.tar.xz"
echo "ok: native source"

# No InRelease: Release + Release.gpg.
new_case detached
rm "$CASE/dists/testing/InRelease"
expect_exit 0 "" fetch_case
grep -q "/detached/dists/testing/Release.gpg" "$HTTPD_LOG"
echo "ok: Release + Release.gpg"

# Acquire-By-Hash: the index comes from by-hash/SHA256/<hash>.
new_case byhash
ARCHIVE_BY_HASH=yes archive_release "$CASE" testing
archive_sign "$CASE" testing "$KEY1"
expect_exit 0 "" fetch_case
grep -q "/byhash/dists/testing/main/source/by-hash/SHA256/" "$HTTPD_LOG"
echo "ok: by-hash"
cache_verified

# Only a gzip index listed: still found.
new_case gzonly
rm "$CASE/dists/testing/main/source/Sources.xz" "$CASE/dists/testing/main/source/Sources"
sed -i '/main\/source\/Sources\(\.xz\)\?$/d' "$CASE/dists/testing/Release"
archive_sign "$CASE" testing "$KEY1"
expect_exit 0 "" fetch_case
grep -q "/gzonly/dists/testing/main/source/Sources.gz" "$HTTPD_LOG"
echo "ok: Sources.gz"
# On a terminal: a progress bar, wiped before each message line.
if command -v script >/dev/null 2>&1; then
	new_case tty
	script -qec "'$BPO' -c '$CASE_DIR/bpo.conf' fetch '$CASE_DIR/recipe.yaml'" /dev/null >"$T/tty.out"
	grep -q '% .*files, .* active' "$T/tty.out" || { echo "FAIL: no progress bar"; cat -A "$T/tty.out"; exit 1; }
	# every message starts a clean line: the bar is wiped with \r and erase-line
	if tr '\r' '\n' <"$T/tty.out" | sed 's/^\x1b\[K//' | grep '.bpo: fetched' >/dev/null; then
		echo "FAIL: a message shares its line with the bar:"; cat -A "$T/tty.out"; exit 1
	fi
	echo "ok: progress bar on a terminal"
fi
echo "all fetch-archive checks passed"
