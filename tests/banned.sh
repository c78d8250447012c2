#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# House style: these functions are not used in src/ (unbounded or thread-unsafe).
srcdir=${BPO_SRCDIR:-$(dirname "$0")/..}
hits=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|system|popen|tmpnam|mktemp)[[:space:]]*\(' \
	"$srcdir"/src/*.c "$srcdir"/src/*.h 2>/dev/null | grep -v 'banned-ok')
if [ -n "$hits" ]; then
	echo "banned functions used:"; echo "$hits"; exit 1
fi
exit 0
