#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every -dev package that configure.ac requires (BPO_REQUIRE) is installed by
# the README's quick start (.ci/quickstart), by CI (.ci/packages) and listed in
# debian/control's Build-Depends: a library added to configure alone breaks the
# quick start on a fresh machine (seen: json-c).
srcdir=${BPO_SRCDIR:-$(dirname "$0")/..}
fail=0
pkgs=$(sed -n 's/^BPO_REQUIRE(\[[A-Z0-9_]*\], \[[^]]*\], \[\([^]]*\)\]).*/\1/p' "$srcdir/configure.ac")
[ -n "$pkgs" ] || { echo "build-deps.sh: no BPO_REQUIRE line found in configure.ac"; exit 1; }
for p in $pkgs; do
	grep -qw -- "$p" "$srcdir/.ci/quickstart" || { echo ".ci/quickstart: does not install $p (configure.ac requires it)"; fail=1; }
	grep -qx -- "$p" "$srcdir/.ci/packages" || { echo ".ci/packages: does not list $p (configure.ac requires it)"; fail=1; }
	sed -n '/^Build-Depends:/,/^[A-Z]/p' "$srcdir/debian/control" | grep -qw -- "$p" ||
		{ echo "debian/control: Build-Depends lacks $p (configure.ac requires it)"; fail=1; }
done
exit $fail
