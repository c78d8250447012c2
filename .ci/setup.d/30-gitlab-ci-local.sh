#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gitlab-ci-local (https://github.com/firecow/gitlab-ci-local) for
# tests/integration/gitlab-ci.sh, which runs the pipeline `bpo run --plan
# --format=gitlab-ci` writes with its shell executor. 4.50.0 is the newest that
# runs on bookworm's Node 20; it needs rsync (.ci/packages).
set -euo pipefail
want=4.50.0
# Node.js and npm: the machine's own (this kind of machine has Node 20 with its
# npm, which Debian's npm package conflicts with), else Debian's
if ! command -v npm >/dev/null 2>&1; then
	apt-get install -y -q --no-install-recommends nodejs npm >/tmp/bpo-ci-node.log 2>&1 || {
		tail -20 /tmp/bpo-ci-node.log; exit 1; }
fi
if [ "$(gitlab-ci-local --version 2>/dev/null || true)" = "$want" ]; then
	echo "gitlab-ci-local $want already there"
	exit 0
fi
npm install -g --no-audit --no-fund "gitlab-ci-local@$want" >/tmp/bpo-ci-npm.log 2>&1 || {
	tail -20 /tmp/bpo-ci-npm.log; exit 1; }
gitlab-ci-local --version
