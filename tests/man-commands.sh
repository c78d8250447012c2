#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo(1) and the binary do not drift apart:
#  - every command `bpo help` lists (built or planned) has a subsection
#    .SS "bpo CMD" in the COMMANDS section of man/bpo.1, and every such
#    subsection names a command `bpo help` lists;
#  - every long option that `bpo CMD --help` prints appears in CMD's
#    subsection, and every long option in the subsection appears in the help
#    (--help itself is covered once, in the section's introduction);
#  - every short option in the help's option list (-q, -p, -r, -v ...) and
#    every subcommand its Usage names (bpo repo init, bpo chroot exec ...)
#    appears in the subsection, whose synopsis has as many forms (.B bpo ...
#    lines before the first .PP) as the Usage has lines;
#  - the exit codes (0, 1, 2, 3, 10, 128+N) of the help's "Exit status:"
#    paragraph and of the subsection's are the same;
#  - every BPO_* environment variable named in src/*.c is in ENVIRONMENT,
#    and ENVIRONMENT names no BPO_* variable the code does not read.
set -euo pipefail

srcdir=${BPO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bpo=${BPO:-./bpo}
man=$srcdir/man/bpo.1
[ -x "$bpo" ] || { echo "man-commands: no bpo binary at $bpo (set BPO)"; exit 99; }
[ -r "$man" ] || { echo "man-commands: cannot read $man"; exit 99; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bpo-man-commands.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}

# Roff source to plain words: drop comment lines, \- -> -, font escapes and
# \(xx specials removed, \e -> \, \& removed.
unroff() {
	sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(..//g' \
		-e 's/\\e/\\/g' -e 's/\\&//g' "$@"
}
exit_codes() {
	tr -s ' \t\n' '  ' | grep -oE '(^|[ (;,])(0|1|2|3|10|128\+(N|n))([ ,;)]|$)' |
		grep -oE '0|1|2|3|10|128\+' | sort -u || true
}
long_opts() { grep -oE -- '--[a-z][a-z0-9]*(-[a-z0-9]+)*' | sort -u || true; }

# --- the command list from `bpo help` ------------------------------------
"$bpo" help >"$tmp/help"
# `bpo help --help` is the general help; `bpo help CMD` is `bpo CMD --help`
"$bpo" help --help >"$tmp/help2" || bad "bpo help --help: exit $?"
cmp -s "$tmp/help" "$tmp/help2" || bad "bpo help --help differs from bpo help"
"$bpo" help build >"$tmp/hb" && "$bpo" build --help >"$tmp/hb2" && cmp -s "$tmp/hb" "$tmp/hb2" ||
	bad "bpo help build differs from bpo build --help"
built=$(sed -n '/^Commands:/,/^$/p' "$tmp/help" | sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p')
planned=$(sed -n '/^Planned, not in this version yet:/{n;p;}' "$tmp/help" | tr -s ' ' '\n' |
	sed '/^$/d')
[ -n "$built" ] || { echo "man-commands: no commands in 'bpo help' output"; exit 99; }
echo "built: $(echo $built)"
echo "planned: $(echo $planned)"

# --- the COMMANDS section, one file per subsection -----------------------
grep -q '^\.\\" BEGIN COMMANDS' "$man" || bad "bpo.1 has no BEGIN COMMANDS marker"
grep -q '^\.\\" END COMMANDS' "$man" || bad "bpo.1 has no END COMMANDS marker"
mkdir "$tmp/sec"
sed -n '/^\.\\" BEGIN COMMANDS/,/^\.\\" END COMMANDS/p' "$man" >"$tmp/commands.roff"
awk -v dir="$tmp/sec" '
	/^\.SS / {
		name = $0
		sub(/^\.SS "?bpo /, "", name)
		sub(/"$/, "", name)
		if (name !~ /^[a-z][a-z0-9-]*$/) {
			print "FAIL: subsection title is not \"bpo COMMAND\": " $0 > "/dev/stderr"
			name = "BAD"
		}
		out = dir "/" name
		next
	}
	out { print > out }
	!out { print > (dir "/_intro") }
' "$tmp/commands.roff" 2>"$tmp/awkerr"
if [ -s "$tmp/awkerr" ]; then
	cat "$tmp/awkerr"
	fail=1
fi

# The introduction says once that every command takes -h/--help.
if ! unroff "$tmp/sec/_intro" 2>/dev/null | grep -- '--help' >/dev/null; then
	bad "bpo.1 COMMANDS: the introduction does not say that every command takes --help"
fi

# Every subsection is a command bpo help knows (or help itself).
for f in "$tmp"/sec/*; do
	name=${f##*/}
	[ "$name" = _intro ] && continue
	if ! printf '%s\n' $built $planned help | grep -x -- "$name" >/dev/null; then
		bad "bpo.1 has a subsection 'bpo $name', but 'bpo help' does not list '$name'"
	fi
done

# --- each built command ---------------------------------------------------
for c in $built; do
	sec=$tmp/sec/$c
	if [ ! -f "$sec" ]; then
		bad "'bpo help' lists '$c' but bpo.1 has no subsection .SS \"bpo $c\""
		continue
	fi
	unroff "$sec" >"$tmp/$c.man"
	if [ "$c" = help ]; then
		continue
	fi
	if ! "$bpo" "$c" --help >"$tmp/$c.help" 2>"$tmp/$c.err"; then
		bad "'bpo $c --help' failed: $(head -n1 "$tmp/$c.err")"
		continue
	fi
	long_opts <"$tmp/$c.help" | grep -vx -- '--help' >"$tmp/$c.hopts" || true
	long_opts <"$tmp/$c.man" | grep -vx -- '--help' >"$tmp/$c.mopts" || true
	while read -r o; do
		[ -n "$o" ] && bad "bpo $c: '$o' is in 'bpo $c --help' but not in bpo.1's 'bpo $c'"
	done < <(comm -23 "$tmp/$c.hopts" "$tmp/$c.mopts")
	while read -r o; do
		[ -n "$o" ] && bad "bpo $c: '$o' is in bpo.1's 'bpo $c' but not in 'bpo $c --help'"
	done < <(comm -13 "$tmp/$c.hopts" "$tmp/$c.mopts")
	# Short options from the option list ("  -q, --quiet", "  -p N").
	for s in $(sed -nE 's/^ {2,}(-[A-Za-z])([ ,].*|$)/\1/p' "$tmp/$c.help" | sort -u); do
		[ "$s" = -h ] && continue
		if ! grep -qE -- "(^|[^A-Za-z0-9-])$s([^A-Za-z]|$)" "$tmp/$c.man"; then
			bad "bpo $c: short option '$s' is in --help but not in bpo.1's 'bpo $c'"
		fi
	done
	# Subcommands named by the Usage lines: "bpo CMD WORD ...".
	for w in $(sed -n '1,/^$/p' "$tmp/$c.help" |
		sed -nE "s/^(Usage:)? *bpo $c ([a-z][a-z0-9-]*)( .*|$)/\2/p" | sort -u); do
		if ! grep -qE -- "bpo $c $w([^a-z0-9-]|$)" "$tmp/$c.man"; then
			bad "bpo $c: the usage names 'bpo $c $w', bpo.1's 'bpo $c' does not"
		fi
	done
	# As many forms in the synopsis as the help's Usage has.
	hforms=$(sed -n '1,/^$/p' "$tmp/$c.help" | grep -cE '^(Usage:)? *bpo( |$)' || true)
	mforms=$(sed -n '1,/^\.PP/p' "$sec" | grep -cE '^\.B bpo( |$)' || true)
	if [ "$hforms" != "$mforms" ]; then
		bad "bpo $c: the usage has $hforms forms ('bpo $c ...' lines), bpo.1's synopsis $mforms"
	fi
	# The exit codes: the same of 0, 1, 2, 3, 10 and 128+N in the help's
	# "Exit status:" paragraph and in the subsection's.
	sed -n '/^Exit status:/,/^$/p' "$tmp/$c.help" | exit_codes >"$tmp/$c.hexit"
	awk '/^Exit status:/ { on = 1 } on && /^\.(PP|SS|TP)/ { exit } on' "$tmp/$c.man" |
		exit_codes >"$tmp/$c.mexit"
	if [ ! -s "$tmp/$c.hexit" ]; then
		bad "bpo $c: --help has no 'Exit status:' paragraph with codes"
	elif ! cmp -s "$tmp/$c.hexit" "$tmp/$c.mexit"; then
		bad "bpo $c: exit codes differ: --help says $(echo $(cat "$tmp/$c.hexit")), bpo.1 says $(echo $(cat "$tmp/$c.mexit"))"
	fi
	echo "ok: bpo $c ($(wc -l <"$tmp/$c.hopts") long options; exit $(echo $(cat "$tmp/$c.hexit")))"
done

# --- planned commands: a subsection that says so ---------------------------
for c in $planned; do
	if [ ! -f "$tmp/sec/$c" ]; then
		bad "'bpo help' lists '$c' as planned but bpo.1 has no subsection .SS \"bpo $c\""
	else
		echo "ok: bpo $c (planned)"
	fi
done

# --- ENVIRONMENT against the code ------------------------------------------
sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$man" | unroff >"$tmp/env.man"
grep -ohE '"BPO_[A-Z0-9_]+"' "$srcdir"/src/*.c | tr -d '"' | sort -u >"$tmp/env.code"
grep -oE 'BPO_[A-Z0-9_]+' "$tmp/env.man" | sort -u >"$tmp/env.doc"
[ -s "$tmp/env.code" ] || bad "no BPO_* variable found in $srcdir/src/*.c"
while read -r v; do
	[ -n "$v" ] && bad "src/ reads $v, bpo.1 ENVIRONMENT does not name it"
done < <(comm -23 "$tmp/env.code" "$tmp/env.doc")
while read -r v; do
	[ -n "$v" ] && bad "bpo.1 ENVIRONMENT names $v, which no file in src/ mentions"
done < <(comm -13 "$tmp/env.code" "$tmp/env.doc")
echo "environment: $(echo $(cat "$tmp/env.code"))"

exit $fail
