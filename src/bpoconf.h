/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpoconf: bpo's configuration (bpo.conf(5), YAML): /etc/bpo/bpo.conf, then
 * $XDG_CONFIG_HOME/bpo/bpo.conf (or ~/.config/bpo/bpo.conf) over it, or the
 * one file given with --config. Every field has a default:
 *   mirror      the first http(s) Debian mirror in the machine's apt sources
 *               (/etc/apt/sources.list, then sources.list.d/ *.list and
 *               *.sources), read at run time; NULL when there is none
 *   cache_dir   /var/cache/bpo for root, else $XDG_CACHE_HOME/bpo
 *               (~/.cache/bpo)
 *   maintainer  $DEBFULLNAME <$DEBEMAIL> when the file does not say (then
 *               $NAME/$EMAIL as dch does; DEBEMAIL may be "Name <mail>")
 * $BPO_MIRROR and $BPO_CACHE_DIR override the files; see bpo.conf(5).
 * (Named bpoconf, not config, because config.h is autoconf's.)
 */
#ifndef BPO_BPOCONF_H
#define BPO_BPOCONF_H

#include <stdbool.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "limits.h"
#include "xmem.h"

/* The keys of bpo.conf, in output order; index into struct bpo_config.origin. */
enum bpo_config_key {
	BPO_CONF_MIRROR,
	BPO_CONF_SECURITY_MIRROR,
	BPO_CONF_CACHE_DIR,
	BPO_CONF_WORK_DIR,
	BPO_CONF_KEYRING,
	BPO_CONF_MAINTAINER,
	BPO_CONF_BUILD_TIMEOUT,
	BPO_CONF_BUILD_USER,
	BPO_CONF_SIGN_KEY,
	BPO_CONF_QA,
	BPO_CONF_ARCHIVES,
	BPO_CONF_LIMITS,
	BPO_CONF_N_KEYS
};

/* One archive's Valid-Until relaxed (a recipe's source.check-valid-until /
 * source.max-valid-time, or an entry of bpo.conf's archives): strings
 * borrowed from the recipe or the configuration. */
struct bpo_valid_until {
	const char *archive;     /* base URL, no trailing '/', or "mirror" (the
				    configured one) */
	bool check;              /* false: an expired suite is accepted */
	unsigned max_valid_time; /* seconds: valid until Date + this; 0: not set */
	const char *origin;      /* for the warning: "source.check-valid-until in FILE" */
	bool warned;             /* the warning was given (once per run) */
	/* set when the override let an expired suite through (the record of
	   the build: bpo build --json) */
	char used_suite[64];
	time_t expired;          /* the suite's Valid-Until, 0: not used */
	char warning[512];       /* the warning given */
};

/* bpo.conf's archives: at most this many entries; with the recipe's own,
 * BPO_VALID_UNTIL_MAX in all (index.h's bpo_index_recipe_valid_until). */
#define BPO_MAX_CONF_ARCHIVES 16
#define BPO_VALID_UNTIL_MAX (BPO_MAX_CONF_ARCHIVES + 1)

struct bpo_config {
	char *mirror;            /* base URL of the Debian mirror, no trailing '/';
				    NULL when neither a file, $BPO_MIRROR nor the
				    apt sources name one */
	char *security_mirror;   /* may be NULL */
	char *cache_dir;         /* absolute */
	char *work_dir;          /* default: <cache_dir>/work */
	char *keyring;           /* default archive keyring:
				    /usr/share/keyrings/debian-archive-keyring.gpg */
	char *maintainer_name;   /* may be NULL when nothing says */
	char *maintainer_email;  /* may be NULL */
	unsigned build_timeout;  /* seconds, default 14400 */
	char *build_user;        /* unprivileged user for builds when run as root,
				    default "bpo-build"; only a name here (whether
				    it must exist is up to the build code) */
	char *sign_key;          /* the uploader's key (a full fingerprint, upper
				    case) for bpo build --upload: sign-key, else
				    DEBSIGN_KEYID of the devscripts files as
				    debsign reads it; NULL when neither says */
	char *qa[5];             /* qa mapping: each check's policy, "fail", "warn"
				    or "skip", or NULL (qa.h's default), in the
				    order of BPO_CONF_QA_KEYS (qa.h's checks) */
	/* archives: each archive's Valid-Until override (strings owned in
	   archive_strings) */
	struct bpo_valid_until archives[BPO_MAX_CONF_ARCHIVES];
	size_t n_archives;
	struct bpo_strv archive_strings;
	/* the overrides in effect: archives, or (index.h's
	   bpo_index_recipe_valid_until) the recipe's and these, borrowed */
	struct bpo_valid_until *valid_until;
	size_t n_valid_until;
	bool valid_until_recipe; /* valid_until includes the recipe's */
	struct bpo_limits limits; /* limits: each 0 when not set (limits.h); a
				     later file's key wins */
	char *loaded_from;       /* files read, ", "-joined, for messages; may be NULL */
	/* Where each value came from, for `bpo config` and messages: "default",
	   "FILE:LINE:COL", "$BPO_MIRROR", "apt sources (FILE)", ... (owned). */
	char *origin[BPO_CONF_N_KEYS];
};

/* The keys of the qa mapping, in the order of struct bpo_config.qa. */
#define BPO_CONF_QA_KEYS {"install", "upgrade", "lintian", "autopkgtest", "regression"}

/* The bpo.conf key name of k ("build-timeout"). */
const char *bpo_config_key_name(enum bpo_config_key k);

void bpo_config_init(struct bpo_config *cfg);
void bpo_config_destroy(struct bpo_config *cfg);
/* Load defaults, then the files (or only explicit_path when not NULL), then
 * the environment. Missing default files are skipped; a missing explicit_path
 * or an invalid file is an error (exit 2) "file:line:column: message". */
int bpo_config_load(struct bpo_config *cfg, const char *explicit_path, struct bpo_error *err);
/* Load defaults, then system_path and user_path (each skipped when NULL or
 * missing), or only explicit_path (which must exist) when not NULL; then the
 * environment ($BPO_MIRROR, $BPO_CACHE_DIR, $DEBFULLNAME...). apt_dir is where
 * the apt sources are read (NULL: $BPO_APT_DIR, else /etc/apt).
 * bpo_config_load() is this with /etc/bpo/bpo.conf and the XDG user file. */
int bpo_config_load_paths(struct bpo_config *cfg, const char *system_path,
			  const char *user_path, const char *explicit_path, const char *apt_dir,
			  struct bpo_error *err);
/* The mirror from the machine's apt sources (owned string), or NULL: from
 * $BPO_APT_DIR, else /etc/apt. */
char *bpo_config_apt_mirror(struct bpo_error *err);
/* The Debian mirror (and, if security is not NULL, the security mirror) from
 * the apt sources under apt_dir (sources.list, then sources.list.d/ *.list
 * and *.sources in name order): the first deb entry with an http(s) URI whose
 * suites name a Debian release (bookworm, stable, ...; not -security); else
 * the first with a release-based suite (bookworm-updates); else NULL. *where
 * (if not NULL) gets the file it came from. Unreadable files are skipped. */
char *bpo_config_apt_mirror_in(const char *apt_dir, char **where, char **security,
			       struct bpo_error *err);
/* Print the effective configuration and each value's origin as YAML or one
 * line of JSON: {config: {key: value...}, origin: {key: origin...},
 * files: loaded_from (or null)}. */
int bpo_config_write(const struct bpo_config *cfg, bool json, struct bpo_buf *out,
		     struct bpo_error *err);

/* The Valid-Until override of the archive at base (cfg->valid_until,
 * "mirror" being cfg->mirror), or NULL. */
struct bpo_valid_until *bpo_config_valid_until_of(const struct bpo_config *cfg,
						  const char *base);
/* The options an apt source line for the archive at base needs so that the
 * apt of a build or qa root accepts what bpo accepted: " check-valid-until=no",
 * " valid-until-min=SECONDS" (in buf) or "". */
const char *bpo_config_apt_valid_until(const struct bpo_config *cfg, const char *base,
				       char *buf, size_t size);
/* The same for a "deb [OPTIONS] URI SUITE..." line (an extra source): ""
 * when it has no [options] or already sets the Valid-Until options. */
const char *bpo_config_apt_line_valid_until(const struct bpo_config *cfg, const char *line,
					    char *buf, size_t size);

#endif
