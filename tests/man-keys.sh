#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages of the file formats name exactly the keys the parsers accept:
#  - every key in the key tables of src/recipe.c
#    (static const char *const <group>_keys[] = {...};) is documented in the
#    same group in the KEYS section of man/bpo-recipe.5 (top-level keys are
#    .SS titles, the others .TP tags in their .SS section, extra-sources' keys
#    .TP tags in the .RS list under build's extra-sources), and every key
#    documented there is in that group's table;
#  - every key of src/bpoconf.c's key_names[] table is documented in the KEYS
#    section of man/bpo.conf.5, and every .TP key there is in key_names[];
#    the keys of its nested mappings (maintainer: keys[], qa: qa_keys[]) are
#    named there too.
# The keys are read from the source, so a key added to a parser without a
# man page entry (or the other way round) fails this test.
set -euo pipefail

srcdir=${BPO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bpo-man-keys.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}

unroff() {
	sed -e '/^\.\\"/d' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(..//g' -e 's/\\&//g' "$@"
}

# The strings of every C array whose declaration matches $2, in file $1.
table_strings() {
	awk -v re="$2" '$0 ~ re { on = 1 } on { print } on && /};/ { on = 0 }' "$1" |
		grep -oE '"[^"]*"' | tr -d '"' | sort -u
}

# The keys a man page documents in its KEYS section: the first word of each
# .SS title and of each .TP tag line (the line after .TP), when it looks like
# a key.
man_keys() {
	sed -n '/^\.SH KEYS/,/^\.SH /p' "$1" | unroff | awk '
		/^\.SS / { print $2; next }
		tag { tag = 0; if ($1 ~ /^\.(B|BR|BI|I|IR)$/) print $2; next }
		/^\.TP/ { tag = 1 }
	' | sed 's/"//g' | grep -E '^[a-z][a-z0-9-]*$' | sort -u || true
}

# --- bpo-recipe(5) against src/recipe.c -------------------------------------
# Per group: "GROUP KEY" lines from the C tables and from the man page.
# C table <name>_keys -> the man page's group: top (the .SS titles), the .SS
# section of that name, or a nested list (.RS after a .TP tag) in build.
recipe_c=$srcdir/src/recipe.c
recipe_5=$srcdir/man/bpo-recipe.5
group_of() {
	case $1 in
	top) echo top ;;
	source | target | changelog | build | publish | qa) echo "$1" ;;
	patch) echo patches ;;
	fix) echo fixes ;;
	xsource) echo build/extra-sources ;;
	relax) echo build/relax ;;
	*) return 1 ;;
	esac
}
tables=$(grep -oE 'static const char [*]const [a-z_]+_keys[[][]] = [{]' "$recipe_c" |
	sed -E 's/.*const ([a-z_]+)_keys.*/\1/')
ntables=$(echo "$tables" | grep -c . || true)
: >"$tmp/recipe.code"
for t in $tables; do
	if ! g=$(group_of "$t"); then
		bad "src/recipe.c has a key table ${t}_keys this test does not know; add it to group_of"
		continue
	fi
	table_strings "$recipe_c" "static const char [*]const ${t}_keys[[][]] = [{]" |
		sed "s|^|$g |" >>"$tmp/recipe.code"
done
# the limits mapping's keys are src/limits.h's BPO_LIMITS_KEYS (shared with bpo.conf)
limits_keys=$(grep -E '^#define BPO_LIMITS_KEYS' "$srcdir/src/limits.h" | grep -oE '"[^"]*"' | tr -d '"')
[ -n "$limits_keys" ] || bad "src/limits.h: no BPO_LIMITS_KEYS found; update this test"
for k in $limits_keys; do echo "limits $k"; done >>"$tmp/recipe.code"
sort -u -o "$tmp/recipe.code" "$tmp/recipe.code"
if [ "$ntables" -lt 5 ] || [ "$(wc -l <"$tmp/recipe.code")" -lt 20 ]; then
	bad "src/recipe.c: found $ntables key tables and $(wc -l <"$tmp/recipe.code") keys;" \
		"has the way keys are listed changed? Update this test."
fi
sed -n '/^\.SH KEYS/,/^\.SH /p' "$recipe_5" | unroff | awk '
	/^\.SS / { group = $2; depth = 0; parent = ""; print "top " group; next }
	/^\.RS/ { depth++; next }
	/^\.RE/ { if (depth) depth--; next }
	tag {
		tag = 0
		if ($1 ~ /^\.(B|BR|BI|I|IR)$/) {
			k = $2; gsub(/"/, "", k)
			if (depth == 0) { parent = k; print group " " k }
			else print group "/" parent " " k
		}
		next
	}
	/^\.TP/ { tag = 1 }
' | grep -E '^[a-z/-]+ [a-z][a-z0-9-]*$' | sort -u >"$tmp/recipe.man" || true
while read -r g k; do
	[ -n "$k" ] && bad "src/recipe.c accepts the key '$k' in '$g', bpo-recipe(5) KEYS does not document it there"
done < <(comm -23 "$tmp/recipe.code" "$tmp/recipe.man")
while read -r g k; do
	[ -n "$k" ] && bad "bpo-recipe(5) documents the key '$k' in '$g', src/recipe.c has no such key there"
done < <(comm -13 "$tmp/recipe.code" "$tmp/recipe.man")
echo "recipe keys ($ntables tables, $(wc -l <"$tmp/recipe.code") group/key pairs)"

# --- bpo.conf(5) against src/bpoconf.c --------------------------------------
conf_c=$srcdir/src/bpoconf.c
conf_5=$srcdir/man/bpo.conf.5
table_strings "$conf_c" 'static const char [*]const key_names[[]' >"$tmp/conf.code"
[ "$(wc -l <"$tmp/conf.code")" -ge 5 ] ||
	bad "src/bpoconf.c: no key_names[] table with keys found; update this test"
man_keys "$conf_5" >"$tmp/conf.man"
while read -r k; do
	[ -n "$k" ] && bad "src/bpoconf.c accepts the key '$k', bpo.conf(5) KEYS does not document it"
done < <(comm -23 "$tmp/conf.code" "$tmp/conf.man")
while read -r k; do
	[ -n "$k" ] && bad "bpo.conf(5) documents the key '$k', src/bpoconf.c has no such key"
done < <(comm -13 "$tmp/conf.code" "$tmp/conf.man")
# The keys of nested mappings (maintainer: keys[], qa: qa_keys[]), each named
# in the KEYS section (as .B/.BR KEY or in an example as "  KEY: ").
sed -n '/^\.SH KEYS/,/^\.SH /p' "$conf_5" | unroff >"$tmp/conf.keys"
for t in keys qa_keys; do
	for k in $(table_strings "$conf_c" "static const char [*]const $t[[][]] = [{]"); do
		grep -qE "^\.BR? $k( |,|\$)|^  $k: " "$tmp/conf.keys" ||
			bad "src/bpoconf.c accepts the key '$k' (table $t), bpo.conf(5) does not name it"
	done
done
for k in $limits_keys; do
	grep -qE "^\.BR? $k( |,|\$)|^  $k: " "$tmp/conf.keys" ||
		bad "src/limits.h has the limits key '$k', bpo.conf(5) does not name it"
done
echo "bpo.conf keys: $(echo $(cat "$tmp/conf.code"))"

exit $fail
