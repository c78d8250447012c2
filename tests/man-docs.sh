#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# README.md and doc/*.md do not name commands or options bpo does not have:
# in their code (fenced blocks and `inline code`), every `bpo COMMAND ...`
# names a command that `bpo help` lists, and every long option after it (up
# to the next |, ||, &&, ; or >) is one that `bpo COMMAND --help` prints.
# Global options (-c/--config FILE, -q, -v) before COMMAND are skipped.
# The shell scripts in doc/ci.md's ```bash blocks must parse (bash -n).
set -euo pipefail

srcdir=${BPO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bpo=${BPO:-./bpo}
[ -x "$bpo" ] || { echo "man-docs: no bpo binary at $bpo (set BPO)"; exit 99; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bpo-man-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}

"$bpo" help >"$tmp/help"
known=$( (sed -n '/^Commands:/,/^$/p' "$tmp/help" | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p'
	sed -n '/^Planned, not in this version yet:/{n;p;}' "$tmp/help" | tr -s ' ' '\n') |
	sed '/^$/d' | sort -u)
[ -n "$known" ] || { echo "man-docs: no commands in 'bpo help' output"; exit 99; }

docs=("$srcdir/README.md")
for f in "$srcdir"/doc/*.md; do
	[ -e "$f" ] && docs+=("$f")
done

checked=0
for doc in "${docs[@]}"; do
	name=${doc#"$srcdir"/}
	# The code of the document, one line of code per output line.
	awk '
		/^[ \t]*```/ { fence = !fence; next }
		fence { print; next }
		{
			line = $0
			while (match(line, /`[^`]+`/)) {
				print substr(line, RSTART + 1, RLENGTH - 2)
				line = substr(line, RSTART + RLENGTH)
			}
		}
	' "$doc" >"$tmp/code"
	# Split at shell operators; keep the pieces that run bpo.
	sed -E 's/\|\||&&|[|;>]/\n/g' "$tmp/code" |
		grep -oE '(^|[[:space:](])bpo( +(-c|--config) +[^ ]+| +-[qv])* +[a-z][a-z0-9-]*.*' |
		sed -E 's/^[[:space:](]*bpo( +(-c|--config) +[^ ]+| +-[qv])* +//' >"$tmp/calls" || true
	while read -r cmd rest; do
		[ -n "$cmd" ] || continue
		if ! grep -qx -- "$cmd" <<<"$known"; then
			bad "$name: 'bpo $cmd' is not a command that 'bpo help' lists"
			continue
		fi
		checked=$((checked + 1))
		[ "$cmd" = help ] && continue
		if [ ! -f "$tmp/help-$cmd" ]; then
			"$bpo" "$cmd" --help >"$tmp/help-$cmd" 2>/dev/null || : >"$tmp/help-$cmd"
		fi
		[ -s "$tmp/help-$cmd" ] || continue # planned: no options to compare
		for o in $(grep -oE -- '--[a-z][a-z0-9]*(-[a-z0-9]+)*' <<<"$rest" | sort -u); do
			[ "$o" = --help ] && continue
			grep -q -- "$o" "$tmp/help-$cmd" ||
				bad "$name: 'bpo $cmd ... $o': 'bpo $cmd --help' has no $o"
		done
	done <"$tmp/calls"
	# Shell scripts must at least parse.
	awk -v dir="$tmp" '
		/^```bash/ { n++; out = dir "/script" n ".sh"; on = 1; next }
		on && /^```/ { on = 0; next }
		on { print > out }
	' "$doc"
	for s in "$tmp"/script*.sh; do
		[ -e "$s" ] || continue
		bash -n "$s" 2>"$tmp/bash-n" || bad "$name: a bash block does not parse: $(head -n1 "$tmp/bash-n")"
		rm -f "$s"
	done
done
echo "checked $checked bpo calls in ${#docs[@]} documents"
[ "$checked" -gt 10 ] || bad "only $checked bpo calls found; is the extraction broken?"
exit $fail
