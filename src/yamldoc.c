/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "yamldoc.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "xmem.h"

/* Messages name at most this many bytes of a hostile key or value. */
#define SHOW_MAX 60

static unsigned long mark_line(const yaml_mark_t *m)
{
	return (unsigned long)m->line + 1;
}

static unsigned long mark_col(const yaml_mark_t *m)
{
	return (unsigned long)m->column + 1;
}

/* The line and column of a byte offset (reader errors carry only an offset). */
static void offset_position(const char *data, size_t len, size_t off, unsigned long *line,
			    unsigned long *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

static int parser_error(const yaml_parser_t *p, const char *data, size_t len, const char *name,
			struct bpo_error *err)
{
	unsigned long line, col;
	const char *problem = p->problem ? p->problem : "unknown problem";

	if (p->error == YAML_MEMORY_ERROR)
		return bpo_error_set(err, BPO_E_FAIL, "%s: out of memory parsing YAML", name);
	if (p->error == YAML_READER_ERROR) {
		offset_position(data, len, p->problem_offset, &line, &col);
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%lu:%lu: YAML syntax error: %s", name,
				     line, col, problem);
	}
	line = mark_line(&p->problem_mark);
	col = mark_col(&p->problem_mark);
	if (p->context)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s:%lu:%lu: YAML syntax error: %s (%s at line %lu column %lu)",
				     name, line, col, problem, p->context,
				     mark_line(&p->context_mark), mark_col(&p->context_mark));
	return bpo_error_set(err, BPO_E_SYNTAX, "%s:%lu:%lu: YAML syntax error: %s", name, line,
			     col, problem);
}

/* First pass over the events: refuse nesting deeper than BPO_YAML_MAX_DEPTH
 * and more than BPO_YAML_MAX_NODES nodes before building the document, so
 * hostile input cannot make the loader (and libyaml's scanner, whose cost
 * grows with the flow depth) work long. Syntax errors are left to the
 * loader, which reports them the same way. */
struct alias_uses {
	yaml_mark_t *start, *end; /* each alias event's marks, in stream order */
	size_t n, cap;
};

