#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bpo chroot list/exec/shell/remove against the prepared bookworm image:
# namespaces (pid, mount, net), bind mounts, exit status, clean-up, errors.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
need_root
need_image

tmp=$(mktemp -d)
trap 'drop_private_cache; rm -rf "$tmp"' EXIT
private_cache
before=$(mounts)

# list: the table and JSON name the image
grep -Eq '^bookworm +[a-z0-9]+ ' <<<"$("$BPO" chroot list)" || fail "chroot list: no bookworm row"
"$BPO" chroot list --json >"$tmp/list.json"
python3 - "$tmp/list.json" <<'PY' || fail "chroot list --json is wrong"
import json, sys
v = json.load(open(sys.argv[1]))
b = [x for x in v if x["release"] == "bookworm"]
assert len(b) == 1, v
assert len(b[0]["sha256"]) == 64 and b[0]["size"] > 10**6, b
assert b[0]["tarball"].endswith(".tar.zst"), b
PY

# exec: the release's root, pid 1 is ours, a private /proc, /dev and /tmp
out=$("$BPO" chroot exec bookworm -- /bin/sh -c 'cat /etc/debian_version; echo pids=$(ls /proc | grep -c "^[0-9]"); ls /dev | tr "\n" " "; echo; stat -c %F /tmp')
echo "$out" | grep '^12\.' >/dev/null || fail "not a bookworm root: $out"
pids=$(echo "$out" | sed -n 's/^pids=//p')
[ "$pids" -le 5 ] || fail "the root sees $pids processes: not a private pid namespace"
for n in null zero full random urandom tty ptmx pts shm; do
	echo "$out" | grep -w "$n" >/dev/null || fail "/dev/$n missing in the root: $out"
done

# the exit status comes through
set +e
"$BPO" chroot exec bookworm -- /bin/sh -c 'exit 7'
st=$?
set -e
[ "$st" = 7 ] || fail "exit status $st, expected 7"

# --no-network: only lo, and it is up
ifs=$("$BPO" chroot exec bookworm --no-network -- /bin/sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "')
[ "$ifs" = lo ] || fail "--no-network: interfaces are: $ifs"

# the root's host name resolves (as in sbuild's unshare mode: test suites
# look up their own host name, lsof's LTsock among them), localhost too
hosts=$("$BPO" chroot exec bookworm --no-network -- /bin/sh -c \
	'echo "name=$(hostname)"; getent hosts "$(hostname)"; getent hosts 127.0.0.1')
echo "$hosts" | grep '^name=bpo$' >/dev/null || fail "the root's host name: $hosts"
echo "$hosts" | grep -E '^127\.0\.1\.1[[:space:]]+bpo$' >/dev/null ||
	fail "the root's host name does not resolve to 127.0.1.1: $hosts"
echo "$hosts" | grep -E '^127\.0\.0\.1[[:space:]]+localhost' >/dev/null || fail "localhost does not resolve: $hosts"

# --bind: read-write, at the given path; the root's changes are thrown away
mkdir "$tmp/shared"
echo from-host >"$tmp/shared/in"
"$BPO" chroot exec bookworm --bind "$tmp/shared:/mnt/shared" -- \
	/bin/sh -c 'cat /mnt/shared/in > /mnt/shared/out; echo scratch > /etc/bpo-scratch'
[ "$(cat "$tmp/shared/out")" = from-host ] || fail "--bind did not work"
"$BPO" chroot exec bookworm -- /bin/sh -c 'test ! -e /etc/bpo-scratch' ||
	fail "a change inside one root is visible in the next"

# shell with a command (stdin inherited)
[ "$(echo hi | "$BPO" chroot shell bookworm -- /bin/cat)" = hi ] || fail "chroot shell -- cat"

# a temporary root left by a bpo that died (SIGKILL, crash) is removed by the next run
true &
dead=$!
wait "$dead"
mkdir -p "$BPO_CACHE_DIR/chroots/tmp/build.stale/deps/etc"
echo "$dead" >"$BPO_CACHE_DIR/chroots/tmp/build.stale/pid"
"$BPO" chroot exec bookworm -- /bin/true
# a bare COMMAND is looked up in the root's PATH (the release's own tools)
out=$("$BPO" chroot exec bookworm --no-network -- cat /etc/debian_version)
case "$out" in 12.*) ;; *) fail "bare command name: got \"$out\"";; esac
[ ! -e "$BPO_CACHE_DIR/chroots/tmp/build.stale" ] || fail "a stale temporary root was kept"

