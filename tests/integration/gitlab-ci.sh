#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# gitlab-ci: the plan as a GitLab CI pipeline, run on the real engine locally.
# Three recipes from a signed loopback archive: glx-a and glx-b independent,
# glx-c build-depending on the binaries of both (its build fails unless
# glx-a's file is installed). `bpo run --plan --format=gitlab-ci` writes the
# pipeline; it validates against GitLab's CI JSON schema (the one
# gitlab-ci-local ships) and gitlab-ci-local runs it as a top-level pipeline
# with its shell executor: the two independent builds in parallel (their job
# times overlap), each uploading a signed upload to the incoming queue, the
# publish jobs processing the queue one at a time, glx-c's build after both
# publish jobs. Stock apt in a bookworm root then installs glx-c from the
# repository. Real chroot builds: slow.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
. "$BPO_SRCDIR/tests/integration/repo-lib.bash"
slow_test
need_root
need_image
need_tools gitlab-ci-local rsync git
/usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null || skip "python3-jsonschema or python3-yaml missing"
schema=$(npm root -g 2>/dev/null)/gitlab-ci-local/src/schema/schema.json
[ -f "$schema" ] || skip "gitlab-ci-local's schema.json is not at $schema"

T=$(mktemp -d /tmp/bpo-gitlab.XXXXXX)
private_cache own-layers
REPO_HTTPD_PID=
cleanup() {
	set +e
	[ -n "$REPO_HTTPD_PID" ] && { kill "$REPO_HTTPD_PID"; wait "$REPO_HTTPD_PID"; } 2>/dev/null
	repo_aptroot_done "$T/apt"
	httpd_stop
	repo_killagent "$T/k-builder"
	repo_killagent "$T/k-repo"
	rm -rf "$T"
	drop_private_cache
}
trap cleanup EXIT
export DEBFULLNAME="bpo gitlab" DEBEMAIL="gitlab@example.invalid"
printf 'work-dir: %s\n' "$T/work" >"$T/bpo.conf"
bpo() { "$BPO" --config "$T/bpo.conf" "$@"; }
# in_repo PATTERN [list options]: the repository lists a line matching PATTERN
# (the listing goes to a file first: grep -q closing a pipe early would make
# bpo die of SIGPIPE, a failure under pipefail)
in_repo() { local pat=$1; shift; bpo repo list "$R" "$@" >"$T/list.txt" && grep -q -- "$pat" "$T/list.txt"; }

archive_key "$T/akey"
archive_dh_source "$T/www" glx-a 1.0-1 "debhelper-compat (= 13)" glx-a-dev ""
archive_dh_source "$T/www" glx-b 1.0-1 "debhelper-compat (= 13)" glx-b-dev ""
archive_dh_source "$T/www" glx-c 1.0-1 "debhelper-compat (= 13), glx-a-dev, glx-b-dev" glx-c "" \
	/usr/share/glx-a/version
archive_indices "$T/www" trixie
archive_sign "$T/www" trixie "$T/akey"
httpd_start "$T/www"

arch=$(dpkg --print-architecture)
rfpr=$(repo_genkey "$T/k-repo" repo)
bfpr=$(repo_genkey "$T/k-builder" builder)
gpg --homedir "$T/k-builder" --export >"$T/builders.gpg"
R=$T/repo
Q=$T/queue
mkdir -p "$Q"
bpo -q repo init "$R" --origin gl --label gl --suite bookworm-backports --arch "$arch" \
	--key "$rfpr" --gnupghome "$T/k-repo" --uploaders "bookworm-backports=$T/builders.gpg"

P=$T/project
mkdir -p "$P/recipes"
for n in glx-a glx-b glx-c; do
	cat >"$P/recipes/$n.yaml" <<Y
source:
  package: $n
  archive: $HTTPD_URL
  suite: trixie
  keyring: $T/akey/keyring.gpg
target:
  release: bookworm
publish:
  repo: $R
  suite: bookworm-backports
Y
done

# the pipeline
(cd "$P" && bpo run --plan --format=gitlab-ci --no-qa --repo "$R" recipes) >"$P/.gitlab-ci.yml" 2>"$T/plan.err" ||
	{ cat "$T/plan.err"; fail "bpo run --plan --format=gitlab-ci"; }
