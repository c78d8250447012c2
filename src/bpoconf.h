/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpoconf: bpo's configuration (bpo.conf(5), YAML): /etc/bpo/bpo.conf, then
 * $XDG_CONFIG_HOME/bpo/bpo.conf (or ~/.config/bpo/bpo.conf) over it, or the
 * one file given with --config. Every field has a default:
 *   mirror      the first http(s) Debian mirror in the machine's apt sources
 *               (/etc/apt/sources.list.d/ *.sources, /etc/apt/sources.list),
 *               read at run time; $BPO_MIRROR overrides
 *   cache_dir   $BPO_CACHE_DIR, else $XDG_CACHE_HOME/bpo (~/.cache/bpo), or
 *               /var/cache/bpo for root
 *   maintainer  $DEBFULLNAME <$DEBEMAIL> when the file does not say
 * (Named bpoconf, not config, because config.h is autoconf's.)
 */
#ifndef BPO_BPOCONF_H
#define BPO_BPOCONF_H

#include "err.h"

struct bpo_config {
	char *mirror;            /* base URL of the Debian mirror, no trailing '/' */
	char *security_mirror;   /* may be NULL */
	char *cache_dir;         /* absolute */
	char *work_dir;          /* default: <cache_dir>/work */
	char *keyring;           /* default archive keyring:
				    /usr/share/keyrings/debian-archive-keyring.gpg */
	char *maintainer_name;   /* may be NULL when nothing says */
	char *maintainer_email;  /* may be NULL */
	unsigned build_timeout;  /* seconds, default 14400 */
	char *build_user;        /* unprivileged user for builds when run as root,
				    default "bpo-build" (created if missing? no: see bpo.conf(5)) */
	char *loaded_from;       /* files read, ", "-joined, for messages; may be NULL */
};

void bpo_config_init(struct bpo_config *cfg);
void bpo_config_destroy(struct bpo_config *cfg);
/* Load defaults, then the files (or only explicit_path when not NULL). */
int bpo_config_load(struct bpo_config *cfg, const char *explicit_path, struct bpo_error *err);
/* The mirror from the machine's apt sources (owned string), or NULL. */
char *bpo_config_apt_mirror(struct bpo_error *err);

#endif