static int prescan(const char *data, size_t len, const char *name, struct alias_uses *au,
		   struct bpo_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	unsigned long depth = 0, nodes = 0;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		return bpo_error_set(err, BPO_E_FAIL, "%s: cannot initialise the YAML parser", name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	for (;;) {
		yaml_event_type_t type;
		if (!yaml_parser_parse(&parser, &ev))
			break; /* the loader reports it */
		type = ev.type;
		if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
			if (++depth > BPO_YAML_MAX_DEPTH) {
				rc = bpo_error_set(err, BPO_E_SYNTAX,
						   "%s:%lu:%lu: nested deeper than %d levels", name,
						   mark_line(&ev.start_mark), mark_col(&ev.start_mark),
						   BPO_YAML_MAX_DEPTH);
			}
		} else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		if (type == YAML_ALIAS_EVENT) {
			if (au->n == au->cap) {
				au->cap = au->cap ? 2 * au->cap : 8;
				au->start = bpo_xreallocarray(au->start, au->cap, sizeof(*au->start));
				au->end = bpo_xreallocarray(au->end, au->cap, sizeof(*au->end));
			}
			au->start[au->n] = ev.start_mark;
			au->end[au->n++] = ev.end_mark;
		}
		if ((type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT ||
		     type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT) &&
		    ++nodes > BPO_YAML_MAX_NODES && rc == 0)
			rc = bpo_error_set(err, BPO_E_SYNTAX, "%s:%lu:%lu: more than %d YAML nodes",
					   name, mark_line(&ev.start_mark), mark_col(&ev.start_mark),
					   BPO_YAML_MAX_NODES);
		yaml_event_delete(&ev);
		if (rc < 0 || type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&parser);
	return rc;
}

/*
 * Aliases, made copies at their use: libyaml's loader makes an alias the very
 * node of its anchor, so a mistake reached through `key: *a` would be reported
 * at the anchor, where the value is right for its own key. Each alias is
 * replaced by a deep copy whose nodes carry the alias's marks. In document
 * order, the first reference to a node is its anchor (YAML puts the anchor
 * first) and every later one an alias, in the order of the alias events.
 * The copies count against BPO_YAML_MAX_NODES (a "billion laughs" stops
 * there) and an alias inside its own anchor is refused.
 */
struct expand {
	yaml_document_t *doc;
	const char *name;
	const struct alias_uses *au;
	size_t next;      /* the next alias use */
	bool *seen;       /* by node id - 1 */
	size_t n_seen;
	struct bpo_error *err;
};

static yaml_node_t *node_at(yaml_document_t *doc, int id)
{
	return yaml_document_get_node(doc, id);
}

static size_t n_nodes(const yaml_document_t *doc)
{
	return (size_t)(doc->nodes.top - doc->nodes.start);
}

/* A copy of node id with the marks of the use; 0 on an error. */
static int copy_node(struct expand *x, int id, const yaml_mark_t *start, const yaml_mark_t *end,
		     unsigned depth)
{
	yaml_node_t *n = node_at(x->doc, id);
	int c = 0;

	if (depth > BPO_YAML_MAX_DEPTH) {
		bpo_error_set(x->err, BPO_E_SYNTAX,
			      "%s:%lu:%lu: the alias is part of its own anchor, or nests deeper "
			      "than %d levels", x->name, mark_line(start), mark_col(start),
			      BPO_YAML_MAX_DEPTH);
		return 0;
	}
	if (n_nodes(x->doc) >= BPO_YAML_MAX_NODES) {
		bpo_error_set(x->err, BPO_E_SYNTAX, "%s:%lu:%lu: aliases expand to more than %d "
			      "YAML nodes", x->name, mark_line(start), mark_col(start),
			      BPO_YAML_MAX_NODES);
		return 0;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		c = yaml_document_add_scalar(x->doc, n->tag, n->data.scalar.value,
					     (int)n->data.scalar.length, n->data.scalar.style);
		break;
	case YAML_SEQUENCE_NODE: {
		size_t items = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		c = yaml_document_add_sequence(x->doc, n->tag, n->data.sequence.style);
		for (size_t i = 0; c && i < items; i++) {
			int item = node_at(x->doc, id)->data.sequence.items.start[i];
			int ci = copy_node(x, item, start, end, depth + 1);
			if (!ci || !yaml_document_append_sequence_item(x->doc, c, ci))
				return 0;
		}
		break;
	}
	case YAML_MAPPING_NODE: {
		size_t pairs = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
		c = yaml_document_add_mapping(x->doc, n->tag, n->data.mapping.style);
		for (size_t i = 0; c && i < pairs; i++) {
			yaml_node_pair_t pr = node_at(x->doc, id)->data.mapping.pairs.start[i];
			int ck = copy_node(x, pr.key, start, end, depth + 1);
			int cv = ck ? copy_node(x, pr.value, start, end, depth + 1) : 0;
			if (!cv || !yaml_document_append_mapping_pair(x->doc, c, ck, cv))
				return 0;
		}
		break;
	}
	default:
		break;
	}
	if (!c) {
		if (x->err && !x->err->msg[0])
			bpo_error_set(x->err, BPO_E_FAIL, "%s: out of memory copying an alias", x->name);
		return 0;
	}
	node_at(x->doc, c)->start_mark = *start;
	node_at(x->doc, c)->end_mark = *end;
	return c;
}

/* The reference *ref (a child of some node): an alias when its node was seen. */
static int expand_ref(struct expand *x, int *ref);

static int expand_node(struct expand *x, int id)
{
	yaml_node_t *n = node_at(x->doc, id);
	if (n->type == YAML_SEQUENCE_NODE) {
		size_t items = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		for (size_t i = 0; i < items; i++)
			if (expand_ref(x, &node_at(x->doc, id)->data.sequence.items.start[i]) < 0)
				return -1;
	} else if (n->type == YAML_MAPPING_NODE) {
		size_t pairs = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
		for (size_t i = 0; i < pairs; i++) {
			if (expand_ref(x, &node_at(x->doc, id)->data.mapping.pairs.start[i].key) < 0 ||
			    expand_ref(x, &node_at(x->doc, id)->data.mapping.pairs.start[i].value) < 0)
				return -1;
		}
	}
	return 0;
}

static int expand_ref(struct expand *x, int *ref)
{
	int id = *ref, c;
	/* ref points into the nodes' item/pair arrays, which adding nodes
	   does not move (only the nodes array itself is reallocated) */
	if ((size_t)id > x->n_seen)
		return 0; /* a copy made here: already expanded */
	if (!x->seen[id - 1]) {
		x->seen[id - 1] = true;
		return expand_node(x, id);
	}
	if (x->next >= x->au->n)
		return 0; /* not an alias after all (cannot happen with libyaml's loader) */
	c = copy_node(x, id, &x->au->start[x->next], &x->au->end[x->next], 0);
	x->next++;
	if (!c)
		return -1;
	*ref = c;
	return 0;
}

static int expand_aliases(yaml_document_t *doc, const char *name, const struct alias_uses *au,
			  struct bpo_error *err)
{
	struct expand x = {.doc = doc, .name = name, .au = au, .err = err};
	int rc;

	if (!au->n || !yaml_document_get_root_node(doc))
		return 0;
	x.n_seen = n_nodes(doc);
	x.seen = bpo_xcalloc(x.n_seen, sizeof(*x.seen));
	x.seen[0] = true; /* the root */
	rc = expand_node(&x, 1);
	free(x.seen);
	return rc;
}

/* Load one YAML document; a second document is an error. */
int bpo_yaml_load(struct bpo_yaml *y, const char *data, size_t len, const char *name,
		  struct bpo_error *err)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	struct alias_uses au = {NULL, NULL, 0, 0};
	int rc = -1;

	y->loaded = false;
	y->name = name;
	if (len > BPO_MAX_RECIPE)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: %zu bytes is larger than the limit of %u",
				     name, len, BPO_MAX_RECIPE);
	if (prescan(data, len, name, &au, err) < 0) {
		free(au.start);
		free(au.end);
		return -1;
	}
	if (!yaml_parser_initialize(&parser))
		return bpo_error_set(err, BPO_E_FAIL, "%s: cannot initialise the YAML parser", name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &y->doc)) {
		parser_error(&parser, data, len, name, err);
		goto out;
	}
	y->loaded = true;
	if (!yaml_document_get_root_node(&y->doc)) {
		rc = 0; /* empty stream */
		goto out;
	}
	if (!yaml_parser_load(&parser, &extra)) {
		parser_error(&parser, data, len, name, err);
		goto out;
	}
	if (yaml_document_get_root_node(&extra)) {
		yaml_mark_t m = extra.start_mark;
		yaml_document_delete(&extra);
		bpo_error_set(err, BPO_E_SYNTAX,
			      "%s:%lu:%lu: a second YAML document; expected exactly one", name,
			      mark_line(&m), mark_col(&m));
		goto out;
	}
	yaml_document_delete(&extra);
	if (expand_aliases(&y->doc, name, &au, err) < 0)
		goto out;
	rc = 0;
