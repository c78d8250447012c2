#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every man page is clean under mandoc -Tlint (warnings and up).
srcdir=${BPO_SRCDIR:-$(dirname "$0")/..}
command -v mandoc >/dev/null || { echo "mandoc not installed"; [ "${CI:-}" = true ] && exit 1; exit 77; }
rc=0
for m in "$srcdir"/man/*.[0-9]; do
	[ -e "$m" ] || continue
	out=$(mandoc -Tlint -Wwarning "$m" 2>&1) || { echo "$out"; rc=1; }
	[ -z "$out" ] || { echo "$out"; rc=1; }
done
exit $rc
