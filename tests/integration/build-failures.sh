#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo build failures, as root: a failing build names the phase and shows the
# log tail (exit 1); a missing build dependency is named (phase deps); a build
# that never ends is killed at --timeout, and one interrupted with SIGINT is
# stopped; neither leaves a mount, a process or a temporary directory.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image

tmp=$(mktemp -d)
bg=
cleanup() {
	[ -n "$bg" ] && kill "$bg" 2>/dev/null
	drop_private_cache
	rm -rf "$tmp"
}
trap cleanup EXIT
private_cache
before=$(mounts)
arch=$(dpkg --print-architecture)

# 1. the build step fails
mkdir "$tmp/fail"
dsc=$(make_dsc "$tmp/fail" fail-build)
set +e
"$BPO" build "$dsc" --release bookworm --result "$tmp/fail/out" >"$tmp/out" 2>"$tmp/err"
st=$?
set -e
[ "$st" = 1 ] || fail "failing build: exit $st, expected 1"
grep -q "failed in phase build" "$tmp/err" || fail "phase not named: $(cat "$tmp/err")"
grep -q "last 40 lines of $tmp/fail/out/bpo-hello_1.0_$arch.build" "$tmp/err" || fail "no log tail"
grep -q "BPO-PROBE failing as asked" "$tmp/err" || fail "the tail lacks the failure"
grep -q "full log: $tmp/fail/out/bpo-hello_1.0_$arch.build" "$tmp/err" || fail "no log path"
[ -s "$tmp/fail/out/bpo-hello_1.0_$arch.build" ] || fail "log not kept"

# 2. a build dependency the release does not have
mkdir "$tmp/dep"
cp -r "$BPO_SRCDIR/tests/data/build/bpo-hello" "$tmp/dep/"
chmod -R u+w "$tmp/dep/bpo-hello"
sed -i 's/^Build-Depends: .*/&, bpo-no-such-package (>= 1.0)/' "$tmp/dep/bpo-hello/debian/control"
(cd "$tmp/dep" && dpkg-source -q -b bpo-hello >/dev/null 2>&1)
set +e
"$BPO" build "$tmp/dep/bpo-hello_1.0.dsc" --release bookworm --result "$tmp/dep/out" \
	--json >"$tmp/json" 2>"$tmp/err"
st=$?
set -e
[ "$st" = 1 ] || fail "missing build dep: exit $st, expected 1"
grep -q "failed in phase deps" "$tmp/err" || fail "phase deps not named: $(cat "$tmp/err")"
grep -q "bpo-no-such-package" "$tmp/err" || fail "the missing dependency is not named: $(cat "$tmp/err")"
grep -q "bookworm offers no package of that name" "$tmp/err" ||
	fail "no word on what bookworm offers: $(cat "$tmp/err")"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "failed" and r["phase"] == "deps", r
assert "bpo-no-such-package" in r["error"], r
assert r["class"] == "dep-wait" and r["schema_version"] == 1, r
' "$tmp/json" || fail "--json of the failed build is wrong: $(cat "$tmp/json")"
json_valid build-dsc "$tmp/json"

# The never-ending builds sleep for a number of seconds of this test's own (its
# pid is unique among the processes running now), so that the checks for
# surviving processes see only this test's builds, never those of another
# test or test run on the same host.
sleep_secs=$((1000000 + $$))
sleeping() { pgrep -fx "sleep $sleep_secs"; }

# 3. a build that never ends is killed at the timeout
mkdir "$tmp/hang"
dsc=$(make_dsc "$tmp/hang" "sleep-forever=$sleep_secs")
start=$(date +%s)
set +e
"$BPO" build "$dsc" --release bookworm --result "$tmp/hang/out" --timeout 45 --json >"$tmp/out" 2>"$tmp/err"
st=$?
set -e
took=$(( $(date +%s) - start ))
[ "$st" = 1 ] || fail "hanging build: exit $st, expected 1"
grep -q "timed out after 45 s" "$tmp/err" || fail "no timeout message: $(cat "$tmp/err")"
json_valid build-dsc "$tmp/out"
grep -q '"class":"timeout"' "$tmp/out" || fail "not class timeout: $(cat "$tmp/out")"
grep -q "BPO-PROBE sleeping" "$tmp/hang/out/bpo-hello_1.0_$arch.build" || fail "never got to the sleep"
[ "$took" -lt 240 ] || fail "the timeout took $took s"
sleeping && fail "the build's processes survived the timeout"

# 4. SIGINT while building: everything stops
mkdir "$tmp/int"
dsc=$(make_dsc "$tmp/int" "sleep-forever=$sleep_secs")
"$BPO" build "$dsc" --release bookworm --result "$tmp/int/out" --json >"$tmp/out" 2>"$tmp/err" &
bg=$!
# (the log line comes just before the sleep starts: wait for both)
for _ in $(seq 600); do
	grep -qs "BPO-PROBE sleeping" "$tmp/int/out/bpo-hello_1.0_$arch.build" &&
		sleeping >/dev/null && break
	sleep 0.2
done
sleeping >/dev/null || fail "the build never started sleeping"
# while it runs, its mounts live in its own mount namespace only
[ "$(mounts)" = "$before" ] || fail "the build's mounts are visible on the host: $(mounts)"
kill -INT "$bg"
set +e
wait "$bg"
st=$?
set -e
bg=
[ "$st" = 130 ] || fail "interrupted build: exit $st, expected 130: $(cat "$tmp/err")"
grep -q "interrupted by signal 2" "$tmp/err" || fail "no interruption message: $(cat "$tmp/err")"
json_valid build-dsc "$tmp/out"
grep -q '"class":"interrupted"' "$tmp/out" || fail "not class interrupted: $(cat "$tmp/out")"
sleeping && fail "the build's processes survived SIGINT"

[ "$(mounts)" = "$before" ] || fail "mounts under the cache left behind: $(mounts)"
assert_no_tmp
echo "PASS: build failures"
