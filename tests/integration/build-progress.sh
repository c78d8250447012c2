#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Progress of a build on a terminal (a pseudo-terminal made by script(1)): a
# status line, redrawn in place, names the stage, the time it has run (m:ss)
# and the last line of the build log; it is wiped before the next message and
# at the end. With stderr in a file, or with -q, none of it.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image
command -v script >/dev/null || skip "script(1) not installed"

tmp=$(mktemp -d)
cleanup() {
	drop_private_cache
	rm -rf "$tmp"
}
trap cleanup EXIT
private_cache

# a build that runs for a few seconds and says what it does meanwhile
dsc=$(make_dsc "$tmp" "sleep-forever=4")
arch=$(dpkg --print-architecture)

under_tty "$tmp/tty.out" "$BPO" build "$dsc" --release bookworm --result "$tmp/out" ||
	{ cat -A "$tmp/tty.out" | tail -40; fail "bpo build under a pty failed"; }
log="$tmp/out/bpo-hello_1.0_$arch.build"
[ -f "$log" ] || fail "no build log"
# status lines: "\r\e[K<stage> m:ss | <last line of the build log>"
status=$(tr '\r' '\n' <"$tmp/tty.out" | sed -n 's/^\x1b\[K\(.* [0-9]*:[0-5][0-9] | .*\)$/\1/p')
[ -n "$status" ] || { cat -A "$tmp/tty.out" | tail -40; fail "no status line on the terminal"; }
grep -q '^\[build\] ' <<<"$status" ||
	{ printf '%s\n' "$status" >&2; fail "the status line does not name the stage"; }
# the time moves on
[ "$(sed -n 's/.* \([0-9]*:[0-5][0-9]\) | .*/\1/p' <<<"$status" | sort -u | wc -l)" -ge 2 ] ||
	{ printf '%s\n' "$status" >&2; fail "the elapsed time does not move"; }
# what follows " | " is a line of the build log
n=0
while IFS= read -r l; do
	tail=${l#* | }
	[ -n "$tail" ] || continue
	grep -qF -- "$tail" "$log" && n=$((n + 1))
done <<<"$status"
[ "$n" -ge 1 ] || { printf '%s\n' "$status" >&2; fail "the status line shows no line of the build log"; }
# never wider than the terminal (script's pty: 80 columns unless told)
cols=$(script -q -c 'stty size' /dev/null </dev/null | tr -d '\r' | awk '{print $2}')
[ -n "$cols" ] && [ "$cols" -ge 20 ] || cols=80  # no size set: bpo assumes 80
awk -v c="$cols" 'length($0) > c - 1 { bad = 1 } END { exit bad }' <<<"$status" ||
	fail "a status line is wider than the terminal ($cols columns)"
# wiped before the next message: every "bpo: " message starts a line of its own
if tr '\r' '\n' <"$tmp/tty.out" | grep -a ' | .*bpo: ' >/dev/null; then
	fail "a message was written over the status line"
fi
echo "ok: status line with stage, m:ss and the build log's last line ($(wc -l <<<"$status") redraws, e.g. $(grep -m1 PROBE <<<"$status" || head -1 <<<"$status"))"

# not a terminal: the messages only
rm -rf "$tmp/out"
"$BPO" build "$dsc" --release bookworm --result "$tmp/out" >/dev/null 2>"$tmp/plain.err" ||
	{ cat "$tmp/plain.err"; fail "bpo build failed"; }
if grep -qF $'\033' "$tmp/plain.err"; then cat -A "$tmp/plain.err"; fail "escape sequences in a file"; fi
echo "ok: no status line when stderr is a file"

# -q on a terminal: nothing drawn
rm -rf "$tmp/out"
under_tty "$tmp/quiet.out" "$BPO" -q build "$dsc" --release bookworm --result "$tmp/out" ||
	fail "bpo -q build failed"
if grep -qF $'\033[K' "$tmp/quiet.out"; then cat -A "$tmp/quiet.out"; fail "status line with -q"; fi
echo "ok: no status line with -q"