# nothing left behind: mounts, temporary roots
[ "$(mounts)" = "$before" ] || fail "mounts under the cache left behind: $(mounts)"
assert_no_tmp

# errors: usage (2), missing image (1) with the command to make it
set +e
"$BPO" chroot frobnicate 2>"$tmp/err"; st=$?
[ "$st" = 2 ] || fail "unknown subcommand: exit $st"
"$BPO" chroot exec 2>"$tmp/err"; st=$?
[ "$st" = 2 ] && grep -q "no RELEASE" "$tmp/err" || fail "exec without release: exit $st"
"$BPO" chroot exec bookworm -- bin/true 2>"$tmp/err"; st=$?
[ "$st" = 2 ] || fail "relative command: exit $st"
BPO_CACHE_DIR="$tmp/empty" "$BPO" chroot exec bookworm -- /bin/true 2>"$tmp/err"; st=$?
[ "$st" = 1 ] && grep -q "bpo chroot create bookworm" "$tmp/err" ||
	fail "missing image: exit $st: $(cat "$tmp/err")"
"$BPO" chroot create bookworm 2>"$tmp/err"; st=$?
[ "$st" = 2 ] && grep -q "bpo chroot update bookworm" "$tmp/err" ||
	fail "create over an existing image: exit $st: $(cat "$tmp/err")"
BPO_CHROOT_DIR="$tmp" "$BPO" chroot create no-such-release 2>"$tmp/err"; st=$?
[ "$st" = 1 ] && grep -q "no-such-release.yaml" "$tmp/err" ||
	fail "unknown release: exit $st: $(cat "$tmp/err")"
set -e

# a truncated image (a copy of its metadata, the first 1 MB of the tarball,
# no unpacked copy): chroot exec and shell verify it before the first unpack
# and refuse it, exit 3, saying how to recreate it
arch=$(dpkg --print-architecture)
mkdir -p "$tmp/trunc/chroots"
cp "$BPO_CACHE_DIR/chroots/bookworm-$arch.meta" "$tmp/trunc/chroots/"
head -c 1000000 "$BPO_CACHE_DIR/chroots/bookworm-$arch.tar.zst" >"$tmp/trunc/chroots/bookworm-$arch.tar.zst"
for how in exec shell; do
	st=0
	BPO_CACHE_DIR="$tmp/trunc" "$BPO" chroot "$how" bookworm -- /bin/true 2>"$tmp/err" || st=$?
	[ "$st" = 3 ] && grep -q "but the metadata says size .*(recreate it: bpo chroot update bookworm)" "$tmp/err" ||
		fail "chroot $how of a truncated image: exit $st: $(cat "$tmp/err")"
	[ -z "$(ls -A "$tmp/trunc/chroots/unpacked" 2>/dev/null)" ] ||
		fail "chroot $how unpacked a truncated image: $(ls -A "$tmp/trunc/chroots/unpacked")"
done

# remove: on a copy of the image's metadata (the tarball linked)
arch=$(dpkg --print-architecture)
mkdir -p "$tmp/cache/chroots"
cp "$BPO_CACHE_DIR/chroots/bookworm-$arch.meta" "$tmp/cache/chroots/"
ln -s "$BPO_CACHE_DIR/chroots/bookworm-$arch.tar.zst" "$tmp/cache/chroots/"
grep -q '^bookworm' <<<"$(BPO_CACHE_DIR="$tmp/cache" "$BPO" chroot list)" || fail "copy not listed"
BPO_CACHE_DIR="$tmp/cache" "$BPO" chroot remove bookworm
[ ! -e "$tmp/cache/chroots/bookworm-$arch.meta" ] || fail "remove left the metadata"
[ -e "$BPO_CACHE_DIR/chroots/bookworm-$arch.tar.zst" ] || fail "remove followed the symlink"
! grep -q '^bookworm' <<<"$(BPO_CACHE_DIR="$tmp/cache" "$BPO" chroot list)" || fail "still listed"
echo "PASS: chroot basics"
