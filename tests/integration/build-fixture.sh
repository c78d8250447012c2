#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo build of the fixture package for bookworm, as root: the .deb is right
# (dpkg-deb -I/-c), the build ran as uid 1000 with only lo, could reach a
# server it started on its own 127.0.0.1 but not the host's 127.0.0.1, saw no
# host process; a rebuild reuses the cached deps layer (--json); nothing left.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image

tmp=$(mktemp -d)
srv=
marker=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	[ -n "$marker" ] && kill "$marker" 2>/dev/null
	drop_private_cache
	rm -rf "$tmp"
}
trap cleanup EXIT
private_cache

# a server on the host's loopback that the build must not reach
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept(); c.close()
' >"$tmp/port" &
srv=$!
for _ in $(seq 300); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")
[ -n "$port" ] || fail "test server did not start"
# a host process the build must not see
sleep 4242 &
marker=$!

dsc=$(make_dsc "$tmp" "probe-port=$port")
before=$(mounts)
# the caller's DEB_BUILD_OPTIONS reach the build (as sbuild passes them on);
# what is not an option is left out
DEB_BUILD_OPTIONS='parallel=2 noopt $(x)' \
"$BPO" build "$dsc" --release bookworm --result "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr" ||
	{ cat "$tmp/stderr"; fail "bpo build failed"; }
arch=$(dpkg --print-architecture)
deb="$tmp/out/bpo-hello_1.0_$arch.deb"
log="$tmp/out/bpo-hello_1.0_$arch.build"
[ -f "$deb" ] || fail "no .deb in the result dir: $(ls "$tmp/out")"
for f in "bpo-hello_1.0_$arch.changes" "bpo-hello_1.0_$arch.buildinfo" bpo-hello_1.0.dsc \
	bpo-hello_1.0.tar.xz; do
	[ -f "$tmp/out/$f" ] || fail "$f not collected"
done
grep -qx "$deb" "$tmp/stdout" || fail "stdout does not list the .deb"
info=$(dpkg-deb -I "$deb")
contents=$(dpkg-deb -c "$deb")
grep -q '^ Package: bpo-hello$' <<<"$info" || fail "dpkg-deb -I: wrong package: $info"
grep -q "^ Architecture: $arch$" <<<"$info" || fail "dpkg-deb -I: wrong architecture: $info"
grep -q ' \./usr/bin/bpo-hello$' <<<"$contents" || fail "dpkg-deb -c: no /usr/bin/bpo-hello"
# the program works (it is a plain C binary of bookworm)
dpkg-deb -x "$deb" "$tmp/x"
[ "$("$tmp/x/usr/bin/bpo-hello")" = "hello from bpo" ] || fail "bpo-hello prints the wrong thing"

# what the build's test step saw
grep -q '^BPO-PROBE uid=1000$' "$log" || fail "the build did not run as uid 1000"
grep -q '^BPO-PROBE interfaces=lo $' "$log" || fail "interfaces other than lo: $(grep interfaces= "$log")"
grep -q '^BPO-PROBE self-connect=ok$' "$log" || fail "a server of the build's own was unreachable"
grep -q "^BPO-PROBE host-connect=unreachable port $port" "$log" || fail "the host's 127.0.0.1:$port was reachable"
procs=$(sed -n 's/^BPO-PROBE processes=//p' "$log")
case " $procs " in *" sleep "* | *python3*) fail "the build sees host processes: $procs" ;; esac
grep -q '^BPO-PROBE sde=1772539200$' "$log" || fail "SOURCE_DATE_EPOCH is not the changelog's date"
grep -q '^BPO-PROBE dbo=parallel=2 noopt$' "$log" || fail "DEB_BUILD_OPTIONS: $(grep dbo= "$log")"
grep -q "DEB_BUILD_OPTIONS: '\$(x)' is not an option; left out" "$tmp/stderr" || fail "no warning for a bad option"
grep -q 'Build-Path: /build/bpo-hello-1.0' "$tmp/out/bpo-hello_1.0_$arch.buildinfo" ||
	fail "unexpected Build-Path"

# rebuild: the deps layer is reused; --json says so and lists sha256s
"$BPO" build "$dsc" --release bookworm --result "$tmp/out2" --json >"$tmp/json" 2>"$tmp/stderr2" ||
	{ cat "$tmp/stderr2"; fail "rebuild failed"; }
python3 - "$tmp/json" "$tmp/out2" <<'PY' || fail "--json output is wrong: $(cat "$tmp/json")"
import hashlib, json, os, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == "ok" and r["phase"] == "done", r
assert r["deps_cached"] is True, r
assert r["source"] == "bpo-hello" and r["version"] == "1.0", r
assert os.path.isfile(r["log"]), r
assert set(r["seconds"]) == {"setup", "deps", "build", "collect"}, r
assert r["seconds"]["deps"] < 10, r  # no apt run
names = {a["name"] for a in r["artifacts"]}
assert any(n.endswith(".deb") for n in names) and any(n.endswith(".changes") for n in names), names
for a in r["artifacts"]:
    p = os.path.join(sys.argv[2], a["name"])
    assert hashlib.sha256(open(p, "rb").read()).hexdigest() == a["sha256"], a
    assert os.path.getsize(p) == a["size"], a
PY
grep -q "reusing the cached build-dependency layer" "$tmp/stderr2" || fail "no cache message"

[ "$(mounts)" = "$before" ] || fail "mounts under the cache left behind: $(mounts)"
assert_no_tmp
echo "PASS: build of the fixture"
