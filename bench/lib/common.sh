# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the repository benchmarks (sourced):
#   bench_init PREFIX  a work directory $w (removed at exit) and a throwaway
#                      ed25519 signing key in GNUPGHOME=$w/gnupg, its
#                      fingerprint in $fpr
#   ftp_publish DIR    apt-ftparchive's index set of DIR/pool for suite bench:
#                      Packages (+ .gz, .xz), Release, and the InRelease and
#                      Release.gpg that gpg makes (apt-ftparchive does not
#                      sign); its --db cache kept, so a rerun reads only new .debs
bench_init() {
	w=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	trap 'gpgconf --homedir "$w/gnupg" --kill all >/dev/null 2>&1 || true; rm -rf "$w"' EXIT
	export GNUPGHOME=$w/gnupg
	mkdir -m 700 "$GNUPGHOME"
	gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
		--quick-gen-key 'bench <bench@example.invalid>' ed25519 sign never 2>/dev/null
	fpr=$(gpg --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/ && !n++ { print $10 }')
	export fpr
}

ftp_publish() {
	local o=$1
	mkdir -p "$o/dists/bench/main/binary-amd64"
	(cd "$o" && apt-ftparchive --db "$o/cache.db" packages pool \
		>dists/bench/main/binary-amd64/Packages 2>/dev/null)
	gzip -9kf "$o/dists/bench/main/binary-amd64/Packages"
	xz -1kf "$o/dists/bench/main/binary-amd64/Packages"
	(cd "$o/dists/bench" && apt-ftparchive -o APT::FTPArchive::Release::Codename=bench \
		release . >Release.new 2>/dev/null && mv Release.new Release)
	gpg --batch --yes -u "$fpr" --clearsign -o "$o/dists/bench/InRelease" "$o/dists/bench/Release"
	gpg --batch --yes -u "$fpr" -abs -o "$o/dists/bench/Release.gpg" "$o/dists/bench/Release"
}
