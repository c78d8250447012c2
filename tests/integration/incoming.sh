#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# incoming: `bpo incoming process` on a queue of signed uploads (debsign's,
# and dput's local method feeding the queue). An upload signed by an allowed
# key is published and moved to done/; one signed by an unknown key, by an
# expired key, with a tampered file, with a missing file (after --grace;
# before it, left queued), with a version older than the published one, or
# the published version with other files, is moved to rejected/ with a
# one-line NAME.reason, and the repository stays byte for byte the same; an
# upload published already (a run killed before it moved it) goes to done/.
# Two uploaders racing into the queue while `--watch` runs both land; a
# kill -9 of a run mid-queue loses no upload (each is published or still
# queued, and the next run finishes). Slow part (real chroot): `bpo build
# --upload` makes one signed upload (.dsc, .buildinfo and .changes signed,
# debsign's order) that the queue publishes.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
. "$BPO_SRCDIR/tests/integration/repo-lib.bash"
need_tools gpg debsign dput dpkg-source dpkg-genchanges dpkg-deb

T=$(mktemp -d /tmp/bpo-incoming.XXXXXX)
WPID=
cleanup() {
	set +e
	[ -n "$WPID" ] && kill "$WPID" 2>/dev/null && wait "$WPID" 2>/dev/null
	httpd_stop
	for h in "$T"/k-*; do repo_killagent "$h"; done
	rm -rf "$T"
}
trap cleanup EXIT
bpo() { "$BPO" "$@"; }
# in_repo PATTERN [list options]: the repository lists a line matching PATTERN
# (the listing goes to a file first: grep -q closing a pipe early would make
# bpo die of SIGPIPE, a failure under pipefail)
in_repo() { local pat=$1; shift; bpo repo list "$R" "$@" >"$T/list.txt" && grep -q -- "$pat" "$T/list.txt"; }
arch=$(dpkg --print-architecture)
Q=$T/queue
R=$T/repo
mkdir -p "$Q" "$T/up"

# keys: the repository's, two allowed uploaders, a stranger, and an expired one
rfpr=$(repo_genkey "$T/k-repo" repo)
good=$(repo_genkey "$T/k-good" good)
good2=$(repo_genkey "$T/k-good2" good2)
stranger=$(repo_genkey "$T/k-stranger" stranger)
mkdir -p "$T/k-old" && chmod 700 "$T/k-old"
gpg --homedir "$T/k-old" --batch --quiet --pinentry-mode loopback --passphrase '' \
	--faked-system-time 20200101T000000 --quick-gen-key "old <old@example.invalid>" ed25519 sign 1y 2>/dev/null
