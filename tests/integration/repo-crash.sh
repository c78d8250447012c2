#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGKILL `bpo publish` at random moments (30 trials, each killed within 0.4 s):
# after each, `bpo repo verify` passes (old state or new, never a mix), and on
# a few trials stock apt in a bookworm chroot accepts the repository. The next
# writer cleans up stale temporary directories. Slow: BPO_SLOW_TESTS=0 skips it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/repo-lib.bash"
slow_test
need_tools gpg gpgconf dpkg-deb dpkg-source dpkg-genchanges python3 chroot
: "${BPO:?BPO must name the bpo binary}"

t=$(mktemp -d "${TMPDIR:-/tmp}/bpo-repo-crash.XXXXXX")
REPO_HTTPD_PID=
cleanup() {
	set +e
	if [ -n "$REPO_HTTPD_PID" ]; then
		kill "$REPO_HTTPD_PID" 2>/dev/null
		wait "$REPO_HTTPD_PID" 2>/dev/null
	fi
	repo_aptroot_done "$t"
	repo_killagent "$t/gh"
	rm -rf "$t"
}
trap cleanup EXIT

repo_aptroot "$t"
arch=$(chroot "$t/root" dpkg --print-architecture)
fpr=$(repo_genkey "$t/gh" repo)
R=$t/repo
"$BPO" -q repo init "$R" --origin o --label l --suite bookworm-backports --arch "$arch" \
	--key "$fpr" --gnupghome "$t/gh" --by-hash --keep 2
trials=30
mkdir -p "$t/up"
for i in $(seq "$trials"); do
	# every third upload is a new version of the same source (retention, pool clean-up)
	if [ $((i % 3)) = 0 ]; then
		repo_mkpkg "$t/up" crashy "1.$i" "$arch" >"$t/c$i"
	else
		repo_mkpkg "$t/up" "pkg$i" 1.0 "$arch" >"$t/c$i"
	fi
done
repo_serve "$R" "$t"
mkdir -p "$t/root/etc/apt/keyrings" "$t/root/etc/apt/sources.list.d"
cp "$R/key.asc" "$t/root/etc/apt/keyrings/bpo.asc"
printf 'Types: deb\nURIs: http://127.0.0.1:%s/\nSuites: bookworm-backports\nComponents: main\nSigned-By: /etc/apt/keyrings/bpo.asc\n' \
	"$REPO_PORT" >"$t/root/etc/apt/sources.list.d/bpo.sources"

killed=0
for i in $(seq "$trials"); do
	"$BPO" -q publish "$(cat "$t/c$i")" --repo "$R" --suite bookworm-backports &
	pid=$!
	sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
	if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
	wait "$pid" 2>/dev/null || true
	"$BPO" repo verify "$R" >"$t/verify" 2>&1 || {
		cat "$t/verify" >&2
		fail "trial $i: repository does not verify after SIGKILL"
	}
	if [ $((i % 10)) = 1 ]; then
		rm -rf "$t/root/var/lib/apt/lists"
		mkdir -p "$t/root/var/lib/apt/lists/partial"
		chroot "$t/root" apt-get -o Acquire::Retries=0 update >"$t/apt.out" 2>&1 || {
			cat "$t/apt.out" >&2
			fail "trial $i: apt rejects the repository after SIGKILL"
		}
		if grep -E '^(W|E):' "$t/apt.out"; then fail "trial $i: apt warnings"; fi
	fi
done
echo "killed $killed of $trials publishers"
# a clean run afterwards: stale directories go, every upload can still be published
for i in $(seq "$trials"); do
	"$BPO" -q publish "$(cat "$t/c$i")" --repo "$R" --suite bookworm-backports
done
if ls -a "$R/dists" | grep '^\.new-\|^\.old-' >/dev/null; then fail "stale temporary suite left"; fi
"$BPO" repo verify "$R" >"$t/verify" 2>&1 || fail "repo verify after the clean run: $(cat "$t/verify")"
# what the killed publishers had copied is gone with the next publishes
if grep -q "named by no index" "$t/verify"; then fail "orphan pool files left: $(grep -c 'named by no index' "$t/verify")"; fi
for i in $(seq "$trials"); do
	[ $((i % 3)) = 0 ] && continue
	grep -qx "Package: pkg$i" "$R/dists/bookworm-backports/main/binary-$arch/Packages" ||
		fail "pkg$i missing after the clean run"
done
grep -qx "Version: 1.$trials" "$R/dists/bookworm-backports/main/binary-$arch/Packages" ||
	fail "newest crashy missing"
echo "ok: repo crash"
