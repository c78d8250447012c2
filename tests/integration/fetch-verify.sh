#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-verify: every way an archive can fail to verify makes `bpo fetch` exit 3
# with one message naming the file, and leaves nothing unverified in the cache:
# unsigned InRelease, wrong key, bad signature, expired Valid-Until, Date in the
# future, wrong suite, Sources hash mismatch, .dsc edited (Sources right), .dsc
# and Sources disagreeing, tarball byte flipped, truncated file, file too long.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/fetch-env.sh"
D=dists/testing
P=pool/main/h/hello

# Unsigned InRelease (the Release text served as InRelease).
new_case unsigned
cp "$CASE/$D/Release" "$CASE/$D/InRelease"
expect_exit 3 "unsigned/$D/InRelease: not signed" fetch_case
cache_verified

# Signed by a key that is not in the recipe's keyring.
new_case wrongkey
archive_sign "$CASE" testing "$KEY2"
expect_exit 3 "wrongkey/$D/InRelease: signed by key [0-9A-F]+, which is not in the keyring" fetch_case
grep -q "$(cat "$KEY2/fpr" | tail -c 17)" "$TEST_ERR"
cache_verified

# Bad signature: the signed text altered after signing.
new_case badsig
sed -i 's/^Label: bpo-test$/Label: bpo-tesT/' "$CASE/$D/InRelease"
expect_exit 3 "badsig/$D/InRelease: BAD signature" fetch_case
cache_verified

# Bad detached signature (no InRelease, Release altered).
new_case baddetached
rm "$CASE/$D/InRelease"
sed -i 's/^Label: bpo-test$/Label: bpo-tesT/' "$CASE/$D/Release"
expect_exit 3 "baddetached/$D/Release: BAD signature" fetch_case

# Neither InRelease nor Release.gpg: not signed, a verification failure (exit 3).
new_case nosig
rm "$CASE/$D/InRelease" "$CASE/$D/Release.gpg"
expect_exit 3 "nosig/$D/Release: not signed: neither InRelease nor Release.gpg" fetch_case
cache_verified

# A second signed message appended (signed by another key): refused, as apt does.
new_case appended
cp "$CASE/$D/Release" "$T/evil-release"
archive_gpg "$KEY2" --local-user "$(cat "$KEY2/fpr")" --clearsign -o "$T/evil.asc" "$T/evil-release"
cat "$T/evil.asc" >>"$CASE/$D/InRelease"
expect_exit 3 "appended/$D/InRelease: more than one signed message" fetch_case

# Expired Valid-Until.
new_case expired
ARCHIVE_VALID_UNTIL=$(($(date +%s) - 3600)) archive_release "$CASE" testing
archive_sign "$CASE" testing "$KEY1"
expect_exit 3 "expired/$D/InRelease: expired: Valid-Until" fetch_case
# ... accepted with the recipe's override (apt's check-valid-until=no), with a
# warning naming the suite, the expiry and the override; the signature and the
# hashes are still checked
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg" \
	"check-valid-until: false"
expect_exit 0 "" fetch_case --dest "$T/vu-ok"
grep -q "testing: expired (Valid-Until .*) but accepted by source.check-valid-until: false" "$TEST_ERR" ||
	fail "no warning for the expired suite: $(cat "$TEST_ERR")"
# max-valid-time: valid until Date + N (Date is now here): a day is enough,
# a second ago is not
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg" \
	"max-valid-time: 1d"
expect_exit 0 "" fetch_case --dest "$T/vu-ok2"
ARCHIVE_DATE=$(($(date +%s) - 7200)) ARCHIVE_VALID_UNTIL=$(($(date +%s) - 3600)) \
	archive_release "$CASE" testing
archive_sign "$CASE" testing "$KEY1"
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg" \
	"max-valid-time: 1h"
expect_exit 3 "expired/$D/InRelease: expired: Valid-Until" fetch_case
# bpo.conf's archives: the same per archive, for every recipe; the recipe's
# own setting for its archive wins (its max-valid-time: 1h still refuses)
cp "$CASE_DIR/bpo.conf" "$T/bpo.conf.plain"
printf 'archives:\n  - uri: %s\n    check-valid-until: false\n' "$CASE_URL" >>"$CASE_DIR/bpo.conf"
expect_exit 3 "expired/$D/InRelease: expired: Valid-Until" fetch_case
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
expect_exit 0 "" fetch_case --dest "$T/vu-ok3"
grep -q "testing: expired (Valid-Until .*) but accepted by archives entry 1 of bpo.conf ($CASE_DIR/bpo.conf:" "$TEST_ERR" ||
	fail "no warning naming bpo.conf's archives entry: $(cat "$TEST_ERR")"
cp "$T/bpo.conf.plain" "$CASE_DIR/bpo.conf"
expect_exit 3 "expired/$D/InRelease: expired: Valid-Until" fetch_case
# the override never skips the signature: the signed text altered
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg" \
	"check-valid-until: false"
