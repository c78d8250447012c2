# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# common.bash — the helpers every integration test shares (sourced, not run):
#
#   skip MESSAGE...      exit 77 (automake's SKIP) with a loud line; under
#                        CI=true a skip is a failure (exit 1)
#   fail MESSAGE...      one "FAIL: ..." line on stderr, exit 1
#   need_tools PROG...   skip unless every program is on PATH
#   slow_test            skip when BPO_SLOW_TESTS=0 (also under CI=true: the
#                        caller asked for the quick tests only)
#   need_root [WHY]      skip unless running as root
#
# Sourcing it twice is harmless.

skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: would skip, but under CI=true a skip is a failure: $*" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need_tools() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || skip "$p is not installed (see .ci/packages)"
	done
}

slow_test() {
	if [ "${BPO_SLOW_TESTS:-1}" = 0 ]; then
		echo "SKIP: slow test, and BPO_SLOW_TESTS=0" >&2
		exit 77
	fi
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root${1:+ ($1)}"
}

# json_valid SCHEMA FILE...: each file is valid against doc/schema/SCHEMA.schema.json
# (build, run, check, build-dsc): every --json a test keeps is checked so.
json_valid() {
	local schema=$BPO_SRCDIR/doc/schema/$1.schema.json
	shift
	/usr/bin/python3 "$BPO_SRCDIR/tests/integration/lib/json-schema.py" "$schema" "$@" ||
		fail "--json output does not match $(basename "$schema")"
}

# under_tty FILE CMD...: run CMD on a pseudo-terminal, its output in FILE (script(1),
# stdin /dev/null: no size is set, so bpo assumes 80 columns)
under_tty() {
	local out=$1
	shift
	local cmd
	cmd=$(printf '%q ' "$@")
	script -q -e -c "$cmd" "$out" </dev/null >/dev/null
}
