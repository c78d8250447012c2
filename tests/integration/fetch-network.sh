#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-network: network failures. A connection dropped mid-file is resumed
# with a Range request and succeeds; HTTP 503 is retried with backoff; a
# stalled transfer times out and is retried; two processes fetching the same
# file share one download (lock on the .part file); 404 fails at once (exit 1, no
# retry); a server that stays down or refuses connections fails with exit 1
# after the retries. Nothing unverified is left in the cache.
set -euo pipefail
P=pool/main/h/hello
FETCH_HTTPD_OPTS=(
	--drop "/drop/$P/hello_1.1.orig.tar.gz:5000"
	--missing "/missing/$P/hello_1.1-1.debian.tar.xz"
	--missing "/norelease/dists/testing/InRelease"
	--missing "/norelease/dists/testing/Release"
	--fail "/flaky/$P/hello_1.1-1.dsc:2"
	--fail "/down/$P/hello_1.1.orig.tar.gz:1000"
	--stall "/stall/$P/hello_1.1-1.debian.tar.xz:4"
	--stall "/concurrent/$P/hello_1.1.orig.tar.gz:2"
	--norange "/norange/$P/hello_1.1.orig.tar.gz"
)
. "$BPO_SRCDIR/tests/integration/lib/fetch-env.sh"

# Dropped after 5000 bytes: the retry asks for the rest with Range and succeeds.
new_case drop
expect_exit 0 "" fetch_case
grep -q "GET /drop/$P/hello_1.1.orig.tar.gz range=bytes=5000- 206" "$HTTPD_LOG" || {
	echo "FAIL: no Range request after the drop:"; grep orig "$HTTPD_LOG"; exit 1; }
cmp "$CASE_DIR/work/hello_1.1-1/hello_1.1.orig.tar.gz" "$CASE/$P/hello_1.1.orig.tar.gz"
echo "ok: resumed with Range"
cache_verified

# A partial download left by an earlier run, and a server that ignores Range:
# the partial file is dropped and the whole file fetched again.
new_case norange
mkdir -p "$CASE_DIR/cache/partial"
head -c 3000 "$CASE/$P/hello_1.1.orig.tar.gz" >"$CASE_DIR/cache/partial/hello_1.1.orig.tar.gz.part"
expect_exit 0 "" fetch_case
grep -q "GET /norange/$P/hello_1.1.orig.tar.gz range=bytes=3000- 200" "$HTTPD_LOG"
cmp "$CASE_DIR/work/hello_1.1-1/hello_1.1.orig.tar.gz" "$CASE/$P/hello_1.1.orig.tar.gz"
echo "ok: a server without Range support gets a fresh download"
cache_verified

# The same, with a server that honours Range: resumed from byte 3000.
new_case resume
mkdir -p "$CASE_DIR/cache/partial"
head -c 3000 "$CASE/$P/hello_1.1.orig.tar.gz" >"$CASE_DIR/cache/partial/hello_1.1.orig.tar.gz.part"
expect_exit 0 "" fetch_case
grep -q "GET /resume/$P/hello_1.1.orig.tar.gz range=bytes=3000- 206" "$HTTPD_LOG"
[ "$(httpd_requests "/resume/$P/hello_1.1.orig.tar.gz")" -eq 1 ]
echo "ok: an earlier partial download is resumed"

# 404: exit 1 at once (one request only), the file named.
new_case missing
expect_exit 1 "hello_1.1-1.debian.tar.xz: not found \(HTTP 404\)" fetch_case
[ "$(httpd_requests "/missing/$P/hello_1.1-1.debian.tar.xz")" -eq 1 ]
echo "ok: 404 not retried"
cache_verified

# Neither InRelease nor Release: exit 1 naming the Release.
new_case norelease
expect_exit 1 "norelease/dists/testing/Release: not found" fetch_case

# 503 twice, then served: retried with backoff and fetched.
new_case flaky
expect_exit 0 "retrying in" fetch_case
[ "$(httpd_requests "/flaky/$P/hello_1.1-1.dsc")" -eq 3 ]
echo "ok: 503 retried"

# A server that keeps answering 503: exit 1 after 1 + BPO_FETCH_RETRIES attempts.
new_case down
expect_exit 1 "after 4 attempts: hello_1.1.orig.tar.gz: download failed: HTTP 503" fetch_case
[ "$(httpd_requests "/down/$P/hello_1.1.orig.tar.gz")" -eq 4 ]
cache_verified

# A stalled transfer: the stall timeout ends it, the retry succeeds.
new_case stall
expect_exit 0 "retrying" env BPO_FETCH_STALL_TIMEOUT=1 "$BPO" -c "$CASE_DIR/bpo.conf" fetch \
	"$CASE_DIR/recipe.yaml"
[ "$(httpd_requests "/stall/$P/hello_1.1-1.debian.tar.xz")" -ge 2 ]
echo "ok: stall timeout"

# Two bpo processes fetching the same file into one cache: one downloads, the
# other waits for its lock and takes the verified file from the cache.
new_case concurrent
"$BPO" -c "$CASE_DIR/bpo.conf" fetch --dest "$T/conc1" "$CASE_DIR/recipe.yaml" >"$T/c1.out" 2>"$T/c1.err" &
p1=$!
sleep 0.5
"$BPO" -c "$CASE_DIR/bpo.conf" fetch --dest "$T/conc2" "$CASE_DIR/recipe.yaml" >"$T/c2.out" 2>"$T/c2.err" &
p2=$!
rc1=0; rc2=0
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] || { echo "FAIL: concurrent fetches: $rc1 $rc2"; cat "$T/c1.err" "$T/c2.err"; exit 1; }
[ "$(httpd_requests "/concurrent/$P/hello_1.1.orig.tar.gz")" -eq 1 ] || {
	echo "FAIL: the tarball was downloaded more than once"; grep orig "$HTTPD_LOG"; exit 1; }
cmp "$T/conc1/hello_1.1.orig.tar.gz" "$T/conc2/hello_1.1.orig.tar.gz"
cat "$T/c1.err" "$T/c2.err" | grep "another bpo is downloading it" >/dev/null
echo "ok: concurrent fetches share one download"
cache_verified

# Connection refused (a port nobody listens on): exit 1 after the retries.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
new_case refused
recipe "package: hello" "archive: http://127.0.0.1:$port" "suite: testing" "keyring: $KEY1/keyring.gpg"
expect_exit 1 "after 4 attempts: .*InRelease: download failed" fetch_case
echo "all fetch-network checks passed"
