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

/* Parse with dpkg's validity rules (parseversion), strictly: what dpkg rejects
 * and what it only warns about (upstream not starting with a digit, invalid
 * characters) are both errors. On error (BPO_E_SYNTAX) v holds nothing and err
 * says why in dpkg's words: "invalid version '1:': nothing after colon in
 * version number". Leading/trailing blanks are ignored as by dpkg. */
int bpo_version_parse(struct bpo_version *v, const char *s, struct bpo_error *err);
/* Parse as dpkg does: returns 0 when valid, 1 when dpkg accepts it with a
 * warning (v is filled, err holds the warning text), -1 when invalid. */
int bpo_version_parse_lax(struct bpo_version *v, const char *s, struct bpo_error *err);
void bpo_version_destroy(struct bpo_version *v);
/* -1, 0 or 1 (dpkg's dpkg_version_compare(), normalised to its sign). */
int bpo_version_compare(const struct bpo_version *a, const struct bpo_version *b);
/* Compare two version strings; invalid ones are compared as dpkg would after a
 * lenient parse. Use bpo_version_parse first where validity matters. */
int bpo_version_compare_str(const char *a, const char *b);
/* dpkg --compare-versions operators: lt le eq ne ge gt (and << <= = >= >>).
 * Returns 0 and sets *result, or -1 (BPO_E_USAGE) for an unknown operator /
 * BPO_E_SYNTAX for an invalid version. */
int bpo_version_relation(const char *a, const char *op, const char *b, bool *result,
			 struct bpo_error *err);
/* True if op is an operator bpo_version_relation() accepts. */
bool bpo_version_op_valid(const char *op);
/* Format back to a string (owned). */
char *bpo_version_format(const struct bpo_version *v);

#endif