out:
	free(au.start);
	free(au.end);
	yaml_parser_delete(&parser);
	if (rc < 0 && y->loaded) {
		yaml_document_delete(&y->doc);
		y->loaded = false;
	}
	return rc;
}

/* Free the document (safe on a failed or destroyed one). */
void bpo_yaml_destroy(struct bpo_yaml *y)
{
	if (y && y->loaded) {
		yaml_document_delete(&y->doc);
		y->loaded = false;
	}
}

/* The root node, or NULL for an empty document. */
yaml_node_t *bpo_yaml_root(struct bpo_yaml *y)
{
	return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

/* "name:line:col: message" at node. */
int bpo_yaml_error(const struct bpo_yaml *y, const yaml_node_t *node, struct bpo_error *err,
		   const char *fmt, ...)
{
	char msg[BPO_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!node)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:1:1: %s", y->name, msg);
	return bpo_error_set(err, BPO_E_SYNTAX, "%s:%lu:%lu: %s", y->name,
			     mark_line(&node->start_mark), mark_col(&node->start_mark), msg);
}

struct err_line {
	unsigned long line, col;
	size_t idx;
	const char *text;
	size_t len;
};

static int err_line_cmp(const void *a, const void *b)
{
	const struct err_line *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void bpo_yaml_sort_errors(const struct bpo_yaml *y, struct bpo_error *err)
{
	struct err_line lines[64];
	char sorted[BPO_ERROR_MSG_MAX];
	size_t n = 0, nlen = strlen(y->name), used = 0;
	const char *s;

	if (!err || !strchr(err->msg, '\n'))
		return;
	for (s = err->msg; *s && n < sizeof(lines) / sizeof(lines[0]);) {
		size_t len = strcspn(s, "\n");
		struct err_line *l = &lines[n];
		char *end;
		l->text = s;
		l->len = len;
		l->idx = n;
		l->line = l->col = ULONG_MAX;
		if (strncmp(s, y->name, nlen) == 0 && s[nlen] == ':') {
			unsigned long a = strtoul(s + nlen + 1, &end, 10);
			if (*end == ':') {
				unsigned long b = strtoul(end + 1, &end, 10);
				if (*end == ':') {
					l->line = a;
					l->col = b;
				}
			}
		}
		n++;
		s += len;
		if (*s == '\n')
			s++;
	}
	if (*s)
		return; /* too many lines to sort: leave them */
	qsort(lines, n, sizeof(lines[0]), err_line_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sorted[used++] = '\n';
		memcpy(sorted + used, lines[i].text, lines[i].len);
		used += lines[i].len;
	}
	sorted[used] = '\0';
	memcpy(err->msg, sorted, used + 1);
}

/* A node's kind for messages. */
const char *bpo_yaml_node_kind(const yaml_node_t *node)
{
	if (!node)
		return "nothing";
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return bpo_yaml_is_null(node) ? "null" : "a string";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/* A plain empty, "~" or "null" scalar. */
bool bpo_yaml_is_null(const yaml_node_t *node)
{
	const char *v;
	if (!node || node->type != YAML_SCALAR_NODE)
		return false;
	if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)node->data.scalar.value;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* The scalar's text or NULL. */
void bpo_yaml_quoted(struct bpo_buf *b, const char *s)
{
	bpo_buf_puts(b, "\"", NULL);
	for (const char *c = s; *c; c++)
		bpo_buf_printf(b, NULL, "%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
	bpo_buf_puts(b, "\"", NULL);
}

const char *bpo_yaml_scalar(const yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

/* Require a mapping. */
int bpo_yaml_expect_mapping(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
			    struct bpo_error *err)
{
	if (node && node->type == YAML_MAPPING_NODE)
		return 0;
	return bpo_yaml_error(y, node, err, "%s: expected a mapping, found %s", what,
			      bpo_yaml_node_kind(node));
}

/* Copy at most SHOW_MAX bytes of s for a message, printable ASCII only. */
static void show(char *dst, size_t size, const char *s, size_t len)
{
	size_t j = 0;
	for (size_t i = 0; i < len && j + 4 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= SHOW_MAX) {
			dst[j++] = '.';
			dst[j++] = '.';
			dst[j++] = '.';
			break;
		}
		dst[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[j] = '\0';
}

static void join_allowed(char *dst, size_t size, const char *const *allowed)
{
	size_t used = 0;
	dst[0] = '\0';
	for (size_t i = 0; allowed[i]; i++) {
		int n = snprintf(dst + used, size - used, "%s%s", i ? ", " : "", allowed[i]);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/* Every key a known scalar, none twice. */
int bpo_yaml_check_keys(struct bpo_yaml *y, const yaml_node_t *map, const char *const *allowed,
			const char *where, struct bpo_error *err)
{
	yaml_node_pair_t *p, *q;
	struct bpo_error one, all;
	int bad = 0;

	bpo_error_init(&all);
	/* every unknown or repeated key, one line each */
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&y->doc, p->key);
		const char *ks = bpo_yaml_scalar(k);
		char shown[SHOW_MAX + 8], list[512];
		bool known = false;

		bpo_error_init(&one);
		if (!ks) {
			bpo_yaml_error(y, k, &one, "%s: expected a string key, found %s", where,
				       bpo_yaml_node_kind(k));
			bpo_error_add(&all, &one);
			bad++;
			continue;
		}
		show(shown, sizeof(shown), ks, k->data.scalar.length);
		for (size_t i = 0; allowed[i] && !known; i++)
			known = strlen(allowed[i]) == k->data.scalar.length &&
				strcmp(allowed[i], ks) == 0;
		if (!known) {
			join_allowed(list, sizeof(list), allowed);
			bpo_yaml_error(y, k, &one, "unknown key '%s' in %s; allowed: %s", shown, where,
				       list);
			bpo_error_add(&all, &one);
			bad++;
			continue;
		}
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = yaml_document_get_node(&y->doc, q->key);
			const char *k2s = bpo_yaml_scalar(k2);
			if (k2s && strcmp(k2s, ks) == 0) {
				bpo_yaml_error(y, k, &one, "duplicate key '%s' in %s (first at %lu:%lu)",
					       shown, where, mark_line(&k2->start_mark),
					       mark_col(&k2->start_mark));
				bpo_error_add(&all, &one);
				bad++;
				break;
			}
		}
	}
	if (!bad)
		return 0;
	if (err)
		*err = all;
	return -1;
}

/* Value of key (keys were checked to be scalars and unique). */
yaml_node_t *bpo_yaml_get(struct bpo_yaml *y, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *ks = bpo_yaml_scalar(yaml_document_get_node(&y->doc, p->key));
		if (ks && strcmp(ks, key) == 0)
			return yaml_document_get_node(&y->doc, p->value);
	}
	return NULL;
}

/* A string scalar (no NUL bytes); null gives NULL. */
int bpo_yaml_string(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
		    char **out, struct bpo_error *err)
{
	const char *s = bpo_yaml_scalar(node);
	if (!node)
		return 0;
	if (!s)
		return bpo_yaml_error(y, node, err, "%s: expected a string, found %s", what,
				      bpo_yaml_node_kind(node));
	if (bpo_yaml_is_null(node)) {
		free(*out);
		*out = NULL;
		return 0;
	}
	if (memchr(s, '\0', node->data.scalar.length))
		return bpo_yaml_error(y, node, err, "%s: the string contains a NUL byte", what);
	free(*out);
	*out = bpo_xstrdup(s);
	return 0;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned long d = (unsigned long)(*s - '0');
		if (*s < '0' || *s > '9' || v > (ULONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* An unsigned number in [0, max]. */
int bpo_yaml_uint(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
		  unsigned long max, unsigned *out, struct bpo_error *err)
{
	const char *s = bpo_yaml_scalar(node);
	unsigned long v;
	if (!node || bpo_yaml_is_null(node))
		return 0;
	if (!s)
		return bpo_yaml_error(y, node, err, "%s: expected a number, found %s", what,
				      bpo_yaml_node_kind(node));
	if (max > 0xffffffffUL)
		max = 0xffffffffUL;
	if (parse_ulong(s, max, &v) < 0) {
		char shown[SHOW_MAX + 8];
		show(shown, sizeof(shown), s, node->data.scalar.length);
		return bpo_yaml_error(y, node, err,
				      "%s: expected a number from 0 to %lu, found '%s'", what, max,
				      shown);
	}
	*out = (unsigned)v;
	return 0;
}

/* "90", "90s", "30m", "2h", "1d" to seconds. */
int bpo_duration_parse(const char *s, unsigned long max, unsigned *out)
{
	size_t n = strlen(s);
	unsigned long mult = 1, v;
	char digits[32];

	if (n == 0 || n >= sizeof(digits))
		return -1;
	switch (s[n - 1]) {
	case 's':
		n--;
		break;
	case 'm':
		mult = 60;
		n--;
		break;
	case 'h':
		mult = 3600;
		n--;
		break;
	case 'd':
		mult = 86400;
		n--;
		break;
	default:
		break;
	}
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (max > 0xffffffffUL)
		max = 0xffffffffUL;
	if (parse_ulong(digits, max, &v) < 0 || v > max / mult)
		return -1;
	*out = (unsigned)(v * mult);
	return 0;
}

/* A duration field. */
int bpo_yaml_duration(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
		      unsigned long max, unsigned *out, struct bpo_error *err)
{
	const char *s = bpo_yaml_scalar(node);
	if (!node || bpo_yaml_is_null(node))
		return 0;
	if (!s)
		return bpo_yaml_error(y, node, err,
				      "%s: expected a number of seconds or a duration like 2h, found %s",
				      what, bpo_yaml_node_kind(node));
	if (bpo_duration_parse(s, max, out) < 0) {
		char shown[SHOW_MAX + 8];
		show(shown, sizeof(shown), s, node->data.scalar.length);
		return bpo_yaml_error(y, node, err,
				      "%s: expected seconds or a duration like 90s, 30m, 2h, 1d "
				      "(at most %lu seconds), found '%s'",
				      what, max, shown);
	}
	return 0;
}

/* A boolean field. */
int bpo_yaml_bool(const struct bpo_yaml *y, const yaml_node_t *node, const char *what, bool *out,
		  struct bpo_error *err)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", NULL};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", NULL};
	const char *s = bpo_yaml_scalar(node);
	if (!node || bpo_yaml_is_null(node))
		return 0;
	if (s) {
		for (size_t i = 0; yes[i]; i++)
			if (strcmp(s, yes[i]) == 0) {
				*out = true;
				return 0;
			}
		for (size_t i = 0; no[i]; i++)
			if (strcmp(s, no[i]) == 0) {
				*out = false;
				return 0;
			}
	}
	return bpo_yaml_error(y, node, err, "%s: expected true or false, found %s", what,
			      bpo_yaml_node_kind(node));
}

/* A list of strings. */
int bpo_yaml_strlist(const struct bpo_yaml *y, const yaml_node_t *node, const char *what,
		     size_t max, char ***out, struct bpo_error *err)
{
	struct bpo_strv sv = {0};
	yaml_node_item_t *it;
	int rc = -1;

	if (node && !bpo_yaml_is_null(node) && node->type != YAML_SEQUENCE_NODE)
		return bpo_yaml_error(y, node, err, "%s: expected a list of strings, found %s",
				      what, bpo_yaml_node_kind(node));
	BPO_GROW(sv.v, sv.cap, 1); /* an empty list is still NULL-terminated */
	sv.v[0] = NULL;
	if (!node || bpo_yaml_is_null(node)) {
		*out = sv.v;
		return 0;
	}
	if ((size_t)(node->data.sequence.items.top - node->data.sequence.items.start) > max) {
		bpo_yaml_error(y, node, err, "%s: more than %zu items", what, max);
		goto out;
	}
	for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node((yaml_document_t *)&y->doc, *it);
		char *s = NULL;
		if (!bpo_yaml_scalar(item) || bpo_yaml_is_null(item)) {
			bpo_yaml_error(y, item, err, "%s: expected a string in the list, found %s",
				       what, bpo_yaml_node_kind(item));
			goto out;
		}
		if (bpo_yaml_string(y, item, what, &s, err) < 0)
			goto out;
		bpo_strv_push_owned(&sv, s);
	}
	*out = sv.v;
	sv.v = NULL;
	sv.n = sv.cap = 0;
	rc = 0;
out:
	bpo_strv_destroy(&sv);
	return rc;
}

/* ---- writing ---- */

static int emit_to_buf(void *data, unsigned char *buffer, size_t size)
{
	struct bpo_ywriter *w = data;
	if (bpo_buf_append(w->out, buffer, size, w->err) < 0) {
		w->failed = 1;
		return 0;
	}
	return 1;
}

static void emit(struct bpo_ywriter *w, yaml_event_t *ev)
{
	if (w->failed) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&w->emitter, ev)) {
		if (!w->failed)
			bpo_error_set(w->err, BPO_E_FAIL, "YAML output failed: %s",
				      w->emitter.problem ? w->emitter.problem : "unknown problem");
		w->failed = 1;
	}
}

static void jputs(struct bpo_ywriter *w, const char *s)
{
	if (!w->failed && bpo_buf_puts(w->out, s, w->err) < 0)
		w->failed = 1;
}

/* Comma handling before a JSON value or key. */
static void jprefix(struct bpo_ywriter *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth])
			jputs(w, ",");
		w->first[w->depth] = false;
	}
}