old=$(gpg --homedir "$T/k-old" --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')
for k in good good2 old; do
	gpg --homedir "$T/k-$k" --export >>"$T/uploaders.gpg"
done

bpo -q repo init "$R" --origin inc --label inc --suite bookworm-backports,bookworm-other \
	--arch "$arch" --key "$rfpr" --gnupghome "$T/k-repo" --keep 0 \
	--uploaders "bookworm-backports=$T/uploaders.gpg"
grep -q "^ bookworm-backports $T/uploaders.gpg$" "$R/conf/repo" || fail "conf/repo: no Uploaders: $(cat "$R/conf/repo")"

# mk NAME VERSION [SUITE]: an unsigned upload in $T/up/NAME-VERSION/
mk() {
	local d="$T/up/$1-$2"
	mkdir -p "$d"
	local c
	c=$(repo_mkpkg "$d" "$1" "$2" "$arch")
	sed -i "s/^Distribution: .*/Distribution: ${3:-bookworm-backports}/" "$c"
	echo "$c"
}
# sign KEYDIR FPR CHANGES: debsign, as an uploader does
sign() { GNUPGHOME=$1 debsign --no-conf -k"$2" "$3" >/dev/null 2>&1 || fail "debsign $3"; }
# queue CHANGES: copy the upload into the queue, the .changes last (as dput does)
queue() {
	local c=$1 d f
	d=$(dirname "$c")
	for f in $(sed -n '/^Files:/,/^[^ ]/p' "$c" | awk 'NF == 5 { print $5 }'); do
		cp "$d/$f" "$Q/"
	done
	cp "$c" "$Q/"
}
process() { bpo incoming process "$Q" --repo "$R" --json "$@"; }
result() { # CHANGES-NAME: the result and reason of the last JSON line about it
	python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r = [x for x in r if x["changes"] == sys.argv[2]]
print(r[-1]["result"] if r else "none")' "$1" "$2"
}

# 1. an allowed key: published, moved to done/ (dput's local method feeds the queue)
c=$(mk hello 1.0-1)
sign "$T/k-good" "$good" "$c"
cat >"$T/dput.cf" <<EOF
[queue]
method = local
incoming = $Q
allow_unsigned_uploads = 0
EOF
dput -u -c "$T/dput.cf" queue "$c" >"$T/dput.out" 2>&1 || { cat "$T/dput.out"; fail "dput to the queue"; }
process >"$T/p1.json" 2>"$T/p1.err" || fail "process: $(cat "$T/p1.json" "$T/p1.err")"
[ "$(result "$T/p1.json" "$(basename "$c")")" = published ] || fail "hello 1.0-1: $(cat "$T/p1.json")"
[ -f "$Q/done/$(basename "$c")" ] && [ -f "$Q/done/hello_1.0-1.dsc" ] || fail "not moved to done/: $(ls -R "$Q")"
[ -z "$(find "$Q" -maxdepth 1 -type f ! -name '.*')" ] || fail "files left in the queue: $(ls "$Q")"
in_repo '^bookworm-backports main hello 1.0-1 source' --suite bookworm-backports ||
	fail "hello not published: $(bpo repo list "$R")"
grep -q "action=publish source=hello version=1.0-1 suite=bookworm-backports .*uploader=$good" "$R/log/audit.log" || fail "audit log: $(cat "$R/log/audit.log")"

# 2..7: each rejected with its reason, the repository unchanged
before=$(repo_tree_hash "$R")
rejected() { # CHANGES PATTERN [process options]: rejected with a reason matching PATTERN
	local c=$1 pat=$2 n rc=0
	shift 2
	n=$(basename "$c")
	process "$@" >"$T/p.json" 2>"$T/p.err" || rc=$?
	[ "$rc" = 1 ] || fail "$n: exit $rc (expected 1): $(cat "$T/p.json" "$T/p.err")"
	[ "$(result "$T/p.json" "$n")" = rejected ] || fail "$n: not rejected: $(cat "$T/p.json")"
	[ -f "$Q/rejected/$n" ] || fail "$n: not in rejected/"
	[ "$(wc -l <"$Q/rejected/$n.reason")" = 1 ] || fail "$n.reason: not one line"
	grep -Eq "$pat" "$Q/rejected/$n.reason" || fail "$n.reason: $(cat "$Q/rejected/$n.reason") (expected /$pat/)"
	[ "$(repo_tree_hash "$R")" = "$before" ] || fail "$n: the repository changed"
	[ -z "$(find "$Q" -maxdepth 1 -type f ! -name '.*')" ] || fail "$n: files left in the queue: $(ls "$Q")"
}
c=$(mk unknown 1.0-1); sign "$T/k-stranger" "$stranger" "$c"; queue "$c"
rejected "$c" "no public key|not in the keyring|unknown key|No public key"
c=$(mk expired 1.0-1)
gpg --homedir "$T/k-old" --batch --quiet --faked-system-time 20200601T000000 --local-user "$old" \
	--clearsign -o "$c.asc" "$c" 2>/dev/null && mv "$c.asc" "$c"
queue "$c"
rejected "$c" "expired"
c=$(mk tampered 1.0-1); sign "$T/k-good" "$good" "$c"; queue "$c"
deb=$Q/tampered_1.0-1_$arch.deb
printf 'X' | dd of="$deb" bs=1 seek=$(($(stat -c %s "$deb") - 1)) conv=notrunc 2>/dev/null
rejected "$c" "tampered_1.0-1_$arch.deb does not match"
c=$(mk missing 1.0-1); sign "$T/k-good" "$good" "$c"; queue "$c"
rm "$Q/missing_1.0-1.debian.tar.xz"
# still arriving (within the grace time): left queued, exit 0
process >"$T/p.json" 2>"$T/p.err" || fail "an arriving upload: $(cat "$T/p.json" "$T/p.err")"
[ "$(result "$T/p.json" "$(basename "$c")")" = pending ] && [ -f "$Q/$(basename "$c")" ] ||
	fail "an upload with a missing file was not left queued: $(cat "$T/p.json")"
rejected "$c" "missing_1.0-1.debian.tar.xz is missing" --grace 0
c=$(mk hello 0.9-1); sign "$T/k-good" "$good" "$c"; queue "$c"
rejected "$c" "hello 0.9-1 is older than 1.0-1"
c=$(REPO_MKPKG_PAYLOAD=100 mk hello 1.0-1 && true); sign "$T/k-good" "$good" "$c"
mv "$(dirname "$c")" "$T/up/hello-1.0-1-other"; c=$T/up/hello-1.0-1-other/$(basename "$c")
queue "$c"
rm -f "$Q/rejected/$(basename "$c")"*
rejected "$c" "already published in bookworm-backports \(with other files\)"
c=$(mk nokeyring 1.0-1 bookworm-other); sign "$T/k-good" "$good" "$c"; queue "$c"
rejected "$c" "bookworm-other takes no uploads"
c=$(mk nosuite 1.0-1 sid); sign "$T/k-good" "$good" "$c"; queue "$c"
rejected "$c" "Distribution sid is not a suite"

# 8. published already (a run killed before it moved the upload): to done/, exit 0
for f in "$Q"/done/hello_1.0[-.]*; do cp "$f" "$Q/"; done
process >"$T/p.json" 2>"$T/p.err" || fail "a published upload again: $(cat "$T/p.json" "$T/p.err")"
[ "$(result "$T/p.json" "hello_1.0-1_$arch.changes")" = already-published ] || fail "re-queued: $(cat "$T/p.json")"
[ "$(repo_tree_hash "$R")" = "$before" ] || fail "the repository changed for an upload it has"

# 8b. two versions of a source in the queue, sharing one orig tarball: both land
c=$(mk shared 1.0-1); sign "$T/k-good" "$good" "$c"
d2=$T/up/shared-1.0-2
mkdir -p "$d2"
cp "$T/up/shared-1.0-1"/shared_1.0-1.dsc "$T/up/shared-1.0-1"/shared_1.0.orig.tar.gz \
	"$T/up/shared-1.0-1"/shared_1.0-1.debian.tar.* "$d2/"
(
	cd "$d2"
	dpkg-source --no-check -x shared_1.0-1.dsc src >/dev/null 2>&1
	{ printf 'shared (1.0-2) bookworm-backports; urgency=medium\n\n  * Again.\n\n'
	  printf ' -- Test <test@example.invalid>  Thu, 26 Nov 2026 12:00:00 +0000\n\n'
	  cat src/debian/changelog; } >cl && mv cl src/debian/changelog
	dpkg-source -b src >/dev/null 2>&1
	cd src && dpkg-genchanges -S -sa -O../shared_1.0-2_source.changes >/dev/null 2>&1
)
c2=$d2/shared_1.0-2_source.changes
grep -q 'shared_1.0.orig.tar.gz' "$c2" || fail "the second upload does not carry the orig tarball"
cmp "$d2/shared_1.0.orig.tar.gz" "$T/up/shared-1.0-1/shared_1.0.orig.tar.gz" || fail "not one orig"
sign "$T/k-good" "$good" "$c2"
queue "$c"
touch -d '-1 minute' "$Q/$(basename "$c")"
queue "$c2"
process >"$T/p.json" 2>"$T/p.err" || fail "two versions: $(cat "$T/p.json" "$T/p.err")"
process >"$T/p.json" 2>"$T/p.err" || fail "two versions, second pass: $(cat "$T/p.json" "$T/p.err")"
[ "$(result "$T/p.json" shared_1.0-2_source.changes)" = published ] ||
	fail "shared 1.0-2 (its orig moved away with 1.0-1?): $(cat "$T/p.json")"
[ "$(bpo repo list "$R" --suite bookworm-backports | grep -c ' shared 1.0-[12] source')" = 2 ] ||
	fail "both versions of shared: $(bpo repo list "$R")"
[ -z "$(find "$Q" -maxdepth 1 -type f ! -name '.*')" ] || fail "files left in the queue: $(ls "$Q")"
before=$(repo_tree_hash "$R")

# 9. two uploaders race into the queue while --watch runs: all land
# "$BPO" itself, not the function: $! must be bpo's pid, not a subshell's
"$BPO" incoming process "$Q" --repo "$R" --watch --grace 60 >"$T/watch.out" 2>"$T/watch.err" &
WPID=$!
for i in 1 2 3 4; do
	a=$(mk racea$i 1.0-1); sign "$T/k-good" "$good" "$a"
	b=$(mk raceb$i 1.0-1); sign "$T/k-good2" "$good2" "$b"
done
( for i in 1 2 3 4; do queue "$T/up/racea$i-1.0-1/racea${i}_1.0-1_$arch.changes"; done ) &
p1=$!
( for i in 1 2 3 4; do queue "$T/up/raceb$i-1.0-1/raceb${i}_1.0-1_$arch.changes"; done ) &
p2=$!
wait $p1 $p2
for _ in $(seq 600); do
	[ "$(ls "$Q"/done/race*.changes 2>/dev/null | wc -l)" = 8 ] && break
	sleep 0.1
done
kill "$WPID"; wait "$WPID" || true; WPID=
[ "$(ls "$Q"/done/race*.changes 2>/dev/null | wc -l)" = 8 ] || fail "racing uploads: $(ls "$Q" "$Q/done"; cat "$T/watch.err")"
[ "$(bpo repo list "$R" --suite bookworm-backports | grep -c ' race[ab][1-4] 1.0-1 source')" = 8 ] ||
	fail "racing uploads not all published: $(bpo repo list "$R")"
grep -q "watching $Q" "$T/watch.err" || fail "--watch did not say what it watches"

# 10. kill -9 mid-queue: nothing lost. (a) Deterministic: another writer holds
# the repository's lock, so the run has checked all 20 uploads and waits to
# publish them when it is killed. (b) A kill at a random moment of a free run
# (it may land in the checks, the publication or after the end; the 20 uploads
# publish in one batch, so a run can be over in a fraction of a second).
for i in $(seq 1 20); do
	c=$(mk kill$i 1.0-1); sign "$T/k-good" "$good" "$c"; queue "$c"
done
# every upload published, or still queued with all its files
nothing_lost() {
	local i n
	for i in $(seq 1 20); do
		n=kill${i}_1.0-1_$arch.changes
		if ! in_repo " kill$i 1.0-1 source" --suite bookworm-backports &&
			[ ! -f "$Q/$n" ]; then
			fail "kill -9 ($1): kill$i is neither published nor queued"
		fi
	done
}
exec 9>>"$R/conf/lock"
flock 9
"$BPO" incoming process "$Q" --repo "$R" --lock-timeout 100 >"$T/kill.out" 2>"$T/kill.err" 9>&- &
kp=$!
for _ in $(seq 300); do
	grep -qs "waiting for the repository lock" "$T/kill.err" && break
	sleep 0.1
done
grep -qs "waiting for the repository lock" "$T/kill.err" ||
	fail "the run did not wait for the held lock: $(cat "$T/kill.err")"
kill -9 "$kp"
st=0
wait "$kp" 2>/dev/null || st=$?
[ "$st" = 137 ] || fail "the run was not killed (status $st)"
exec 9>&-
nothing_lost "waiting for the lock"
[ "$(ls "$Q"/kill*.changes | wc -l)" = 20 ] || fail "killed before publishing, yet uploads left the queue: $(ls "$Q")"
echo "ok: kill -9 while waiting to publish: all 20 still queued"
"$BPO" incoming process "$Q" --repo "$R" >"$T/kill.out" 2>"$T/kill.err" &
kp=$!
sleep "0.$((RANDOM % 3))$((RANDOM % 10))"
kill -9 "$kp" 2>/dev/null && echo "ok: a free run killed -9 mid-way" || echo "ok: the free run was over before the kill"
wait "$kp" 2>/dev/null || true
nothing_lost "a free run"
process >"$T/p.json" 2>"$T/p.err" || fail "the run after kill -9: $(cat "$T/p.json" "$T/p.err")"
[ "$(bpo repo list "$R" --suite bookworm-backports | grep -c ' kill[0-9]* 1.0-1 source')" = 20 ] ||
	fail "after kill -9 and a new run: $(bpo repo list "$R")"
[ -z "$(find "$Q" -maxdepth 1 -type f ! -name '.*')" ] || fail "files left after kill -9: $(ls "$Q")"
bpo repo verify "$R" >"$T/verify.out" 2>&1 || fail "verify: $(cat "$T/verify.out")"

# usage errors
rc=0; bpo incoming process "$Q" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "no --repo: exit $rc"

# 11. bpo build --upload (real chroot)
if [ "${BPO_SLOW_TESTS:-1}" != 0 ] && [ "$(id -u)" = 0 ]; then
	. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
	need_image
	export DEBFULLNAME="bpo upload" DEBEMAIL="upload@example.invalid"
	archive_key "$T/akey"
	archive_dh_source "$T/www" upl 2.0-1 "debhelper-compat (= 13)" upl ""
	archive_indices "$T/www" trixie
	archive_sign "$T/www" trixie "$T/akey"
	httpd_start "$T/www"
	cat >"$T/upl.yaml" <<Y
source:
  package: upl
  archive: $HTTPD_URL
  suite: trixie
  keyring: $T/akey/keyring.gpg
target:
  release: bookworm
publish:
  repo: $R
  suite: bookworm-backports
Y
	# the uploader's key from bpo.conf (no --sign-key, no publish.key)
	printf 'work-dir: %s\nsign-key: %s\n' "$T/work" "$good" >"$T/bpo.conf"
	mkdir "$T/q2"
	rc=0
	"$BPO" --config "$T/bpo.conf" build --no-qa --json --no-index-check --upload "$T/q2" \
		--gnupghome "$T/k-good" "$T/upl.yaml" >"$T/b.json" 2>"$T/b.err" || rc=$?
	[ "$rc" = 0 ] || { tail -20 "$T/b.err"; fail "build --upload: exit $rc"; }
	up=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["upload"])' "$T/b.json")
	[ "$up" = "$T/q2/upl_2.0-1~bpo12+1_all.changes" ] || fail "the upload: $up"
	[ "$(ls "$T/q2"/*.changes)" = "$up" ] || fail "one merged .changes: $(ls "$T/q2")"
	grep -q '^Architecture: source all$' "$up" || fail "merged Architecture: $(grep Architecture "$up")"
	for f in "$up" "$T/q2/upl_2.0-1~bpo12+1.dsc" "$T"/q2/upl_*.buildinfo; do
		head -1 "$f" | grep -q -- '-----BEGIN PGP SIGNED MESSAGE-----' || fail "$f is not clearsigned"
		gpg --homedir "$T/k-good" --verify "$f" 2>/dev/null || fail "$f: signature does not verify"
	done
	# the .changes names the signed .dsc's size and sha256
	h=$(sha256sum "$T/q2/upl_2.0-1~bpo12+1.dsc" | cut -d' ' -f1)
	grep -q " $h $(stat -c %s "$T/q2/upl_2.0-1~bpo12+1.dsc") upl_2.0-1~bpo12+1.dsc" "$up" ||
		fail "the .changes does not name the signed .dsc"
	[ -z "$(ls -a "$T/q2" | grep '\.part$')" ] || fail "partial files left in the queue"
	# what Debian's own tools check: dscverify (the .changes' and the .dsc's
	# signatures and every file's sums) and dput without -u (the signatures
	# checked against the uploader's keyring), simulated
	gpg --homedir "$T/k-good" --export "$good" >"$T/good.pub" 2>/dev/null
	dscverify --no-default-keyrings --keyring "$T/good.pub" "$up" >"$T/dscverify.out" 2>&1 ||
		{ cat "$T/dscverify.out"; fail "dscverify refuses the upload"; }
	grep -q 'All files validated successfully' "$T/dscverify.out" ||
		{ cat "$T/dscverify.out"; fail "dscverify did not validate every file"; }
	cat >"$T/dput2.cf" <<EOF2