/usr/bin/python3 - "$schema" "$P/.gitlab-ci.yml" "$R" <<'PY' || fail "the pipeline: $(cat "$P/.gitlab-ci.yml")"
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
doc = yaml.safe_load(open(sys.argv[2]))
v = jsonschema.Draft7Validator(schema)
errs = [e.message for e in v.iter_errors(doc)]
assert not errs, errs
# the same check catches a broken pipeline
bad = dict(doc); bad["build:glx-a"] = dict(doc["build:glx-a"], needz=[])
assert list(v.iter_errors(bad)), "the schema check cannot fail"
assert doc["variables"]["BPO_REPO"] == sys.argv[3], doc["variables"]
assert doc["stages"] == ["build-1", "publish-1", "build-2", "publish-2"], doc["stages"]
assert doc["build:glx-a"]["needs"] == [] and doc["build:glx-b"]["needs"] == [], doc
assert sorted(doc["build:glx-c"]["needs"]) == ["publish:glx-a", "publish:glx-b"], doc["build:glx-c"]
for n in ("glx-a", "glx-b", "glx-c"):
    assert doc["publish:" + n]["needs"] == ["build:" + n], doc["publish:" + n]
    assert doc["publish:" + n]["resource_group"] == "bpo-publish"
    assert "--upload" in doc["build:" + n]["script"][-1], doc["build:" + n]
    assert "incoming process" in doc["publish:" + n]["script"][-1]
assert doc["build:glx-c"]["stage"] == "build-2" and doc["publish:glx-c"]["stage"] == "publish-2"
PY

# run it with the real engine: a wrapper notes when each job's bpo ran
cat >"$T/bpo-wrap" <<W
#!/bin/bash
echo "\$CI_JOB_NAME start \$(date +%s.%N)" >>"$T/times"
"$BPO" --config "$T/bpo.conf" "\$@"
rc=\$?
echo "\$CI_JOB_NAME end \$(date +%s.%N)" >>"$T/times"
exit \$rc
W
chmod +x "$T/bpo-wrap"
(cd "$P" && git init -q && git add . && git -c user.email=t@example.invalid -c user.name=t commit -qm pipeline)
rc=0
(cd "$P" && GNUPGHOME=$T/k-builder gitlab-ci-local --shell-isolation --json-schema-validation \
	--variable "BPO=$T/bpo-wrap" --variable "BPO_QUEUE=$Q" --variable "BPO_SIGN_KEY=$bfpr" \
	--variable "GNUPGHOME=$T/k-builder") >"$T/gcl.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { tail -60 "$T/gcl.out"; fail "gitlab-ci-local: exit $rc"; }
for j in build:glx-a build:glx-b build:glx-c publish:glx-a publish:glx-b publish:glx-c; do
	grep -Eq "PASS +$j" "$T/gcl.out" || fail "job $j did not pass: $(tail -40 "$T/gcl.out")"
done
/usr/bin/python3 - "$T/times" <<'PY' || fail "job order: $(cat "$T/times")"
import sys
t = {}
for line in open(sys.argv[1]):
    job, what, when = line.split()
    t.setdefault(job, {})[what] = float(when)
a, b, c = t["build:glx-a"], t["build:glx-b"], t["build:glx-c"]
assert a["start"] < b["end"] and b["start"] < a["end"], ("the independent builds did not overlap", a, b)
for p in ("publish:glx-a", "publish:glx-b"):
    assert t[p]["end"] <= c["start"], (p, "did not finish before build:glx-c started", t)
PY
for n in glx-a glx-b glx-c; do
	in_repo "^bookworm-backports main $n 1.0-1~bpo12+1 source" --suite bookworm-backports ||
		fail "$n is not published: $(bpo repo list "$R")"
done
[ "$(ls "$Q/done/"*.changes | wc -l)" = 3 ] && [ -z "$(ls "$Q/rejected")" ] ||
	fail "the queue: $(ls -R "$Q")"

# stock apt installs the dependant
repo_aptroot "$T/apt"
repo_serve "$R" "$T/apt"
mkdir -p "$T/apt/root/etc/apt/keyrings" "$T/apt/root/etc/apt/sources.list.d" "$T/apt/root/var/lib/apt/lists/partial"
cp "$R/key.asc" "$T/apt/root/etc/apt/keyrings/bpo.asc"
cat >"$T/apt/root/etc/apt/sources.list.d/bpo.sources" <<EOC
Types: deb
URIs: http://127.0.0.1:$REPO_PORT/
Suites: bookworm-backports
Components: main
Signed-By: /etc/apt/keyrings/bpo.asc
EOC
chroot "$T/apt/root" apt-get -o Acquire::Retries=0 -o Acquire::http::Proxy=false update >"$T/apt.out" 2>&1 ||
	{ cat "$T/apt.out"; fail "apt-get update"; }
chroot "$T/apt/root" apt-get install -y -q -t bookworm-backports glx-c >"$T/apt.out" 2>&1 ||
	{ cat "$T/apt.out"; fail "apt-get install glx-c"; }
[ "$(chroot "$T/apt/root" dpkg-query -W -f '${Version}' glx-c)" = "1.0-1~bpo12+1" ] || fail "glx-c not installed"
echo "gitlab-ci: ok"