static void jstring(struct bpo_ywriter *w, const char *s)
{
	char esc[8];
	jputs(w, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p && !w->failed; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			esc[2] = '\0';
			jputs(w, esc);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			jputs(w, esc);
		} else {
			if (bpo_buf_append(w->out, p, 1, w->err) < 0)
				w->failed = 1;
		}
	}
	jputs(w, "\"");
}

/* Start a document. */
void bpo_ywriter_init(struct bpo_ywriter *w, enum bpo_ywriter_format format, struct bpo_buf *out,
		      bool explicit_start, struct bpo_error *err)
{
	yaml_event_t ev;

	memset(w, 0, sizeof(*w));
	w->format = format;
	w->out = out;
	w->err = err;
	if (format == BPO_YW_JSON)
		return;
	if (!yaml_emitter_initialize(&w->emitter)) {
		bpo_error_set(err, BPO_E_FAIL, "cannot initialise the YAML emitter");
		w->failed = 1;
		return;
	}
	w->emitter_ready = true;
	yaml_emitter_set_output(&w->emitter, emit_to_buf, w);
	yaml_emitter_set_unicode(&w->emitter, 1);
	yaml_emitter_set_width(&w->emitter, -1);
	yaml_emitter_set_indent(&w->emitter, 2);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(w, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, explicit_start ? 0 : 1);
	emit(w, &ev);
}

