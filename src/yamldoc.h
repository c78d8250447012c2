/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * yamldoc: the small YAML layer under recipe and bpoconf. Reading: a whole
 * document loaded with libyaml's document API, then schema checks with
 * "file:line:column: message" errors (BPO_E_SYNTAX, 1-based libyaml marks):
 * unknown keys (naming the allowed ones), duplicate keys, wrong types.
 * Scalars are never type-resolved: every scalar is a string, and a number or
 * boolean field parses its scalar itself. A plain empty, "~" or "null" scalar
 * is null (an unset optional field); a quoted "null" is the string.
 * Writing: one emitter API that produces either YAML (through libyaml's
 * emitter, so quoting is always right) or compact JSON.
 *
 * Ownership: struct bpo_yaml owns the document; node pointers borrowed from it
 * are valid until bpo_yaml_destroy(). Strings returned through char **out are
 * owned by the caller.
 */
#ifndef BPO_YAMLDOC_H
#define BPO_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "buf.h"
#include "err.h"

/* Limits checked before a document is built (recipes and configs are small). */
#define BPO_YAML_MAX_DEPTH 32
#define BPO_YAML_MAX_NODES 100000

struct bpo_yaml {
	yaml_document_t doc;
	bool loaded;
	const char *name; /* borrowed, used in messages */
};

/* Parse exactly one YAML document from data (at most BPO_MAX_RECIPE bytes,
 * BPO_YAML_MAX_DEPTH levels of nesting, BPO_YAML_MAX_NODES nodes).
 * An empty stream leaves no root (bpo_yaml_root() returns NULL). */
int bpo_yaml_load(struct bpo_yaml *y, const char *data, size_t len, const char *name,
		  struct bpo_error *err);
void bpo_yaml_destroy(struct bpo_yaml *y);
yaml_node_t *bpo_yaml_root(struct bpo_yaml *y);
/* Fill err with "name:line:col: message" at node (or 1:1 when NULL); returns -1. */
int bpo_yaml_error(const struct bpo_yaml *y, const yaml_node_t *node, struct bpo_error *err,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Put the lines of err (several mistakes, bpo_error_add) in the order of
 * their "NAME:LINE:COL: " positions in y's document, as compilers report;
 * lines without one go last. */
void bpo_yaml_sort_errors(const struct bpo_yaml *y, struct bpo_error *err);
/* "a string", "a list", "a mapping" (for "expected X, found Y"). */
const char *bpo_yaml_node_kind(const yaml_node_t *node);
bool bpo_yaml_is_null(const yaml_node_t *node);
/* Require a mapping (what names it in the message, e.g. "'source'"). */
int bpo_yaml_expect_mapping(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
			    struct bpo_error *err);
/* Check a mapping's keys: each a scalar, none twice, each in allowed
 * (NULL-terminated). where names the mapping in the message ("source"). */
int bpo_yaml_check_keys(struct bpo_yaml *y, const yaml_node_t *map, const char *const *allowed,
			const char *where, struct bpo_error *err);
/* The value for key in map (NULL when absent); *keynode gets the key (may be NULL). */
yaml_node_t *bpo_yaml_get(struct bpo_yaml *y, const yaml_node_t *map, const char *key);
/* A string field: *out = copy (or NULL for null). what names it ("source.suite"). */
int bpo_yaml_string(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
		    char **out, struct bpo_error *err);
/* An unsigned number in [0, max]; null leaves *out alone. */
int bpo_yaml_uint(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
		  unsigned long max, unsigned *out, struct bpo_error *err);
/* A duration: seconds as a number, or "<n>s", "<n>m", "<n>h", "<n>d"; at most max seconds. */
int bpo_yaml_duration(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
		      unsigned long max, unsigned *out, struct bpo_error *err);
/* Parse a duration string as bpo_yaml_duration does; -1 when malformed. */
int bpo_duration_parse(const char *s, unsigned long max, unsigned *out);
/* true/false (also yes/no); null leaves *out alone. */
int bpo_yaml_bool(const struct bpo_yaml *y, const yaml_node_t *node, const char *what, bool *out,
		  struct bpo_error *err);
/* A list of at most max strings (NULL-terminated, owned); a single scalar is
 * not a list. Null gives an empty list. *out must be NULL on entry. */
int bpo_yaml_strlist(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
		     size_t max, char ***out, struct bpo_error *err);
/* A scalar node's text (NUL-terminated by libyaml), or NULL if not a scalar. */
const char *bpo_yaml_scalar(const yaml_node_t *node);
/* s as a double-quoted YAML scalar ('"' and '\\' escaped), appended to b: for
 * the few hand-written YAML lines (generated recipes) that carry comments. */
void bpo_yaml_quoted(struct bpo_buf *b, const char *s);

/* ---- writing ---- */
enum bpo_ywriter_format { BPO_YW_YAML, BPO_YW_JSON };
#define BPO_YW_MAX_DEPTH 16

struct bpo_ywriter {
	enum bpo_ywriter_format format;
	struct bpo_buf *out; /* borrowed */
	yaml_emitter_t emitter;
	bool emitter_ready;
	int depth;
	bool first[BPO_YW_MAX_DEPTH]; /* JSON: no comma before the next item */
	bool after_key;               /* JSON: a value follows a key */
	int failed;                   /* sticky: an emit failed */
	struct bpo_error *err;        /* borrowed, filled on failure */
};

/* Start a document (YAML: stream + document start, "---" when explicit). */
void bpo_ywriter_init(struct bpo_ywriter *w, enum bpo_ywriter_format format, struct bpo_buf *out,
		      bool explicit_start, struct bpo_error *err);
/* End the document; returns 0 or -1 if any step failed (err filled). */
int bpo_ywriter_finish(struct bpo_ywriter *w);
void bpo_ywriter_map_begin(struct bpo_ywriter *w);
void bpo_ywriter_map_end(struct bpo_ywriter *w);
void bpo_ywriter_seq_begin(struct bpo_ywriter *w, bool flow);
void bpo_ywriter_seq_end(struct bpo_ywriter *w);
void bpo_ywriter_key(struct bpo_ywriter *w, const char *key);
/* A string value, or null when s is NULL. */
void bpo_ywriter_str(struct bpo_ywriter *w, const char *s);
void bpo_ywriter_uint(struct bpo_ywriter *w, unsigned long v);
void bpo_ywriter_bool(struct bpo_ywriter *w, bool v);
/* Convenience: key + string / list of strings (NULL-terminated, NULL = empty). */
void bpo_ywriter_kv(struct bpo_ywriter *w, const char *key, const char *s);
void bpo_ywriter_kstrv(struct bpo_ywriter *w, const char *key, char *const *v);

#endif
