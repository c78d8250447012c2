#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deps-mirror: THE REAL MIRROR (read from the machine's apt sources at run
# time, or $BPO_MIRROR). painintheapt from trixie build-depends on debhelper
# (>= 13.11.6~): bookworm has 13.11.4, bookworm-backports has a newer one. A
# plain recipe stops in stage deps with class dep-wait before any chroot, the
# explanation naming the backports suite to enable; `bpo recipe new` writes
# the recipe with that suite enabled (the two-command path), and `bpo build`
# of it publishes the backport, debhelper pinned from bookworm-backports by
# the solver. Every file of painintheapt's trixie source downloads from the
# mirror (checked when it was chosen for bench/real-world). Skips (77) only
# when the mirror is unreachable, loudly. Real chroot build: slow.
set -euo pipefail
. "$BPO_SRCDIR/tests/integration/lib/archive.sh"
. "$BPO_SRCDIR/tests/integration/chroot-lib.bash"
slow_test
need_root
need_image
command -v dose-builddebcheck >/dev/null || skip "dose-builddebcheck missing"
T=$(mktemp -d /tmp/bpo-deps-mirror.XXXXXX)
private_cache own-layers
trap 'rm -rf "$T"; drop_private_cache' EXIT
export DEBFULLNAME="bpo mirror test" DEBEMAIL="mirror@example.invalid"
printf 'work-dir: %s\n' "$T/work" >"$T/bpo.conf"
bpo() { "$BPO" --config "$T/bpo.conf" "$@"; }
redact() { sed -E 's#(https?://)[^/ ]+#\1<mirror>#g'; }
printf 'source:\n  package: painintheapt\n  suite: trixie\ntarget:\n  release: bookworm\n' >"$T/plain.yaml"

# the plain recipe: dep-wait in stage deps, the backports suite named
st=0
bpo build --no-publish --json "$T/plain.yaml" >"$T/plain.json" 2>"$T/plain.err" || st=$?
if [ "$st" != 1 ] && grep -Eq "download failed|Could not|cannot fetch" "$T/plain.err"; then
	redact <"$T/plain.err" >&2
	skip "THE DEBIAN MIRROR IS UNREACHABLE: deps-mirror did not run"
fi
[ "$st" = 1 ] || { redact <"$T/plain.err"; fail "the plain recipe: exit $st, expected 1 (dep-wait)"; }
python3 - "$T/plain.json" <<'PY' || fail "the plain recipe's JSON: $(redact <"$T/plain.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["stage"] == "deps" and r["class"] == "dep-wait" and r["build_log"] is None, r
u = [x for x in r["deps"]["unmet"] if x["relation"].startswith("debhelper")]
assert u and "bookworm-backports has" in u[0]["explanation"] and "enable it" in u[0]["explanation"], u
PY

# bpo recipe new writes the recipe with bookworm-backports enabled
bpo recipe new painintheapt --from trixie --to bookworm >"$T/painintheapt.yaml" 2>"$T/new.err" ||
	{ redact <"$T/new.err"; fail "bpo recipe new: exit $?"; }
grep -q '^      suite: bookworm-backports$' "$T/painintheapt.yaml" &&
	grep -q '^# bpo deps: build dependencies satisfiable for bookworm$' "$T/painintheapt.yaml" ||
	fail "bpo recipe new: $(cat "$T/painintheapt.yaml")"
bpo recipe check -q "$T/painintheapt.yaml" || fail "the new recipe does not check"

# ... and bpo build of it publishes the backport
archive_key "$T/rkey" "bpo mirror test repo <repo@example.invalid>"
bpo repo init "$T/repo" --origin mirror-test --label mirror-test --suite bookworm-backports \
	--arch "$(dpkg --print-architecture)" --key "$ARCHIVE_KEY_FPR" --gnupghome "$T/rkey/gnupg" >/dev/null ||
	fail "repo init"
bpo build --no-qa --json --repo "$T/repo" "$T/painintheapt.yaml" >"$T/build.json" 2>"$T/build.err" ||
	{ redact <"$T/build.err" | tail -30; fail "bpo build of the new recipe: exit $?"; }
python3 - "$T/build.json" <<'PY' || fail "the build's JSON: $(redact <"$T/build.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["exit"] == 0 and r["stage"] == "done", r
pins = {p["package"]: p["suite"] for p in r["deps"]["pins"]}
assert pins.get("debhelper") == "bookworm-backports", pins
PY
bi=$(find "$T/work" -name 'painintheapt_*.buildinfo' | head -n 1)
grep -Eq ' debhelper \(= 13\.(1[2-9]|[2-9][0-9])' "$bi" || fail "debhelper is not the backports one: $(grep -o ' debhelper (= [^)]*)' "$bi")"
bpo repo list "$T/repo" | grep -q painintheapt || fail "not published"
echo "PASS: a real dep-wait, then built with the backports suite"
