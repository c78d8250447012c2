#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Debug suites (bpo repo init, on unless --no-debug-suites): a debug symbol
# package (-dbgsym, Auto-Built-Package: debug-symbols, as dh_strip makes it)
# is published to SUITE-debug, as Debian's debian-debug archive, never to
# SUITE; the debug suite is signed, has no Sources, carries the suite's
# NotAutomatic, and stock apt installs the -dbgsym from it. It follows its
# suite: a version published without debug symbols drops the old ones,
# remove and promote take them along, a pool file stays while a suite names
# it. Publishing to a debug suite itself is refused; --no-debug-suites keeps
# the old layout (-dbgsym in SUITE). Slow (stock apt in a chroot).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/repo-lib.bash"
slow_test
need_tools gpg gpgconf dpkg-deb dpkg-source dpkg-genchanges python3 chroot
: "${BPO:?BPO must name the bpo binary}"

t=$(mktemp -d "${TMPDIR:-/tmp}/bpo-repo-debug.XXXXXX")
REPO_HTTPD_PID=
cleanup() {
	set +e
	if [ -n "$REPO_HTTPD_PID" ]; then
		kill "$REPO_HTTPD_PID" 2>/dev/null || true
		wait "$REPO_HTTPD_PID" 2>/dev/null || true
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
S=bookworm-backports
A=bookworm-acme
D=$R/dists/$S-debug
mkdir -p "$t/up"
"$BPO" -q repo init "$R" --origin "bpo test" --label "bpo test" --suite "$S,$A" \
	--arch "$arch" --key "$fpr" --gnupghome "$t/gh"
grep -qx "Debug-Suites: yes" "$R/conf/repo" || fail "conf/repo lacks Debug-Suites: yes"
grep -qx "Suites: $S $A" "$R/conf/repo" || fail "conf/repo lists the debug suites: $(cat "$R/conf/repo")"
for s in "$S-debug" "$A-debug"; do
	[ -f "$R/dists/$s/InRelease" ] || fail "no signed empty $s after init"
done
list() { "$BPO" repo list "$R" "$@" >"$t/list"; }
in_list() { grep -q -- "$1" "$t/list"; }

# 1. the -dbgsym goes to the debug suite, the rest to the suite
c1=$(repo_mkpkg "$t/up" hello 1.0-1 "$arch" hello hello-dbgsym)
grep -q " debug optional hello-dbgsym_1.0-1_${arch}.deb$" "$c1" ||
	fail "the fixture's .changes lacks hello-dbgsym: $(cat "$c1")"
"$BPO" publish "$c1" --repo "$R" --suite $S 2>"$t/pub.err" || fail "publish: $(cat "$t/pub.err")"
grep -q "published 1 debug symbol package to $S-debug/main" "$t/pub.err" ||
	fail "publish does not say where the debug package went: $(cat "$t/pub.err")"
list --suite $S
in_list "^$S main hello 1.0-1 $arch" || fail "hello not in $S: $(cat "$t/list")"
in_list "hello-dbgsym" && fail "hello-dbgsym published to $S: $(cat "$t/list")"
list --suite $S-debug
in_list "^$S-debug main hello-dbgsym 1.0-1 $arch (source hello 1.0-1)" ||
	fail "hello-dbgsym not in $S-debug: $(cat "$t/list")"
[ "$(wc -l <"$t/list")" = 1 ] || fail "$S-debug has more than the -dbgsym: $(cat "$t/list")"
"$BPO" repo list "$R" --suite $S-debug --json >"$t/list.json"
grep -q '"package": "hello-dbgsym"' "$t/list.json" || fail "repo list --json: $(cat "$t/list.json")"
grep -q "^Suite: $S-debug$" "$D/Release" || fail "Release of $S-debug: $(cat "$D/Release")"
grep -q "^NotAutomatic: yes$" "$D/Release" || fail "$S-debug lacks its suite's NotAutomatic"
grep -q "source/Sources" "$D/Release" && fail "a debug suite lists Sources: $(cat "$D/Release")"
[ -e "$D/main/source" ] && fail "a debug suite has a source/ directory"
"$BPO" repo verify "$R" >"$t/verify" 2>&1 || fail "verify: $(cat "$t/verify")"
grep -q "2 suites verified, with their 2 debug suites" "$t/verify" || fail "verify did not check the debug suites: $(cat "$t/verify")"
echo "ok: hello-dbgsym in $S-debug (signed, NotAutomatic, no Sources), hello in $S"

# 2. stock apt installs it from the debug suite
mkdir -p "$t/root/etc/apt/keyrings" "$t/root/etc/apt/sources.list.d"
cp "$R/key.asc" "$t/root/etc/apt/keyrings/bpo.asc"
repo_serve "$R" "$t"
cat >"$t/root/etc/apt/sources.list.d/bpo.sources" <<EOC
Types: deb
URIs: http://127.0.0.1:$REPO_PORT/
Suites: $S $S-debug
Components: main
Signed-By: /etc/apt/keyrings/bpo.asc
EOC
rm -rf "$t/root/var/lib/apt/lists"
mkdir -p "$t/root/var/lib/apt/lists/partial"
chroot "$t/root" apt-get -o Acquire::Retries=0 -o Acquire::http::Proxy=false update \
	>"$t/apt.out" 2>&1 || { cat "$t/apt.out" >&2; fail "apt-get update failed"; }
if grep -E '^(W|E):' "$t/apt.out"; then cat "$t/apt.out" >&2; fail "apt-get update warned"; fi
chroot "$t/root" apt-get -y -o Acquire::Retries=0 -o Acquire::http::Proxy=false \
	install -t $S-debug hello-dbgsym >"$t/inst.out" 2>&1 ||
	{ cat "$t/inst.out" >&2; fail "apt-get install hello-dbgsym failed"; }
chroot "$t/root" dpkg-query -W -f '${Version} ${Section}\n' hello-dbgsym >"$t/q"
[ "$(cat "$t/q")" = "1.0-1 debug" ] || fail "installed hello-dbgsym: $(cat "$t/q")"
grep -q "dists/$S-debug/" "$t/http.log" || fail "apt never read $S-debug: $(cat "$t/http.log")"
echo "ok: stock apt installs hello-dbgsym 1.0-1 from $S-debug"

# 3. it follows its suite
dbg1=pool/main/h/hello/hello-dbgsym_1.0-1_${arch}.deb
[ -f "$R/$dbg1" ] || fail "no $dbg1 in the pool"
c2=$(repo_mkpkg "$t/up" hello 1.1-1 "$arch")
"$BPO" -q publish "$c2" --repo "$R" --suite $S
list --suite $S-debug
[ -s "$t/list" ] && fail "hello 1.1-1 has no debug symbols, yet $S-debug keeps: $(cat "$t/list")"
[ -f "$R/$dbg1" ] && fail "$dbg1 stayed in the pool though no suite names it"
echo "ok: a version without debug symbols drops the old ones (and their pool file)"
c3=$(repo_mkpkg "$t/up" hello 1.2-1 "$arch" hello hello-dbgsym)
"$BPO" -q publish "$c3" --repo "$R" --suite $S
"$BPO" -q repo promote "$R" hello --from $S --to $A
list --suite $A-debug
in_list "^$A-debug main hello-dbgsym 1.2-1 $arch" || fail "promote left the -dbgsym behind: $(cat "$t/list")"
list --suite $A
in_list "hello-dbgsym" && fail "promote put the -dbgsym in $A: $(cat "$t/list")"
"$BPO" -q repo remove "$R" hello --suite $S
list --suite $S-debug
[ -s "$t/list" ] && fail "remove left the -dbgsym in $S-debug: $(cat "$t/list")"
dbg3=pool/main/h/hello/hello-dbgsym_1.2-1_${arch}.deb
[ -f "$R/$dbg3" ] || fail "$dbg3 removed from the pool though $A-debug names it"
"$BPO" repo verify "$R" >"$t/verify" 2>&1 || fail "verify after promote/remove: $(cat "$t/verify")"
echo "ok: promote copies the -dbgsym to $A-debug, remove drops it from $S-debug"

# 4. a debug suite is not published to, removed from or promoted into directly
st=0; "$BPO" publish "$c3" --repo "$R" --suite $S-debug 2>"$t/e" || st=$?
[ "$st" = 2 ] || fail "publish to $S-debug: exit $st"
grep -q "$S-debug is a debug suite: it follows suite $S" "$t/e" || fail "the error: $(cat "$t/e")"
st=0; "$BPO" repo remove "$R" hello --suite $A-debug 2>"$t/e" || st=$?
[ "$st" = 2 ] || fail "remove from $A-debug: exit $st ($(cat "$t/e"))"
echo "ok: a debug suite itself is refused (exit 2)"

# 5. --no-debug-suites: the old layout
R2=$t/repo2
"$BPO" -q repo init "$R2" --origin "bpo test" --label "bpo test" --suite $S \
	--arch "$arch" --key "$fpr" --gnupghome "$t/gh" --no-debug-suites
grep -q "Debug-Suites" "$R2/conf/repo" && fail "--no-debug-suites wrote Debug-Suites"
"$BPO" -q publish "$c1" --repo "$R2" --suite $S
"$BPO" repo list "$R2" >"$t/list2"
grep -q "^$S main hello-dbgsym 1.0-1" "$t/list2" || fail "without debug suites: $(cat "$t/list2")"
[ -e "$R2/dists/$S-debug" ] && fail "--no-debug-suites made $S-debug"
st=0; "$BPO" repo list "$R2" --suite $S-debug >/dev/null 2>&1 || st=$?
[ "$st" = 2 ] || fail "a repository without debug suites accepts --suite $S-debug (exit $st)"
echo "ok: --no-debug-suites keeps the -dbgsym in $S"

# 6. a configured suite named *-debug clashes with the debug suites
st=0; "$BPO" repo init "$t/repo3" --origin o --label l --suite "$S,$S-debug" --arch "$arch" \
	--key "$fpr" --gnupghome "$t/gh" 2>"$t/e" || st=$?
[ "$st" = 2 ] || fail "init with a suite named $S-debug: exit $st"
grep -q "suite '$S-debug': with debug suites" "$t/e" || fail "the error: $(cat "$t/e")"
echo "ok: a suite named *-debug is refused with debug suites on"
