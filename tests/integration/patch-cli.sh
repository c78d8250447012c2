#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo patch on a --tree: --check table and JSON, exit codes, --apply all or
# nothing, --edit (work tree with .rej files and a pristine copy) and
# --refresh (the patch rewritten with its DEP-3 header, applying at fuzz 0),
# --quilt, usage errors.
set -euo pipefail
: "${BPO:?}" "${BPO_SRCDIR:?}"
. "$BPO_SRCDIR/tests/integration/lib/common.bash"
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w"

seq -f "line %g" 1 60 >base
sed 's/^line 10$/ten/; s/^line 50$/fifty/' base >new
{ printf 'Description: fix ten and fifty\nAuthor: A <a@example.invalid>\nForwarded: no\nLast-Update: 2024-01-01\n---\n'
  diff -u --label a/src/f.c --label b/src/f.c base new || true; } >0001-fix.patch
sed 's/^line 30$/thirty/' new >new2
diff -u --label a/src/f.c --label b/src/f.c new new2 >0002-more.patch || true
mkdir -p t/src
{ echo "top 1"; echo "top 2"; sed 's/^line 50$/local 50/' base; } >t/src/f.c
cp -a t t.orig

# --check: a table naming every hunk; exit 1 as 0001's second hunk fails
set +e; "$BPO" patch --check --tree t 0001-fix.patch 0002-more.patch >out 2>err; rc=$?; set -e
[ "$rc" = 1 ] || fail "--check exit $rc, expected 1"
grep -q '^0001-fix.patch: FAILS$' out || fail "no FAILS line: $(cat out)"
grep -Eq 'src/f.c +hunk 1/2 +offset +line 9 +offset \+2$' out || fail "hunk 1 not offset +2: $(cat out)"
grep -Eq 'src/f.c +hunk 2/2 +fails +line 49' out || fail "hunk 2 not failing: $(cat out)"
grep -q 'patch 0001-fix.patch: src/f.c: hunk 2 of 2 fails at line 49' err || fail "error: $(cat err)"
diff -r t t.orig >/dev/null || fail "--check changed the tree"

# --check --json is valid JSON with the same facts
set +e; "$BPO" patch --check --json --tree t 0001-fix.patch >out.json 2>/dev/null; set -e
python3 - out.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["failed"] is True
h = d["patches"][0]["files"][0]["hunks"]
assert d["patches"][0]["files"][0]["path"] == "src/f.c"
assert [x["status"] for x in h] == ["offset", "fails"], h
assert h[0]["offset"] == 2
PY

# --apply fails and leaves the tree as it was
set +e; "$BPO" patch --apply --tree t 0001-fix.patch 0002-more.patch 2>err; rc=$?; set -e
[ "$rc" = 1 ] || fail "--apply exit $rc"
diff -r t t.orig >/dev/null || fail "failed --apply changed the tree"

# --edit: 0001 fails; the work tree has hunk 1 applied and the .rej for hunk 2
"$BPO" patch --edit --tree t --dest edit 0001-fix.patch 0002-more.patch >out
grep -q 'does not apply: the work tree is edit' out || fail "edit message: $(cat out)"
grep -q '^ten$' edit/src/f.c || fail "hunk 1 not applied in the work tree"
grep -q '^+fifty$' edit/src/f.c.rej || fail "no reject"
[ -f edit/.bpo-edit/pristine/src/f.c ] || fail "no pristine copy"
cmp -s edit/.bpo-edit/pristine/src/f.c t/src/f.c || fail "pristine copy differs from the tree"
set +e; "$BPO" patch --edit --tree t --dest edit 0001-fix.patch 2>err; rc=$?; set -e
[ "$rc" = 2 ] || fail "--edit onto an existing dest: exit $rc"
set +e; "$BPO" patch --edit --tree t --dest t/sub/ed 0001-fix.patch 2>err; rc=$?; set -e
[ "$rc" = 2 ] && grep -q 'must be outside the tree' err || fail "--edit into the tree: exit $rc"

