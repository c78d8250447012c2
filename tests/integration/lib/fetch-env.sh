# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# fetch-env.sh — common setup of the fetch-*.sh integration tests (sourced).
# Makes, under a fresh $T (removed on exit, server stopped):
#   $KEY1, $KEY2      two throwaway signing keys (dirs, see archive_key); the
#                     archives are signed with KEY1, KEY2 is "some other key"
#   $BASE             a signed archive: hello 1.0-1 and 1.1-1 (3.0 quilt),
#                     tool 2.0 (3.0 native), suite "testing"
#   $SRV              served by httpd.py at $HTTPD_URL; each case copies $BASE
#                     into $SRV/<case> with new_case
# and the helpers new_case, recipe, fetch_case, cache_verified. A test may set
# the array FETCH_HTTPD_OPTS (httpd.py fault options) before sourcing this.
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"

: "${BPO:?BPO must name the bpo binary}"
need_tools gpg gpgconf dpkg-source dpkg-deb apt-ftparchive python3 xz gzip sha256sum
T=$(mktemp -d "${TMPDIR:-/tmp}/bpo-fetch-test.XXXXXX")
trap 'httpd_stop; rm -rf "$T"' EXIT
export BPO_FETCH_BACKOFF_MS=20 BPO_FETCH_RETRIES=3 BPO_FETCH_STALL_TIMEOUT=10
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export no_proxy=127.0.0.1

KEY1=$T/key1
KEY2=$T/key2
archive_key "$KEY1" "bpo test archive <archive@example.invalid>" 2>/dev/null
archive_key "$KEY2" "someone else <other@example.invalid>" 2>/dev/null
BASE=$T/base
archive_source "$BASE" hello 1.0-1 quilt >/dev/null
archive_source "$BASE" hello 1.1-1 quilt >/dev/null
archive_source "$BASE" tool 2.0 native >/dev/null
archive_indices "$BASE" testing
archive_sign "$BASE" testing "$KEY1"
SRV=$T/srv
mkdir -p "$SRV"

# new_case NAME: a private copy of the base archive at $SRV/NAME; sets CASE (its
# directory), CASE_URL, CASE_DIR ($T/c-NAME: bpo.conf, cache/, work/).
new_case() {
	CASE=$SRV/$1
	CASE_URL=$HTTPD_URL/$1
	CASE_DIR=$T/c-$1
	rm -rf "$CASE" "$CASE_DIR"
	cp -a "$BASE" "$CASE"
	mkdir -p "$CASE_DIR"
	printf 'cache-dir: %s\nwork-dir: %s\n' "$CASE_DIR/cache" "$CASE_DIR/work" >"$CASE_DIR/bpo.conf"
	recipe "package: hello" "archive: $CASE_URL" "suite: testing" "keyring: $KEY1/keyring.gpg"
}

# recipe LINE...: write $CASE_DIR/recipe.yaml whose source: block holds LINEs
# (and, verbatim after it, $RECIPE_EXTRA: e.g. a patches: list).
recipe() {
	{
		echo "source:"
		local l
		for l in "$@"; do echo "  $l"; done
		echo "target:"
		echo "  release: bookworm"
		[ -z "${RECIPE_EXTRA:-}" ] || printf '%s\n' "$RECIPE_EXTRA"
	} >"$CASE_DIR/recipe.yaml"
}

# fetch_case ARGS...: bpo fetch of the current case's recipe.
fetch_case() {
	"$BPO" -c "$CASE_DIR/bpo.conf" fetch "$@" "$CASE_DIR/recipe.yaml"
}

# cache_verified: every cache entry's content hashes to its name, and no
# partial download is left behind.
cache_verified() {
	local f n=0
	if [ -d "$CASE_DIR/cache/by-sha256" ]; then
		for f in "$CASE_DIR/cache/by-sha256"/*; do
			[ -e "$f" ] || continue
			n=$((n + 1))
			[ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || {
				echo "FAIL: unverified content in the cache: $f" >&2
				return 1
			}
		done
	fi
	if [ -d "$CASE_DIR/cache/partial" ] && [ -n "$(ls -A "$CASE_DIR/cache/partial")" ]; then
		echo "FAIL: partial downloads left: $(ls "$CASE_DIR/cache/partial")" >&2
		return 1
	fi
	echo "ok: cache holds only verified content ($n entries)"
}

# Fault options for the server (see httpd.py), set by the test before sourcing.
httpd_start "$SRV" ${FETCH_HTTPD_OPTS[@]+"${FETCH_HTTPD_OPTS[@]}"}
