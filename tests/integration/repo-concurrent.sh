#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Several `bpo publish` at once into one suite: the lock serialises them and
# every package is present afterwards; a writer that cannot get the lock within
# --lock-timeout says who holds it and gives up (exit 1) without changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/repo-lib.bash"
need_tools gpg gpgconf dpkg-deb dpkg-source dpkg-genchanges flock
: "${BPO:?BPO must name the bpo binary}"

t=$(mktemp -d "${TMPDIR:-/tmp}/bpo-repo-conc.XXXXXX")
cleanup() {
	set +e
	repo_killagent "$t/gh"
	rm -rf "$t"
}
trap cleanup EXIT

fpr=$(repo_genkey "$t/gh" repo)
R=$t/repo
"$BPO" -q repo init "$R" --origin o --label l --suite s1 --arch amd64 --key "$fpr" \
	--gnupghome "$t/gh" --keep 0
n=6
mkdir -p "$t/up"
for i in $(seq "$n"); do repo_mkpkg "$t/up" "conc$i" 1.0 amd64 >"$t/c$i"; done
repo_mkpkg "$t/up" conc1 1.1 amd64 >"$t/c1b"
pids=()
for i in $(seq "$n"); do
	"$BPO" publish "$(cat "$t/c$i")" --repo "$R" --suite s1 --lock-timeout 120 2>"$t/err$i" &
	pids+=($!)
done
"$BPO" publish "$(cat "$t/c1b")" --repo "$R" --suite s1 --lock-timeout 120 2>"$t/err1b" &
pids+=($!)
for p in "${pids[@]}"; do wait "$p" || fail "a publisher failed: $(cat "$t"/err*)"; done
for i in $(seq "$n"); do
	grep -qx "Package: conc$i" "$R/dists/s1/main/binary-amd64/Packages" || fail "conc$i missing"
	grep -qx "Package: conc$i" "$R/dists/s1/main/source/Sources" || fail "conc$i source missing"
done
grep -qx "Version: 1.1" "$R/dists/s1/main/binary-amd64/Packages" || fail "conc1 1.1 missing"
[ "$(grep -c 'action=publish' "$R/log/audit.log")" = $((n + 1)) ] || fail "audit lines"
"$BPO" repo verify "$R" >/dev/null || fail "verify after concurrent publishing"

# lock timeout: someone holds the lock until we are done, we wait 1 s. The
# holder says when it has the lock and keeps it until told (a loaded machine
# may take long to start it: no fixed sleeps).
repo_mkpkg "$t/up" late 1.0 amd64 >"$t/cl"
before=$(repo_tree_hash "$R")
flock "$R/conf/lock" sh -c ': >"$1/held"; i=0
	while [ ! -e "$1/release" ] && [ $i -lt 3000 ]; do sleep 0.1; i=$((i + 1)); done' \
	sh "$t" &
holder=$!
for _ in $(seq 600); do [ -e "$t/held" ] && break; sleep 0.1; done
[ -e "$t/held" ] || fail "the lock holder never got the lock"
rc=0
"$BPO" publish "$(cat "$t/cl")" --repo "$R" --suite s1 --lock-timeout 1 2>"$t/errl" || rc=$?
: >"$t/release"
wait "$holder"
[ "$rc" = 1 ] || fail "lock timeout: exit $rc: $(cat "$t/errl")"
grep -q "waiting for the repository lock" "$t/errl" || fail "no waiting message: $(cat "$t/errl")"
grep -q "giving up" "$t/errl" || fail "no give-up message: $(cat "$t/errl")"
[ "$(repo_tree_hash "$R")" = "$before" ] || fail "timed-out writer changed the repository"
"$BPO" -q publish "$(cat "$t/cl")" --repo "$R" --suite s1 --lock-timeout 10
echo "ok: repo concurrent"
