#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# json-schemas: the JSON Schema files of doc/schema/ and the check that
# make check runs over every --json (tests/integration/lib/bpo-json):
#  - each schema is a valid draft-7 schema, listed in mk/docs.am (so it
#    ships) and named in bpo(1);
#  - every usage line of 'bpo COMMAND --help' that offers --json maps to a
#    schema, and every schema but build-dsc (chosen by a .dsc argument) is the
#    map's answer for some usage line: no --json output goes unchecked;
#  - a schema rejects what it must: an empty object or array, and a real
#    output with its schema_version removed or changed;
#  - the check itself: it passes bpo's output and exit status through, exits
#    99 naming the schema when the output does not match, and 99 for --json
#    of a command it has no schema for.
set -euo pipefail
srcdir=${BPO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${BPO_BIN:-${BPO:-./bpo}}
wrap=$srcdir/tests/integration/lib/bpo-json
val=$srcdir/tests/integration/lib/json-schema.py
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "no bpo binary at $bin (set BPO_BIN)"
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
	{ echo "SKIP: python3-jsonschema is not installed (see .ci/packages)"; exit 77; }
T=$(mktemp -d /tmp/bpo-json-schemas.XXXXXX)
trap 'rm -rf "$T"' EXIT

# 1. valid schemas, shipped, documented
for s in "$srcdir"/doc/schema/*.schema.json; do
	n=$(basename "$s")
	/usr/bin/python3 "$val" "$s" || fail "$n is not a valid schema"
	grep -q "doc/schema/$n" "$srcdir/mk/docs.am" || fail "$n is not in EXTRA_DIST (mk/docs.am)"
	grep -qF "$(sed 's/-/\\-/g' <<<"$n")" "$srcdir/man/bpo.1" || fail "bpo(1) does not name $n"
done
echo "ok: $(ls "$srcdir"/doc/schema/*.schema.json | wc -l) valid schemas, shipped and in bpo(1)"

# 2. every usage line with --json has a schema, every schema is used
"$bin" help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' >"$T/cmds"
[ -s "$T/cmds" ] || fail "bpo help lists no commands"
: >"$T/used"
while read -r c; do
	"$bin" "$c" --help >"$T/help" 2>&1 || true
	# the usage entries, each with its continuation lines joined
	/usr/bin/python3 - "$T/help" >"$T/usage" <<'EOF'
import sys
entries, cur = [], None
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    s = line.strip()
    if line.startswith("Usage:") or s.startswith("bpo "):
        cur = s[len("Usage:"):].strip() if line.startswith("Usage:") else s
        entries.append(cur)
    elif entries and line.startswith(" ") and s.startswith(("[", "--")):
        entries[-1] += " " + s
    elif not s:
        if entries:
            break
opts = any(l.lstrip().startswith("--json") for l in open(sys.argv[1]))
if opts and entries and not any("--json" in e for e in entries):
    entries[0] += " [--json]"  # offered under Options only (bpo run)
for e in entries:
    if "the options above" in e:  # deps --plan: the first line's options too
        e += " " + entries[0].split(" ", 2)[-1]
    print(e)
EOF
	while read -r u; do
		case " $u " in *" [--json] "*|*" --json "*) ;; *) continue ;; esac
		# the words after bpo (and its global options): with every optional
		# [--flag] given, and with none but --json
		u=$(sed -e 's/^bpo //' -e 's/\[--config FILE\] //' <<<"$u")
		for v in "$(sed 's/[][|]/ /g' <<<"$u")" "$(sed -e 's/\[[^]]*\]//g' <<<"$u") --json"; do
			read -ra w <<<"$v"
			sc=$("$wrap" --schema-of "${w[@]}") || fail "no schema for the --json of: bpo $v"
			[ -f "$srcdir/doc/schema/$sc.schema.json" ] || fail "bpo $v: schema $sc.schema.json is missing"
			echo "$sc" >>"$T/used"
		done
		nu=$((${nu:-0} + 1))
	done <"$T/usage"
done <"$T/cmds"
[ "${nu:-0}" -ge 12 ] || fail "only ${nu:-0} usage lines offer --json: the help parsing broke"
echo "build-dsc" >>"$T/used"
for s in "$srcdir"/doc/schema/*.schema.json; do
	n=$(basename "$s" .schema.json)
	grep -qx "$n" "$T/used" || fail "$n.schema.json is the schema of no usage line"
done
echo "ok: every --json of the $(wc -l <"$T/cmds") commands' usage lines has its schema"

# 3. the schemas reject what they must
for s in "$srcdir"/doc/schema/*.schema.json; do
	n=$(basename "$s")
	for doc in '{}' '[{}]' '{"schema_version":2}' '[{"schema_version":2}]'; do
		echo "$doc" >"$T/bad.json"
		/usr/bin/python3 "$val" "$s" "$T/bad.json" 2>/dev/null && fail "$n accepts $doc"
	done
done
echo "ok: no schema accepts an empty object or a wrong schema_version"
: >"$T/empty.conf"
"$bin" -c "$T/empty.conf" config --json >"$T/config.json"
/usr/bin/python3 "$val" "$srcdir/doc/schema/config.schema.json" "$T/config.json" ||
	fail "bpo config --json does not match its schema"
sed 's/"schema_version":1,//' "$T/config.json" >"$T/nosv.json"
/usr/bin/python3 "$val" "$srcdir/doc/schema/config.schema.json" "$T/nosv.json" 2>"$T/err" &&
	fail "config.schema.json accepts an output without schema_version"
grep -q "schema_version" "$T/err" || fail "the error does not name schema_version: $(cat "$T/err")"
echo "ok: a real output passes, the same without schema_version does not"

# 4. the check: passes output and status through, catches a mismatch
BPO_BIN=$bin "$wrap" -c "$T/empty.conf" config --json >"$T/w.json" || fail "bpo-json config --json failed"
cmp -s "$T/w.json" "$T/config.json" || fail "bpo-json changed the output"
st=0; BPO_BIN=$bin "$wrap" recipe check --json /nonexistent.yaml >/dev/null 2>&1 || st=$?
[ "$st" = 2 ] || fail "bpo-json: a usage failure came out as exit $st, expected bpo's 2"
cat >"$T/fake-bpo" <<'EOF'
#!/bin/sh
# a bpo whose --json lacks fields, and an unknown command
case "$1" in config) echo '{"schema_version":1,"config":{}}' ;; *) echo '{}' ;; esac
exit 0
EOF
chmod +x "$T/fake-bpo"
st=0; BPO_BIN=$T/fake-bpo "$wrap" config --json >"$T/o" 2>"$T/e" || st=$?
[ "$st" = 99 ] || fail "bpo-json let an output that does not match pass (exit $st)"
grep -q "config.schema.json" "$T/e" || fail "bpo-json does not name the schema: $(cat "$T/e")"
st=0; BPO_BIN=$T/fake-bpo "$wrap" version --json >"$T/o" 2>"$T/e" || st=$?
[ "$st" = 99 ] && grep -q "no schema" "$T/e" || fail "bpo-json: --json without a schema passed (exit $st)"
echo "ok: bpo-json passes output and status through and fails a mismatch (exit 99)"
