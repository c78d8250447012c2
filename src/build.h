/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * build: build a source package (.dsc) in a fresh root of the target release.
 *
 * Phases, each named in errors and in the result:
 *   setup   the release image (chroot.h), unpacked once, checked by sha256;
 *           the .dsc and its files copied aside and checked against the
 *           .dsc's Checksums-Sha256
 *   deps    apt-get build-dep in an overlay over the image, with the host's
 *           network, apt's sources = the release on the configured mirror plus
 *           the extra sources; the resulting upper layer is kept in
 *           <cache>/chroots/layers/<key>, key = sha256 of the image sha256, the
 *           architecture, the build type and profiles, the extra sources and
 *           the sorted Build-Depends* fields, so a rebuild skips apt
 *   build   dpkg-source -x and dpkg-buildpackage -us -uc as the unprivileged
 *           user `build` (uid 1000) in a new network namespace with only lo up,
 *           SOURCE_DATE_EPOCH from the changelog, DEB_BUILD_OPTIONS and
 *           DEB_BUILD_PROFILES from the options, killed at the timeout
 *   collect .deb .udeb .ddeb .changes .buildinfo and the source files copied
 *           to the result directory with their sha256
 * The full log is <result>/<source>_<version>_<arch>.build. Every temporary
 * directory is removed and every process of the build is dead on return,
 * also on failure, timeout and SIGINT/SIGTERM (bpo_chroot_signals_install).
 */
#ifndef BPO_BUILD_H
#define BPO_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "xmem.h"

struct bpo_config;

enum bpo_build_phase {
	BPO_BUILD_SETUP = 0,
	BPO_BUILD_DEPS,
	BPO_BUILD_BUILD,
	BPO_BUILD_COLLECT,
	BPO_BUILD_DONE,
};

enum bpo_build_type {
	BPO_BUILD_BINARY,      /* -b: arch-dependent and independent binaries */
	BPO_BUILD_ANY,         /* -B: arch-dependent only */
	BPO_BUILD_ALL,         /* -A: arch-independent only */
	BPO_BUILD_FULL,        /* source and binaries */
};

struct bpo_build_opts {
	const char *dsc;         /* path of the .dsc; its files next to it */
	const char *release;
	const char *arch;        /* NULL: the host's */
	const char *result_dir;  /* NULL: <work_dir>/<source>_<version> */
	const char *profiles;    /* comma/space separated build profiles, or NULL */
	unsigned timeout;        /* seconds for dpkg-buildpackage; 0: the config's */
	enum bpo_build_type type;
	const char *const *extra_sources; /* "deb [signed-by=KEY] URI SUITE COMP" lines */
	size_t n_extra_sources;
	const char *const *extra_packages; /* NULL-terminated, installed with apt after
					     the build dependencies (part of the layer), or NULL */
	/* versions of the extra suites apt must take for the build dependencies
	   (the deps stage's decision, depcheck.h): Pin-Priority 990 in the root;
	   apt's simulation then pins what is still unmet, as without them */
	const struct bpo_build_pin {
		const char *package, *version, *suite, *relation;
	} *pins;
	size_t n_pins;
	bool verbose;            /* stream the log to stderr */
	bool no_cache;           /* do not use (or keep) a deps layer */
};

struct bpo_build_artifact {
	char *name;
	char sha256[65];
	uint64_t size;
};

struct bpo_build_result {
	enum bpo_build_phase phase; /* reached (the failing one on failure) */
	bool ok;
	bool deps_cached;           /* the deps layer was reused */
	char *source, *version, *arch;
	char *result_dir, *log_path;
	double seconds[BPO_BUILD_DONE]; /* per phase */
	struct bpo_build_artifact *artifacts;
	size_t n_artifacts;
	char *detail;               /* on failure: what went wrong in the phase */
};

void bpo_build_result_init(struct bpo_build_result *r);
void bpo_build_result_destroy(struct bpo_build_result *r);
const char *bpo_build_phase_name(enum bpo_build_phase p);

/*
 * Build opts->dsc. Returns 0 when the packages were built and collected,
 * -1 otherwise; r says how far it got either way (r->phase, r->log_path).
 */
int bpo_build_run(const struct bpo_config *cfg, const struct bpo_build_opts *opts,
		  struct bpo_build_result *r, struct bpo_error *err);

/* The deps-layer cache key (hex sha256) for these inputs: exposed for tests. */
void bpo_build_cache_key(const char *image_sha256, const char *arch, enum bpo_build_type type,
			 const char *profiles, const char *const *extra_sources, size_t n_extra,
			 const char *const *build_depends, size_t n_bd, char out[65]);

/* Parse "deb [opts] URI SUITE COMP..." into the key file named by signed-by=
 * (owned, or NULL) and check the line's shape. */
int bpo_build_extra_source_parse(const char *line, char **keyfile, struct bpo_error *err);

/* The build's DEB_BUILD_OPTIONS: the caller's options (each kept once, the
 * first of a name wins; what is not an option is left out with a warning),
 * then nocheck and nodoc when the profiles have them (unit-tested). */
void bpo_build_options(const char *caller, const char *profiles, struct bpo_buf *out);
/* From apt's output, the unmet build dependencies ("pkg (>= 1)") one a line, or NULL. */
char *bpo_build_unmet_deps(const char *apt_output);
/* From one line of bpo_build_unmet_deps, the package name and its version
 * constraint (op "" and ver "" when there is none; the first alternative).
 * false when the line names no package. */
bool bpo_build_unmet_relation(const char *line, char *name, size_t name_size, char op[3],
			      char *ver, size_t ver_size);
/* Whether VERSION satisfies "OP WANT" (>=, <=, >>, <<, =; an empty OP always). */
bool bpo_build_relation_holds(const char *version, const char *op, const char *want);
/* The version table of `apt-cache policy NAME` output: each version with the
 * suite of its first source ("installed" for dpkg's status), owned strings.
 * Returns how many (at most max). */
struct bpo_build_policy_version {
	char *version;
	char *suite;
};
size_t bpo_build_policy_table(const char *policy_output, struct bpo_build_policy_version *v,
			      size_t max);

#endif
