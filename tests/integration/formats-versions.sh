#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# formats-versions: `bpo version compare` against live `dpkg --compare-versions`
# on a random few hundred of the committed real pairs (and the committed
# verdicts), `bpo version sort` of the 3333-version sample against the order
# the committed dpkg verdicts imply, and the command's exit codes and messages.
set -euo pipefail

skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL (CI=true, a skip is a failure): $*" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}
command -v dpkg >/dev/null || skip "dpkg is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
: "${BPO:?}" "${BPO_SRCDIR:?}"
data=$BPO_SRCDIR/tests/data/versions
T=$(mktemp -d /tmp/bpo-formats-versions.XXXXXX)
trap 'rm -rf "$T"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# 1. Random pairs: bpo, live dpkg and the committed verdict must agree.
seed=${BPO_TEST_SEED:-$RANDOM}
echo "pair sample seed: $seed (set BPO_TEST_SEED to repeat)"
grep -v '^#' "$data/pairs.txt" | shuf -n 300 --random-source=<(yes "$seed") >"$T/pairs"
n=0
while read -r a verdict b; do
	case $verdict in
	'<') op=lt ;;
	'=') op=eq ;;
	'>') op=gt ;;
	*) fail "bad verdict in pairs.txt: $a $verdict $b" ;;
	esac
	dpkg --compare-versions "$a" "$op" "$b" || fail "live dpkg disagrees with pairs.txt: $a $verdict $b"
	# bpo: the verdict's operator, and one of the six in turn (a bpo run
	# costs ~30 ms of shared-library loading, so not all six for each pair).
	ops=(lt le eq ne ge gt)
	for o in "$op" "${ops[$((n % 6))]}"; do
		case "$verdict$o" in
		'<lt' | '<le' | '<ne' | '=le' | '=eq' | '=ge' | '>ne' | '>ge' | '>gt') want=0 ;;
		*) want=1 ;;
		esac
		rc=0
		"$BPO" version compare "$a" "$o" "$b" || rc=$?
		[ "$rc" -eq "$want" ] || fail "bpo version compare $a $o $b: exit $rc, dpkg says $want"
	done
	n=$((n + 1))
done <"$T/pairs"
[ "$n" -eq 300 ] || fail "only $n pairs checked"
echo "ok: $n real pairs: live dpkg confirms the verdicts, bpo agrees (all 6 operators exercised)"

# 2. Sort of the sample: the order the committed verdicts imply. sorted.txt's
# adjacent lines all have a verdict in pairs.txt ('<' or '='), so the verdicts
# alone prove that order; equal versions keep their input order.
python3 - "$data" "$T" <<'PY'
import sys
data, t = sys.argv[1], sys.argv[2]
verdict = {}
for line in open(data + '/pairs.txt'):
    if line.startswith('#'):
        continue
    a, v, b = line.split()
    verdict[(a, b)] = v
    verdict[(b, a)] = {'<': '>', '>': '<', '=': '='}[v]
s = [l.rstrip('\n') for l in open(data + '/sorted.txt')]
sample = [l.rstrip('\n') for l in open(data + '/sample.txt')]
assert sorted(s) == sorted(sample), 'sorted.txt is not a permutation of sample.txt'
groups = [[s[0]]]
for a, b in zip(s, s[1:]):
    v = verdict.get((a, b))
    assert v in ('<', '='), f'no dpkg verdict proves {a} <= {b}: {v}'
    if v == '=':
        groups[-1].append(b)
    else:
        groups.append([b])
pos = {v: i for i, v in enumerate(sample)}
for g in groups:  # ties in input order
    assert [pos[x] for x in g] == sorted(pos[x] for x in g), g
open(t + '/want-asc', 'w').write(''.join(x + '\n' for g in groups for x in g))
open(t + '/want-desc', 'w').write(''.join(x + '\n' for g in reversed(groups) for x in g))
print(f'{len(s)} versions, {len(groups)} distinct, order proved by dpkg verdicts')
PY
"$BPO" version sort <"$data/sample.txt" >"$T/asc"
cmp "$T/asc" "$T/want-asc" || fail "bpo version sort differs from the order dpkg's verdicts imply"
"$BPO" version sort --reverse <"$data/sample.txt" >"$T/desc"
cmp "$T/desc" "$T/want-desc" || fail "bpo version sort --reverse differs"
echo "ok: bpo version sort (and --reverse) of the real sample"

# 3. Exit codes and messages.
expect() { # expect RC STDERR-SUBSTRING CMD...
	local want=$1 msg=$2 rc=0
	shift 2
	"$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	[ "$rc" -eq "$want" ] || fail "$*: exit $rc, want $want; stderr: $(cat "$T/err")"
	if [ -n "$msg" ]; then
		grep -qF -- "$msg" "$T/err" || fail "$*: stderr lacks '$msg': $(cat "$T/err")"
	else
		[ ! -s "$T/err" ] || fail "$*: unexpected stderr: $(cat "$T/err")"
	fi
}
expect 0 "" "$BPO" version compare 1.0~rc1 '<<' 1.0
expect 1 "" "$BPO" version compare 1.0 lt 1.0~rc1
expect 0 "" "$BPO" version compare 2:1 '>=' 1:9
expect 1 "" "$BPO" version compare 1.0 ne 1.0-0
expect 2 "unknown operator 'lte'" "$BPO" version compare 1 lte 2
expect 2 "invalid version '1:': nothing after colon in version number" \
	"$BPO" version compare 1: lt 2
expect 2 "invalid version '': version string is empty" "$BPO" version compare "" lt 2
expect 1 "warning: version 'a1' has bad syntax: version number does not start with digit" \
	"$BPO" version compare a1 lt 1
expect 2 "compare needs exactly A OP B" "$BPO" version compare 1 lt
expect 2 "unknown action 'frob'" "$BPO" version frob
rc=0
printf '1.0\n2.0\n1:\n' | "$BPO" version sort >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "sort of an invalid version: exit $rc"
grep -qxF "bpo: error: <stdin>:3: invalid version '1:': nothing after colon in version number" \
	"$T/err" || fail "sort error message: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "sort printed output despite the error"
printf ' 2.0 \n1.0\n\t0:1.0-0\n' | "$BPO" version sort >"$T/out"
printf '1.0\n0:1.0-0\n2.0\n' | cmp - "$T/out" || fail "sort trims blanks, keeps ties in order"
: | "$BPO" version sort >"$T/out"
[ ! -s "$T/out" ] || fail "empty input gives output"
"$BPO" version --help | grep '^Usage: bpo version compare A OP B' >/dev/null || fail "--help"
echo "ok: exit codes and messages"