/* End the document and report. */
int bpo_ywriter_finish(struct bpo_ywriter *w)
{
	yaml_event_t ev;

	if (w->format == BPO_YW_JSON) {
		if (w->depth != 0 && !w->failed) {
			bpo_error_set(w->err, BPO_E_FAIL, "JSON output: unbalanced nesting");
			w->failed = 1;
		}
		jputs(w, "\n");
		return w->failed ? -1 : 0;
	}
	if (w->emitter_ready) {
		yaml_document_end_event_initialize(&ev, 1);
		emit(w, &ev);
		yaml_stream_end_event_initialize(&ev);
		emit(w, &ev);
		if (!w->failed && !yaml_emitter_flush(&w->emitter))
			w->failed = 1;
		yaml_emitter_delete(&w->emitter);
		w->emitter_ready = false;
	}
	return w->failed ? -1 : 0;
}

static void push(struct bpo_ywriter *w, const char *open)
{
	jprefix(w);
	if (w->depth + 1 >= BPO_YW_MAX_DEPTH) {
		if (!w->failed)
			bpo_error_set(w->err, BPO_E_FAIL, "JSON output nested too deeply");
		w->failed = 1;
		return;
	}
	jputs(w, open);
	w->depth++;
	w->first[w->depth] = true;
}

