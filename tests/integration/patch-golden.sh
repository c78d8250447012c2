#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden in/diff/out cases (tests/data/patch/case-*, see generate.sh there):
# bpo patch --apply must give out/ exactly (content and exec bit), or, when
# the case must fail, the exit status in `status` and in/ byte for byte
# unchanged (sha256 of every file, and the file list, before and after).
# Where a case has a `gnu` file, GNU patch must give out/ too (a reference:
# GNU patch is never used inside bpo).
set -euo pipefail
: "${BPO:?}" "${BPO_SRCDIR:?}"
data=$BPO_SRCDIR/tests/data/patch
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
n=0
if ! command -v patch >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: GNU patch (the reference) is not installed; CI must have it (.ci/packages)"
		exit 1
	fi
	echo "# GNU patch not installed: comparisons with it are skipped"
fi

snapshot() { # list every path with type, mode and content hash
	(cd "$1" && find . -mindepth 1 -printf '%y %m %p\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

treeeq() { # same files, same bytes, same exec bits
	diff -r "$1" "$2" >/dev/null || return 1
	(cd "$1" && find . -type f -perm -u+x | sort) >"$work/x1"
	(cd "$2" && find . -type f -perm -u+x | sort) >"$work/x2"
	cmp -s "$work/x1" "$work/x2"
}

for c in "$data"/case-*/; do
	c=${c%/}
	name=$(basename "$c")
	n=$((n + 1))
	t=$work/$name
	mkdir -p "$t"
	cp -a "$c/in" "$t/tree"
	chmod -R u+w "$t/tree" # distcheck's source tree is read-only
	if [ -e "$c/symlink-out" ]; then
		mkdir -p "$work/outside-$name"
		ln -s "$work/outside-$name" "$t/tree/$(cat "$c/symlink-out")"
	fi
	want=$(cat "$c/status")
	read -r -a args <<<"$(cat "$c/args" 2>/dev/null || true)"
	mapfile -t patches < <(find "$c" -maxdepth 1 -name '[0-9]*' -type f | sort)
	snapshot "$t/tree" >"$t/before"
	set +e
	"$BPO" patch --apply "${args[@]}" --tree "$t/tree" "${patches[@]}" >"$t/out" 2>"$t/err"
	got=$?
	set -e
	if [ "$got" != "$want" ]; then
		echo "not ok: $name: exit $got, expected $want"; cat "$t/err"; fails=$((fails + 1)); continue
	fi
	if [ "$want" != 0 ]; then
		if [ "$(wc -l <"$t/err")" -lt 1 ]; then
			echo "not ok: $name: failed without a message"; fails=$((fails + 1)); continue
		fi
		snapshot "$t/tree" >"$t/after"
		if ! cmp -s "$t/before" "$t/after"; then
			echo "not ok: $name: the tree changed although the series failed"
			diff "$t/before" "$t/after" || true; fails=$((fails + 1)); continue
		fi
		if [ -e "$c/symlink-out" ] && [ -n "$(ls -A "$work/outside-$name")" ]; then
			echo "not ok: $name: wrote through the symlink"; fails=$((fails + 1)); continue
		fi
		echo "ok: $name: $(head -1 "$t/err")"
		continue
	fi
	if ! treeeq "$t/tree" "$c/out"; then
		echo "not ok: $name: result differs from out/"; diff -r "$c/out" "$t/tree" || true
		fails=$((fails + 1)); continue
	fi
	# no temporary files left behind
	if find "$t/tree" -name '.bpo-patch-*' | grep . >/dev/null; then
		echo "not ok: $name: temporary files left"; fails=$((fails + 1)); continue
	fi
	echo "ok: $name"
	if [ -e "$c/gnu" ] && command -v patch >/dev/null; then
		read -r -a gargs <<<"$(cat "$c/gnu")"
		cp -a "$c/in" "$t/gnu"
		chmod -R u+w "$t/gnu"
		for p in "${patches[@]}"; do
			patch -s -d "$t/gnu" -f "${gargs[@]}" -i "$p" >/dev/null
		done
		find "$t/gnu" -name '*.orig' -delete
		if ! treeeq "$t/gnu" "$c/out"; then
			echo "not ok: $name: GNU patch gives something else than out/"
			diff -r "$c/out" "$t/gnu" || true; fails=$((fails + 1)); continue
		fi
		echo "ok: $name: GNU patch agrees"
	fi
done
echo "$n cases, $fails failed"
[ "$n" -ge 20 ] || { echo "expected at least 20 golden cases"; exit 1; }
[ "$fails" = 0 ]
