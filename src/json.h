/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json: the one place that writes JSON strings (RFC 8259 escaping), for the
 * --json output of every command. A NULL string is written as null. The
 * output is always valid JSON in UTF-8: control characters and DEL are
 * escaped, and a byte that is not part of well-formed UTF-8 (a hostile file
 * name, a Latin-1 changelog) becomes U+FFFD.
 */
#ifndef BPO_JSON_H
#define BPO_JSON_H

#include <stdbool.h>
#include <stdio.h>

/* The version of every --json output's shape (doc/schema/): the first member
 * of each top-level object, or of each object of a top-level array. */
#define BPO_JSON_SCHEMA_VERSION 1
#define BPO_JSON_STR_(x) #x
#define BPO_JSON_STR(x) BPO_JSON_STR_(x)
#define BPO_JSON_SV "\"schema_version\":" BPO_JSON_STR(BPO_JSON_SCHEMA_VERSION)

#include "buf.h"
#include "err.h"

/* Append s as a JSON string ("..." with escapes), or null when s is NULL. */
int bpo_json_str(struct bpo_buf *out, const char *s, struct bpo_error *err);
/* Append ,"key": (without the comma when first) and then s as bpo_json_str
 * does: one member of an object. */
int bpo_json_member(struct bpo_buf *out, bool first, const char *key, const char *s,
		    struct bpo_error *err);
/* Append lit (JSON text, as it is) and then s as bpo_json_str does:
 * bpo_json_lit_str(b, ",\"name\":", name). */
int bpo_json_lit_str(struct bpo_buf *out, const char *lit, const char *s, struct bpo_error *err);
/* Append the n strings as a JSON array, sep (e.g. ", ") between the items. */
int bpo_json_strv(struct bpo_buf *out, char *const *v, size_t n, const char *sep,
		  struct bpo_error *err);
/* The same as bpo_json_str to a stdio stream. */
void bpo_json_fputs(FILE *f, const char *s);
/* The same as bpo_json_lit_str and bpo_json_strv to a stdio stream. */
void bpo_json_fput(FILE *f, const char *lit, const char *s);
void bpo_json_fstrv(FILE *f, char *const *v, size_t n, const char *sep);

#endif
