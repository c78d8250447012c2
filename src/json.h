/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json: the one place that writes JSON strings (RFC 8259 escaping), for the
 * --json output of every command. A NULL string is written as null.
 */
#ifndef BPO_JSON_H
#define BPO_JSON_H

#include <stdio.h>

#include "buf.h"
#include "err.h"

/* Append s as a JSON string ("..." with escapes), or null when s is NULL. */
int bpo_json_str(struct bpo_buf *out, const char *s, struct bpo_error *err);
/* The same to a stdio stream. */
void bpo_json_fputs(FILE *f, const char *s);

#endif
