/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"
#include "depends.h"
#include "xmem.h"

#include <stdlib.h>
#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_blank(const char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '-' || c == '.' || c == '_';
}

static void alt_destroy(struct bpo_dep_alt *a)
{
	free(a->name);
	free(a->archqual);
	free(a->op);
	free(a->version);
	free(a->archs);
	free(a->profiles);
}

void bpo_deps_destroy(struct bpo_deps *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		for (size_t j = 0; j < d->groups[i].n; j++)
			alt_destroy(&d->groups[i].alts[j]);
		free(d->groups[i].alts);
	}
	free(d->groups);
	d->groups = NULL;
	d->n = d->cap = 0;
}

/* Text up to the closing char, trimmed; NULL when it is missing. */
static char *bracketed(const char **pp, char close)
{
	const char *p = *pp, *end = strchr(p, close);
	if (!end)
		return NULL;
	while (p < end && is_blank(*p))
		p++;
	const char *e = end;
	while (e > p && is_blank(e[-1]))
		e--;
	*pp = end + 1;
	return bpo_xstrndup(p, (size_t)(e - p));
}

static int parse_alt(const char **pp, struct bpo_dep_alt *a, const char *what, const char *start,
		     struct bpo_error *err)
{
	const char *p = skip_blank(*pp), *s = p;

	memset(a, 0, sizeof(*a));
	while (name_char(*p))
		p++;
	if (p == s)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: expected a package name at offset %zu",
				     what, (size_t)(s - start));
	a->name = bpo_xstrndup(s, (size_t)(p - s));
	if (*p == ':') {
		s = ++p;
		while (name_char(*p))
			p++;
		if (p == s)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s: expected an architecture qualifier after '%s:'",
					     what, a->name);
		a->archqual = bpo_xstrndup(s, (size_t)(p - s));
	}
	p = skip_blank(p);
	if (*p == '(') {
		static const char *const ops[] = {"<<", "<=", ">=", ">>", "=", "<", ">"};
		p = skip_blank(p + 1);
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			size_t n = strlen(ops[i]);
			if (strncmp(p, ops[i], n) == 0) {
				/* The obsolete "<" and ">" mean "<=" and ">=" (deb-control(5)). */
				a->op = bpo_xstrdup(n == 1 && ops[i][0] != '=' ?
							    (ops[i][0] == '<' ? "<=" : ">=") : ops[i]);
				p += n;
				break;
			}
		}
		if (!a->op)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s: '%s': expected a relation (<< <= = >= >>)", what,
					     a->name);
		a->version = bracketed(&p, ')');
		if (!a->version || !*a->version)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: '%s': expected 'version)'",
					     what, a->name);
		p = skip_blank(p);
	}
	if (*p == '[') {
		p++;
		a->archs = bracketed(&p, ']');
		if (!a->archs)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: '%s': missing ']'", what,
					     a->name);
		p = skip_blank(p);
	}
	while (*p == '<') {
		p++;
		char *prof = bracketed(&p, '>');
		if (!prof)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: '%s': missing '>'", what,
					     a->name);
		char *joined = a->profiles ? bpo_xasprintf("%s <%s>", a->profiles, prof)
					   : bpo_xasprintf("<%s>", prof);
		free(prof);
		free(a->profiles);
		a->profiles = joined;
		p = skip_blank(p);
	}
	*pp = p;
	return 0;
}

int bpo_deps_parse(struct bpo_deps *out, const char *text, const char *what,
		   struct bpo_error *err)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	p = skip_blank(p);
	if (!*p)
		return 0;
	for (;;) {
		struct bpo_dep_group *g;
		BPO_GROW(out->groups, out->cap, out->n + 1);
		g = &out->groups[out->n++];
		memset(g, 0, sizeof(*g));
		for (;;) {
			BPO_GROW(g->alts, g->cap, g->n + 1);
			if (parse_alt(&p, &g->alts[g->n], what, text, err) < 0) {
				g->n++;
				bpo_deps_destroy(out);
				return -1;
			}
			g->n++;
			p = skip_blank(p);
			if (*p != '|')
				break;
			p++;
		}
		if (*p == '\0')
			break;
		if (*p != ',') {
			bpo_error_set(err, BPO_E_SYNTAX, "%s: unexpected '%c' at offset %zu", what,
				      *p, (size_t)(p - text));
			bpo_deps_destroy(out);
			return -1;
		}
		p = skip_blank(p + 1);
		if (*p == '\0') /* a trailing comma is accepted, as dpkg does */
			break;
	}
	return 0;
}

int bpo_deps_format(const struct bpo_deps *d, struct bpo_buf *out, struct bpo_error *err)
{
	for (size_t i = 0; i < d->n; i++) {
		if (i && bpo_buf_puts(out, ", ", err) < 0)
			return -1;
		for (size_t j = 0; j < d->groups[i].n; j++) {
			const struct bpo_dep_alt *a = &d->groups[i].alts[j];
			if (j && bpo_buf_puts(out, " | ", err) < 0)
				return -1;
			if (bpo_buf_puts(out, a->name, err) < 0 ||
			    (a->archqual && bpo_buf_printf(out, err, ":%s", a->archqual) < 0) ||
			    (a->op && bpo_buf_printf(out, err, " (%s %s)", a->op, a->version) < 0) ||
			    (a->archs && bpo_buf_printf(out, err, " [%s]", a->archs) < 0) ||
			    (a->profiles && bpo_buf_printf(out, err, " %s", a->profiles) < 0))
				return -1;
		}
	}
	return 0;
}

bool bpo_deps_mentions(const struct bpo_deps *d, const char *pkg)
{
	for (size_t i = 0; i < d->n; i++)
		for (size_t j = 0; j < d->groups[i].n; j++)
			if (strcmp(d->groups[i].alts[j].name, pkg) == 0)
				return true;
	return false;
}