static void pop(struct bpo_ywriter *w, const char *close)
{
	if (w->depth > 0)
		w->depth--;
	jputs(w, close);
}

/* Begin a mapping. */
void bpo_ywriter_map_begin(struct bpo_ywriter *w)
{
	yaml_event_t ev;
	if (w->format == BPO_YW_JSON) {
		push(w, "{");
		return;
	}
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	emit(w, &ev);
}

/* End a mapping. */
void bpo_ywriter_map_end(struct bpo_ywriter *w)
{
	yaml_event_t ev;
	if (w->format == BPO_YW_JSON) {
		pop(w, "}");
		return;
	}
	yaml_mapping_end_event_initialize(&ev);
	emit(w, &ev);
}

/* Begin a list (flow: [a, b] on one line in YAML). */
void bpo_ywriter_seq_begin(struct bpo_ywriter *w, bool flow)
{
	yaml_event_t ev;
	if (w->format == BPO_YW_JSON) {
		push(w, "[");
		return;
	}
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
					     flow ? YAML_FLOW_SEQUENCE_STYLE
						  : YAML_BLOCK_SEQUENCE_STYLE);
	emit(w, &ev);
}

/* End a list. */
void bpo_ywriter_seq_end(struct bpo_ywriter *w)
{
	yaml_event_t ev;
	if (w->format == BPO_YW_JSON) {
		pop(w, "]");
		return;
	}
	yaml_sequence_end_event_initialize(&ev);
	emit(w, &ev);
}