sed -i 's/^Label: bpo-test$/Label: bpo-tesT/' "$CASE/$D/InRelease"
expect_exit 3 "expired/$D/InRelease: BAD signature" fetch_case
# ... but a Valid-Until in the future is fine.
new_case validok
ARCHIVE_VALID_UNTIL=$(($(date +%s) + 3600)) archive_release "$CASE" testing
archive_sign "$CASE" testing "$KEY1"
expect_exit 0 "" fetch_case

# Date a day in the future.
new_case future
ARCHIVE_DATE=$(($(date +%s) + 86400)) archive_release "$CASE" testing
archive_sign "$CASE" testing "$KEY1"
expect_exit 3 "future/$D/InRelease: Date .* is in the future" fetch_case

# A Release for another suite served under dists/testing (a replay).
new_case wrongsuite
archive_release "$CASE" testing stable
sed -i 's/^Suite: testing$/Suite: stable/' "$CASE/$D/Release"
archive_sign "$CASE" testing "$KEY1"
expect_exit 3 "wrongsuite/$D/InRelease: is for suite 'stable' \(codename 'stable'\), not the requested 'testing'" fetch_case

# Sources.xz changed after the Release was signed.
new_case sourceshash
echo "Package: evil" | xz >>"$CASE/$D/main/source/Sources.xz"
expect_exit 3 "sourceshash/$D/main/source/Sources.xz: (SHA256 mismatch|size mismatch|larger than expected)" fetch_case
cache_verified

# The .dsc edited (its tarball hash changed), Sources still right about the .dsc.
new_case dscedit
python3 - "$CASE/$P/hello_1.1-1.dsc" <<'PY'
import sys, re
p = sys.argv[1]
s = open(p).read()
# flip one hex digit of the first Checksums-Sha256 entry, same length
i = s.index("Checksums-Sha256:\n ") + len("Checksums-Sha256:\n ")
s = s[:i] + ("0" if s[i] != "0" else "1") + s[i + 1:]
open(p, "w").write(s)
PY
expect_exit 3 "hello_1.1-1.dsc: SHA256 mismatch" fetch_case
cache_verified

# .dsc and Sources agree on the .dsc but disagree on a tarball: the Sources
# stanza is edited and the archive re-signed, so only the cross-check catches it.
new_case crosscheck
python3 - "$CASE/$D/main/source/Sources" <<'PY'
import sys
p = sys.argv[1]
paras = open(p).read().split("\n\n")
for k, para in enumerate(paras):
    if "Package: hello\n" in para and "Version: 1.1-1\n" in para:
        lines = para.split("\n")
        i = lines.index("Checksums-Sha256:")
        for j in range(i + 1, len(lines)):
            if lines[j].endswith(".orig.tar.gz"):
                h = lines[j][1:65]
                lines[j] = " " + ("0" if h[0] != "0" else "1") + lines[j][2:]
        paras[k] = "\n".join(lines)
open(p, "w").write("\n\n".join(paras))
PY
archive_release "$CASE" testing
archive_sign "$CASE" testing "$KEY1"
expect_exit 3 "hello_1.1-1.dsc: hello_1.1.orig.tar.gz has sha256 .* but the Sources index says" fetch_case
cache_verified

# A byte flipped in the orig tarball.
new_case flipped
python3 - "$CASE/$P/hello_1.1.orig.tar.gz" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x01
open(p, "wb").write(bytes(b))
PY
expect_exit 3 "hello_1.1.orig.tar.gz: SHA256 mismatch" fetch_case
cache_verified

# A truncated file (served completely, just shorter than the index says).
new_case truncated
truncate -s -100 "$CASE/$P/hello_1.1-1.debian.tar.xz"
expect_exit 3 "hello_1.1-1.debian.tar.xz: size mismatch: got [0-9]+ bytes, expected [0-9]+ \(truncated" fetch_case
cache_verified

# A file longer than the index says: cut off at the expected size.
new_case toolong
head -c 5000 /dev/urandom >>"$CASE/$P/hello_1.1.orig.tar.gz"
expect_exit 3 "hello_1.1.orig.tar.gz: larger than expected" fetch_case
cache_verified
# A failed fetch leaves no file in the destination.
placed=$(find "$T"/c-*/work -type f 2>/dev/null | grep -v "/c-validok/" || true)
[ -z "$placed" ] || { echo "FAIL: files placed by failed fetches: $placed"; exit 1; }
echo "ok: failed fetches placed no files"

# A keyring file that holds no key.
new_case nokey
echo "not a key" >"$T/bogus.gpg"
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $T/bogus.gpg"
expect_exit 3 "bogus.gpg: keyring holds no usable OpenPGP public key" fetch_case
echo "all fetch-verify checks passed"
