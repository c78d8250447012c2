#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# recipe-config: `bpo config` prints the effective configuration and each
# value's origin: the user file over the defaults, --config FILE alone, the
# mirror from a committed apt sources tree ($BPO_APT_DIR), $BPO_MIRROR over
# everything, a bad file's exact error line and exit 2.
set -euo pipefail
: "${BPO:?}" "${BPO_SRCDIR:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/bpo-recipe-config.XXXXXX")
trap 'rm -rf "$T"' EXIT
data=$BPO_SRCDIR/tests/data
fail() { echo "FAIL: $*" >&2; exit 1; }
for v in BPO_MIRROR BPO_CACHE_DIR DEBFULLNAME DEBEMAIL NAME EMAIL XDG_CACHE_HOME; do
	unset "$v"
done
export HOME=$T/home XDG_CONFIG_HOME=$T/xdg BPO_APT_DIR=$data/apt/deb822
mkdir -p "$HOME" "$XDG_CONFIG_HOME/bpo"

# The user file over the defaults; the mirror from the apt sources tree.
cat >"$XDG_CONFIG_HOME/bpo/bpo.conf" <<'CONF'
build-user: tester
build-timeout: 90m
CONF
"$BPO" config >"$T/out"
if [ -e /etc/bpo/bpo.conf ] && grep -q '^mirror:' /etc/bpo/bpo.conf; then
	echo "note: /etc/bpo/bpo.conf sets mirror; not checking the apt sources default here"
else
	grep -qx '  mirror: http://mirror.example/debian' "$T/out" || fail "mirror from apt sources"
	grep -qx "  mirror: apt sources ($BPO_APT_DIR/sources.list.d/debian.sources)" "$T/out" ||
		fail "mirror origin"
fi
grep -qx '  build-user: tester' "$T/out" || fail "user file value"
grep -qx "  build-user: $XDG_CONFIG_HOME/bpo/bpo.conf:1:13" "$T/out" || fail "user file origin"
grep -qx '  build-timeout: 5400' "$T/out" || fail "duration"
echo "ok: user file, apt sources, origins"

# $BPO_MIRROR beats everything; DEBEMAIL gives the maintainer; JSON.
BPO_MIRROR=http://override.example/debian/ DEBEMAIL='Jane Doe <jane@example.org>' \
	"$BPO" config --json >"$T/out"
python3 - "$T/out" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
c, origin = o["config"], o["origin"]
assert c["mirror"] == "http://override.example/debian", c
assert origin["mirror"] == "$BPO_MIRROR", origin
assert c["maintainer"] == "Jane Doe <jane@example.org>", c
assert origin["maintainer"] == "$DEBEMAIL", origin
assert c["build-user"] == "tester", c
PY
echo "ok: \$BPO_MIRROR and \$DEBEMAIL, --json"

# --config FILE: only that file (the user file is not read).
"$BPO" --config "$data/bpoconf/system.conf" config >"$T/out"
grep -qx '  build-user: builder' "$T/out" || fail "--config value"
grep -qx "files: $data/bpoconf/system.conf" "$T/out" || fail "--config files"
echo "ok: --config FILE alone"

# A bad file: exit 2 and its exact error line; a missing --config file: exit 2.
rc=0
"$BPO" --config "$data/bpoconf/bad/unknown-key.conf" config >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "bad config exited $rc"
want="bpo: error: $data/bpoconf/bad/$(cat "$data/bpoconf/bad/unknown-key.err")"
[ "$(cat "$T/err")" = "$want" ] || fail "got: $(cat "$T/err")"$'\n'"want: $want"
rc=0
"$BPO" --config "$T/nope.conf" config >/dev/null 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "missing --config exited $rc"
rc=0
"$BPO" config extra >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "extra argument exited $rc"
echo "ok: bad and missing files exit 2"

# The uploader's key: bpo.conf's sign-key (normalised), else DEBSIGN_KEYID of
# ~/.devscripts when it is a full fingerprint, as debsign reads it.
fpr=0123456789ABCDEF0123456789ABCDEF01234567
printf 'sign-key: 0x0123 4567 89ab cdef 0123 4567 89ab cdef 0123 4567\n' >"$T/sk.conf"
"$BPO" --config "$T/sk.conf" config >"$T/out"
grep -qx "  sign-key: $fpr" "$T/out" || fail "sign-key not normalised: $(grep sign-key "$T/out")"
grep -qx "  sign-key: $T/sk.conf:1:11" "$T/out" || fail "sign-key origin: $(grep sign-key "$T/out")"
: >"$T/empty.conf"
printf 'DEBSIGN_KEYID=%s\n' "FEDCBA9876543210FEDCBA9876543210FEDCBA98" >"$HOME/.devscripts"
"$BPO" --config "$T/empty.conf" config >"$T/out"
grep -qx '  sign-key: FEDCBA9876543210FEDCBA9876543210FEDCBA98' "$T/out" ||
	fail "DEBSIGN_KEYID not taken: $(grep sign-key "$T/out")"
grep -qx '  sign-key: DEBSIGN_KEYID (devscripts)' "$T/out" || fail "DEBSIGN_KEYID origin"
"$BPO" --config "$T/sk.conf" config >"$T/out"
grep -qx "  sign-key: $fpr" "$T/out" || fail "bpo.conf's sign-key does not win over DEBSIGN_KEYID"
printf 'DEBSIGN_KEYID=76543210\n' >"$HOME/.devscripts"
"$BPO" --config "$T/empty.conf" config >"$T/out"
grep -qx '  sign-key: null' "$T/out" || fail "a short key id was taken: $(grep sign-key "$T/out")"
grep -q "^  sign-key: 'unset: DEBSIGN_KEYID '.76543210.' (devscripts) is not a full fingerprint'" "$T/out" ||
	fail "short key id origin: $(grep sign-key "$T/out")"
rm -f "$HOME/.devscripts"
echo "ok: sign-key from bpo.conf, DEBSIGN_KEYID from ~/.devscripts, a short id refused"
