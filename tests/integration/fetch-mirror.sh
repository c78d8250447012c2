#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-mirror: the real Debian mirror the machine's apt uses (bpo reads it from
# the apt sources at run time, or $BPO_MIRROR). Verifies trixie's InRelease
# with /usr/share/keyrings/debian-archive-keyring.gpg, resolves hello's Sources
# stanza (bpo fetch --resolve: no source download, the mirror's source pool
# may be incomplete), and checks that a keyring without the archive keys
# fails with exit 3. Skips (77) only when the mirror is unreachable, loudly;
# under CI=true that is a failure.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
: "${BPO:?}"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || skip "$keyring missing (install debian-archive-keyring)"
T=$(mktemp -d "${TMPDIR:-/tmp}/bpo-fetch-mirror.XXXXXX")
trap 'rm -rf "$T"' EXIT
printf 'cache-dir: %s\nwork-dir: %s\n' "$T/cache" "$T/work" >"$T/bpo.conf"
printf 'source:\n  package: hello\n  suite: trixie\ntarget:\n  release: bookworm\n' >"$T/hello.yaml"
# Messages name URLs: keep the mirror's host name out of every log.
redact() { sed -E 's#(https?://)[^/ ]+#\1<mirror>#g'; }

rc=0
"$BPO" -c "$T/bpo.conf" fetch --resolve --json "$T/hello.yaml" >"$T/out" 2>"$T/err" || rc=$?
if [ "$rc" -eq 1 ] && grep -Eq "download failed|not found|no mirror|Could not|resolve" "$T/err"; then
	redact <"$T/err" >&2
	skip "THE DEBIAN MIRROR IS UNREACHABLE: fetch-mirror did not run"
fi
if [ "$rc" -ne 0 ]; then
	echo "FAIL: bpo fetch --resolve exited $rc:" >&2
	redact <"$T/err" >&2
	exit 1
fi
python3 - "$T/out" <<'PY'
import json, re, sys
o = json.load(open(sys.argv[1]))
assert o["source"] == "hello", o
assert re.fullmatch(r"[0-9][0-9A-Za-z.+~-]*-[0-9A-Za-z.+~]+", o["version"]), o["version"]
assert o["directory"] == "pool/main/h/hello", o
assert re.fullmatch(r"[0-9A-F]{40}", o["signer"]), o["signer"]
names = [f["name"] for f in o["files"]]
assert any(n == "hello_%s.dsc" % o["version"].split(":")[-1] for n in names), names
assert all(re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) and f["size"] > 0 for f in o["files"])
print("ok: trixie InRelease verified, hello %s resolved, signer %s" % (o["version"], o["signer"]))
PY

# The second resolution reuses the cached Sources.xz (by hash): no new cache entry.
n1=$(find "$T/cache/by-sha256" -type f | wc -l)
"$BPO" -q -c "$T/bpo.conf" fetch --resolve "$T/hello.yaml" >/dev/null 2>"$T/err" || {
	redact <"$T/err" >&2; exit 1; }
n2=$(find "$T/cache/by-sha256" -type f | wc -l)
[ "$n1" -eq "$n2" ] && [ "$n1" -ge 1 ]
echo "ok: Sources index reused from the cache"

# A keyring without the archive's keys: exit 3, naming InRelease.
archive_key "$T/key" 2>/dev/null
printf 'source:\n  package: hello\n  suite: trixie\n  archive: mirror\n  keyring: %s\ntarget:\n  release: bookworm\n' \
	"$T/key/keyring.gpg" >"$T/wrong.yaml"
rc=0
"$BPO" -c "$T/bpo.conf" fetch --resolve "$T/wrong.yaml" >/dev/null 2>"$T/err" || rc=$?
if [ "$rc" -ne 3 ] || ! grep -q "dists/trixie/InRelease: signed by key .* not in the keyring" "$T/err"; then
	echo "FAIL: expected exit 3 for a foreign keyring, got $rc:" >&2
	redact <"$T/err" >&2
	exit 1
fi
echo "ok: foreign keyring rejected"
echo "all fetch-mirror checks passed"