static void yscalar(struct bpo_ywriter *w, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s,
					  (int)strlen(s), 1, 1, style)) {
		if (!w->failed)
			bpo_error_set(w->err, BPO_E_FAIL, "YAML output: bad scalar");
		w->failed = 1;
		return;
	}
	emit(w, &ev);
}

/* Would a plain scalar s read back as something other than this string
 * (null, boolean or number to a YAML 1.1 reader)? Then quote it. */
static bool ambiguous(const char *s)
{
	static const char *const words[] = {"",	   "~",	   "null", "true", "false", "yes",
					    "no",  "on",   "off",  "y",	   "n",	    ".inf",
					    "-.inf", "+.inf", ".nan", NULL};
	bool digit = false, other = false;
	for (size_t i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digit = true;
		else if (!strchr(".+-_:eExXoObB", *p))
			other = true;
	}
	return digit && !other;
}

/* A key. */
void bpo_ywriter_key(struct bpo_ywriter *w, const char *key)
{
	if (w->format == BPO_YW_JSON) {
		jprefix(w);
		jstring(w, key);
		jputs(w, ":");
		w->after_key = true;
		return;
	}
	yscalar(w, key, YAML_ANY_SCALAR_STYLE);
}

/* A string, or null. */
void bpo_ywriter_str(struct bpo_ywriter *w, const char *s)
{
	if (w->format == BPO_YW_JSON) {
		jprefix(w);
		if (s)
			jstring(w, s);
		else
			jputs(w, "null");
		return;
	}
	if (!s)
		yscalar(w, "null", YAML_PLAIN_SCALAR_STYLE);
	else
		yscalar(w, s,
			ambiguous(s)	      ? YAML_SINGLE_QUOTED_SCALAR_STYLE
			: strchr(s, '\n') ? YAML_LITERAL_SCALAR_STYLE
					      : YAML_ANY_SCALAR_STYLE);
}

/* A number. */
void bpo_ywriter_uint(struct bpo_ywriter *w, unsigned long v)
{
	char num[32];
	snprintf(num, sizeof(num), "%lu", v);
	if (w->format == BPO_YW_JSON) {
		jprefix(w);
		jputs(w, num);
		return;
	}
	yscalar(w, num, YAML_PLAIN_SCALAR_STYLE);
}

/* A boolean. */
void bpo_ywriter_bool(struct bpo_ywriter *w, bool v)
{
	if (w->format == BPO_YW_JSON) {
		jprefix(w);
		jputs(w, v ? "true" : "false");
		return;
	}
	yscalar(w, v ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
}

/* key: string-or-null. */
void bpo_ywriter_kv(struct bpo_ywriter *w, const char *key, const char *s)
{
	bpo_ywriter_key(w, key);
	bpo_ywriter_str(w, s);
}

/* key: [list]. */
void bpo_ywriter_kstrv(struct bpo_ywriter *w, const char *key, char *const *v)
{
	bpo_ywriter_key(w, key);
	bpo_ywriter_seq_begin(w, true);
	for (size_t i = 0; v && v[i]; i++)
		bpo_ywriter_str(w, v[i]);
	bpo_ywriter_seq_end(w);
}