# fix it by hand, refresh: header kept, applies at fuzz 0 and offset 0 to the tree
sed -i 's/^local 50$/fifty/' edit/src/f.c
rm edit/src/f.c.rej
# an editor's backup and a new file: only what the patch touches is taken,
# and the new file only when asked (--add, as quilt add)
cp edit/src/f.c edit/src/f.c~
echo "new helper" >edit/src/new.c
"$BPO" patch --refresh --dest edit 2>err
if grep -q 'f\.c~\|new\.c' 0001-fix.patch; then fail "--refresh took a stray file: $(grep '^+++' 0001-fix.patch)"; fi
"$BPO" patch --refresh --dest edit --add src/new.c 2>err
grep -q '^+++ b/src/new.c' 0001-fix.patch && grep -q '^+new helper$' 0001-fix.patch ||
	fail "--add src/new.c not taken: $(grep '^+++' 0001-fix.patch)"
if grep -q 'f\.c~' 0001-fix.patch; then fail "--refresh --add took the backup"; fi
set +e; "$BPO" patch --refresh --dest edit --add ../x 2>err; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "expected a path inside the tree" err || fail "--add ../x: exit $rc"
rm edit/src/new.c edit/src/f.c~
"$BPO" patch --refresh --dest edit 2>err
head -5 0001-fix.patch | grep '^Last-Update: 2024-01-01$' >/dev/null || fail "DEP-3 header lost"
grep -q '^-local 50$' 0001-fix.patch || fail "refreshed patch does not remove the local line"
"$BPO" patch --check --tree t 0001-fix.patch >out
grep -q '^0001-fix.patch: applies$' out || fail "refreshed patch not clean: $(cat out)"
if grep -Eq 'offset|fuzz' out; then fail "refreshed patch needs offset/fuzz: $(cat out)"; fi
# the whole series now applies; 0002 at an offset (the tree has 2 more lines)
"$BPO" patch --apply --tree t 0001-fix.patch 0002-more.patch 2>err
grep -q '^thirty$' t/src/f.c && grep -q '^fifty$' t/src/f.c || fail "series not applied"
# applying again: already applied, nothing changes
cp t/src/f.c f.c.applied
"$BPO" patch --check --tree t 0001-fix.patch 0002-more.patch >out
grep -q '^0001-fix.patch: already applied$' out || fail "not reported already applied: $(cat out)"
"$BPO" patch --apply --tree t 0001-fix.patch 0002-more.patch 2>err
cmp -s t/src/f.c f.c.applied || fail "applied twice"

# --quilt
mkdir -p q/debian/patches
cp base q/f.c
diff -u --label f.c --label f.c base new >q/debian/patches/p0.diff || true
printf '# comment\np0.diff -p0\n' >q/debian/patches/series
"$BPO" patch --check --tree q --quilt >out
grep -q '^p0.diff: applies$' out || fail "--quilt check: $(cat out)"
"$BPO" patch --apply --tree q --quilt 2>/dev/null
cmp -s q/f.c new || fail "--quilt apply"

# usage errors are exit 2; --help tells every mode
for args in "" "--check" "--check --apply --tree t x" "--apply --tree t" "--check --fuzz x --tree t a" \
	"--refresh" "--bogus"; do
	set +e; "$BPO" patch $args >/dev/null 2>&1; rc=$?; set -e
	[ "$rc" = 2 ] || fail "'bpo patch $args' exit $rc, expected 2"
done
set +e; "$BPO" patch --check --tree t does-not-exist.patch 2>err; rc=$?; set -e
[ "$rc" = 1 ] || fail "missing patch file exit $rc"
printf 'not a patch\n' >junk.patch
set +e; "$BPO" patch --check --tree t junk.patch 2>err; rc=$?; set -e
[ "$rc" = 2 ] || fail "junk patch exit $rc"
grep -q 'junk.patch: no diff found' err || fail "junk message: $(cat err)"
"$BPO" patch --help >out
for m in --check --apply --edit --refresh --tree --quilt --dest --fuzz --json; do
	grep -q -- "$m" out || fail "--help lacks $m"
done
echo "ok: bpo patch command line"