[q2]
method = local
incoming = $T/q2-dput
allow_unsigned_uploads = 0
EOF2
	mkdir "$T/q2-dput"
	GNUPGHOME=$T/k-good dput -s -c "$T/dput2.cf" q2 "$up" >"$T/dput2.out" 2>&1 ||
		{ cat "$T/dput2.out"; fail "dput -s refuses the upload"; }
	grep -q 'Valid signature from' "$T/dput2.out" ||
		{ cat "$T/dput2.out"; fail "dput did not check a good signature"; }
	# and the same upload unsigned is what dput refuses (the check can fail)
	mkdir "$T/uns"
	cp "$T"/q2/upl_* "$T/uns/"
	sed -n '/^-----BEGIN PGP SIGNED/,/^$/d; /^-----BEGIN PGP SIGNATURE/,$d; p' "$up" \
		>"$T/uns/$(basename "$up")"
	rc=0
	GNUPGHOME=$T/k-good dput -s -c "$T/dput2.cf" q2 "$T/uns/$(basename "$up")" \
		>"$T/dput3.out" 2>&1 || rc=$?
	[ "$rc" != 0 ] || { cat "$T/dput3.out"; fail "dput accepted an unsigned .changes"; }
	rm -rf "$T/q2-dput" "$T/uns"
	in_repo ' upl ' && fail "--upload published directly"
	bpo incoming process "$T/q2" --repo "$R" >/dev/null 2>"$T/p.err" || fail "processing the build's upload: $(cat "$T/p.err")"
	in_repo '^bookworm-backports main upl 2.0-1~bpo12+1 all' --suite bookworm-backports ||
		fail "the build's upload is not published: $(bpo repo list "$R")"
fi
echo "incoming: ok"
