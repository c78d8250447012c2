#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fetch-progress: on a terminal (a pseudo-terminal made by script(1)) a
# download shows a bar with the bytes fetched, the total and the rate
# ("... KiB of ... KiB, ... KiB/s, 1/3 files"), redrawn in place; not on a
# terminal, or with -q, none of it.
set -euo pipefail
P=pool/main/h/hello
FETCH_HTTPD_OPTS=(--slow "/slow/$P/hello_1.1.orig.tar.gz:3")
. "$BPO_SRCDIR/tests/integration/lib/fetch-env.sh"
need_tools script

new_case slow
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "version: 1.1-1" \
	"keyring: $KEY1/keyring.gpg"
size=$(stat -c %s "$CASE/$P/hello_1.1.orig.tar.gz")
under_tty "$T/tty.out" "$BPO" -c "$CASE_DIR/bpo.conf" fetch "$CASE_DIR/recipe.yaml" ||
	{ cat "$T/tty.out"; echo "FAIL: bpo fetch under a pty failed" >&2; exit 1; }
cmp "$CASE_DIR/work/hello_1.1-1/hello_1.1.orig.tar.gz" "$CASE/$P/hello_1.1.orig.tar.gz"
# the bar is redrawn in place (carriage return, erase to the end of line)
grep -qF $'\r\033[K[' "$T/tty.out" || { cat -A "$T/tty.out" >&2; echo "FAIL: no bar redrawn in place" >&2; exit 1; }
# bytes, of the total, and a rate; the file count
bars=$(tr '\r' '\n' <"$T/tty.out" | grep -aE '^.\[K\[[# ]{30}\] +[0-9]+% ' || true)
grep -aqE ' [0-9.]+ (B|KiB|MiB) of [0-9.]+ (B|KiB|MiB), [0-9.]+ (B|KiB|MiB)/s, [0-9]+/[0-9]+ files' <<<"$bars" ||
	{ cat -A "$T/tty.out" >&2; echo "FAIL: the bar shows no bytes, total and rate" >&2; exit 1; }
# bytes grow while the slow file arrives: more than one distinct count shown,
# none above what was fetched in all, and never the old "0% 0/1 files" only
distinct=$(grep -aoE '\] +[0-9]+% [0-9.]+ (B|KiB|MiB)' <<<"$bars" | sort -u | wc -l)
[ "$distinct" -ge 3 ] || { printf '%s\n' "$bars" >&2; echo "FAIL: the bar did not move ($distinct states)" >&2; exit 1; }
echo "ok: bytes, total and rate on a terminal ($distinct states; orig $size bytes)"
# the bar is gone at the end: the last thing on the line is not a bar
last=$(tr '\r' '\n' <"$T/tty.out" | grep -av '^[[:space:]]*$' | tail -1)
case "$last" in *"% "*files*) echo "FAIL: a bar left on screen: $last" >&2; exit 1 ;; esac
echo "ok: the bar is wiped when the downloads end"

# not on a terminal: no bar, no escape sequence
new_case slow
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "version: 1.1-1" \
	"keyring: $KEY1/keyring.gpg"
"$BPO" -c "$CASE_DIR/bpo.conf" fetch "$CASE_DIR/recipe.yaml" >"$T/plain.out" 2>"$T/plain.err"
if grep -qF $'\033' "$T/plain.err" || grep -q 'files' "$T/plain.err"; then
	cat -A "$T/plain.err" >&2; echo "FAIL: progress written to a file" >&2; exit 1
fi
echo "ok: no progress when stderr is not a terminal"

# -q on a terminal: no bar either
new_case slow
recipe "package: hello" "archive: $CASE_URL" "suite: testing" "version: 1.1-1" \
	"keyring: $KEY1/keyring.gpg"
under_tty "$T/quiet.out" "$BPO" -q -c "$CASE_DIR/bpo.conf" fetch "$CASE_DIR/recipe.yaml"
if grep -qF $'\033[K' "$T/quiet.out" || grep -aq ' files' "$T/quiet.out"; then
	cat -A "$T/quiet.out" >&2; echo "FAIL: progress shown with -q" >&2; exit 1
fi
echo "ok: no progress with -q"
