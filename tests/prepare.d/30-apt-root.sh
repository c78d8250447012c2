#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A minimal bookworm root with stock apt ($BPO_TEST_CACHE/apt-root-bookworm) for
# the repo-*.sh tests, which run apt-get inside it (chroot, as root) against a
# repository served on 127.0.0.1. Made once with mmdebstrap --variant=apt from
# the mirror apt is configured with (or $BPO_MIRROR); reused afterwards.
set -euo pipefail
: "${BPO_TEST_CACHE:=/var/tmp/bpo-test-cache}"
root="$BPO_TEST_CACHE/apt-root-bookworm"
if [ -x "$root/usr/bin/apt-get" ] && [ -e "$root/.bpo-complete" ]; then
	echo "apt root already there: $root"
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v mmdebstrap >/dev/null; then
	echo "cannot make the apt root (needs root and mmdebstrap); repo apt tests will skip" >&2
	exit 0
fi
mirror=${BPO_MIRROR:-}
if [ -z "$mirror" ]; then
	# The first URIs of a deb822 source that has the plain release suite, else sources.list.
	mirror=$(awk '
		/^[[:space:]]*$/ { if (uri != "" && suite) { print uri; exit } uri=""; suite=0; next }
		tolower($1) == "uris:" { uri=$2 }
		tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite=1 }
		END { if (uri != "" && suite) print uri }' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		head -1)
fi
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
	mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
fi
if [ -z "$mirror" ]; then
	echo "no Debian mirror found in the apt sources (set BPO_MIRROR)" >&2
	exit 1
fi
rm -rf "$root.tmp"
mkdir -p "$BPO_TEST_CACHE"
mmdebstrap --quiet --variant=apt --include=ca-certificates bookworm "$root.tmp" "$mirror" >&2
rm -f "$root.tmp/etc/apt/sources.list"
: >"$root.tmp/.bpo-complete"
rm -rf "$root"
mv "$root.tmp" "$root"
echo "made apt root $root"
