#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# For the rootless build tests (tests/integration/build-rootless.sh): an
# ordinary user with 65536 subordinate uids and gids in /etc/subuid and
# /etc/subgid, as newuidmap/newgidmap (package uidmap) need. Runs as root.
set -euo pipefail
user=${BPO_TEST_USER:-bpo-rootless}
if ! getent passwd "$user" >/dev/null; then
	useradd --create-home --shell /bin/bash --comment "bpo rootless tests" "$user"
fi
for f in /etc/subuid /etc/subgid; do
	touch "$f"
	if ! grep -q "^$user:" "$f"; then
		# the first free 65536-id block from 200000 up
		start=200000
		while awk -F: -v s="$start" '$2 < s + 65536 && $2 + $3 > s { found=1 } END { exit !found }' "$f"; do
			start=$((start + 65536))
		done
		echo "$user:$start:65536" >>"$f"
	fi
done
command -v newuidmap >/dev/null || { echo "newuidmap missing: install uidmap" >&2; exit 1; }
echo "rootless build user: $user ($(grep "^$user:" /etc/subuid))"
