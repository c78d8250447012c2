/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * depends: Debian relationship fields (Depends, Build-Depends, Provides, ...)
 * parsed as deb-src-control(5) and deb-control(5) describe them:
 *   rel    := group ("," group)*
 *   group  := alt ("|" alt)*
 *   alt    := name[:archqual] ["(" op version ")"] ["[" archs "]"] ("<" profiles ">")*
 * Ownership: struct bpo_deps owns everything; free with bpo_deps_destroy().
 */
#ifndef BPO_DEPENDS_H
#define BPO_DEPENDS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

struct bpo_dep_alt {
	char *name;
	char *archqual;  /* "any", "native", an arch, or NULL */
	char *op;        /* "<<", "<=", "=", ">=", ">>" or NULL */
	char *version;   /* NULL when op is NULL */
	char *archs;     /* the text inside [...], or NULL */
	char *profiles;  /* the text of every <...> list, space-joined with '<' '>' kept, or NULL */
};

struct bpo_dep_group {
	struct bpo_dep_alt *alts;
	size_t n, cap;
};

struct bpo_deps {
	struct bpo_dep_group *groups;
	size_t n, cap;
};

/* Parse a relationship field. name/field are used in messages. */
int bpo_deps_parse(struct bpo_deps *out, const char *text, const char *what,
		   struct bpo_error *err);
void bpo_deps_destroy(struct bpo_deps *d);
/* Canonical text: "a (>= 1) | b, c [amd64]". */
int bpo_deps_format(const struct bpo_deps *d, struct bpo_buf *out, struct bpo_error *err);
/* Does any alternative of any group name pkg? */
bool bpo_deps_mentions(const struct bpo_deps *d, const char *pkg);

#endif
