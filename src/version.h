/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * version: Debian version strings, [epoch:]upstream[-revision], parsed and
 * compared exactly as dpkg does (lib/dpkg/version.c: order(), verrevcmp(),
 * '~' sorting before everything, locale-free character classes).
 */
#ifndef BPO_VERSION_H
#define BPO_VERSION_H

#include <stdbool.h>

#include "err.h"

struct bpo_version {
	unsigned int epoch;
	char *upstream; /* owned */
	char *revision; /* owned, "" when there is none */
};

/* Parse with dpkg's validity rules (parseversion). On error, err says why
 * ("version '...': epoch is not a number", ...). */
int bpo_version_parse(struct bpo_version *v, const char *s, struct bpo_error *err);
void bpo_version_destroy(struct bpo_version *v);
/* <0, 0, >0 like strcmp. */
int bpo_version_compare(const struct bpo_version *a, const struct bpo_version *b);
/* Compare two version strings; invalid ones are compared as dpkg would after a
 * lenient parse. Use bpo_version_parse first where validity matters. */
int bpo_version_compare_str(const char *a, const char *b);
/* dpkg --compare-versions operators: lt le eq ne ge gt (and << <= = >= >>).
 * Returns 0 and sets *result, or -1 (BPO_E_USAGE) for an unknown operator /
 * BPO_E_SYNTAX for an invalid version. */
int bpo_version_relation(const char *a, const char *op, const char *b, bool *result,
			 struct bpo_error *err);
/* Format back to a string (owned). */
char *bpo_version_format(const struct bpo_version *v);

#endif
