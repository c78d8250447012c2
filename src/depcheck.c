/* SPDX-License-Identifier: GPL-2.0-or-later */
/* depcheck: the build-dependency verdict from the indices (see depcheck.h). */
#include "config.h"
#include "depcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deb822.h"
#include "fsutil.h"
#include "index.h"
#include "json.h"
#include "log.h"
#include "root.h"
#include "proc.h"
#include "version.h"

#define MAX_INDEX (1u << 30)
#define MAX_DOSE_OUTPUT (64u << 20)
#define DOSE_TIMEOUT 1800u
#define MAX_UNMET 200
/* rounds of the pin decision (a pinned package's own dependencies may need
   pins too) */
#define MAX_PIN_ROUNDS 8
#define MAX_PINS 200
/* the name of a stanza that checks one relation of the source alone: dose
   stops at the first reason a source is broken, and every unmet relation is
   wanted */
#define REL_SUFFIX ".bpo-rel-"

void bpo_depcheck_result_init(struct bpo_depcheck_result *res)
{
	memset(res, 0, sizeof(*res));
}

void bpo_depcheck_result_destroy(struct bpo_depcheck_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n_unmet; i++) {
		free(res->unmet[i].relation);
		free(res->unmet[i].needed_by);
		free(res->unmet[i].explanation);
		for (size_t k = 0; k < 2; k++) {
			free(res->unmet[i].hint_package[k]);
			free(res->unmet[i].hint_version[k]);
			free(res->unmet[i].hint_source[k]);
		}
	}
	free(res->unmet);
	for (size_t i = 0; i < res->n_pins; i++) {
		free(res->pins[i].package);
		free(res->pins[i].version);
		free(res->pins[i].suite);
		free(res->pins[i].relation);
	}
	free(res->pins);
	free(res->hint_suite[0]);
	free(res->hint_suite[1]);
	bpo_strv_destroy(&res->suites);
	memset(res, 0, sizeof(*res));
}

/* Whether prog is an executable in $PATH. */
static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		char *f = bpo_xasprintf("%.*s/%s", (int)n, path, prog);
		bool ok = n && access(f, X_OK) == 0;
		free(f);
		if (ok)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}


static char *trim_dup(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return bpo_xstrndup(s, n);
}

/* dose's report (see depcheck.h): each "unsat-dependency: R" (or
 * "unsat-conflict: R") with the package of the "pkg:" block above it. */
void bpo_depcheck_parse_dose(const char *yaml, const char *source,
			     struct bpo_depcheck_result *res)
{
	const char *p = yaml ? yaml : "";
	char *pkg = NULL;
	size_t cap = res->n_unmet;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char *l = trim_dup(p, n);
		const char *v = NULL;
		bool conflict = false;
		if (strncmp(l, "package: ", 9) == 0) {
			free(pkg);
			pkg = bpo_xstrdup(l + 9);
		} else if (strncmp(l, "unsat-dependency: ", 18) == 0) {
			v = l + 18;
		} else if (strncmp(l, "unsat-conflict: ", 16) == 0) {
			v = l + 16;
			conflict = true;
		}
		if (v && *v && res->n_unmet < MAX_UNMET) {
			char *rel = conflict ? bpo_xasprintf("conflict: %s", v) : bpo_xstrdup(v);
			bool dup = false;
			for (size_t i = 0; i < res->n_unmet && !dup; i++)
				dup = strcmp(res->unmet[i].relation, rel) == 0;
			if (dup) {
				free(rel);
			} else {
				BPO_GROW(res->unmet, cap, res->n_unmet + 1);
				/* the source itself, or one of its relations checked alone */
				bool own = pkg && (strcmp(pkg, source) == 0 ||
						   (strncmp(pkg, source, strlen(source)) == 0 &&
						    strncmp(pkg + strlen(source), REL_SUFFIX,
							    strlen(REL_SUFFIX)) == 0));
				res->unmet[res->n_unmet++] = (struct bpo_depcheck_unmet){
					.relation = rel,
					.needed_by = pkg && !own ? bpo_xstrdup(pkg) : NULL};
			}
		}
		free(l);
		p += n + (eol ? 1 : 0);
	}
	free(pkg);
}

/* "deb [opt=v ...] URI SUITE COMP..." */
struct line {
	char *keyring, *uri, *suite;
	struct bpo_strv comps;
};

static int parse_line(const char *text, const char *default_keyring, struct line *l,
		      struct bpo_error *err)
{
	const char *p = text;
	memset(l, 0, sizeof(*l));
	if (strncmp(p, "deb ", 4) != 0)
		return bpo_error_set(err, BPO_E_USAGE, "apt line \"%.200s\": expected \"deb ...\"",
				     text);
	p += 4;
	p += strspn(p, " ");
	if (*p == '[') {
		const char *close = strchr(p, ']'), *sb = strstr(p, "signed-by=");
		if (!close)
			return bpo_error_set(err, BPO_E_USAGE, "apt line \"%.200s\": unterminated "
					     "[options]", text);
		if (sb && sb < close) {
			sb += strlen("signed-by=");
			l->keyring = bpo_xstrndup(sb, strcspn(sb, " ]"));
		}
		p = close + 1;
	}
	for (int w = 0;; w++) {
		p += strspn(p, " ");
		if (!*p)
			break;
		size_t n = strcspn(p, " ");
		char *word = bpo_xstrndup(p, n);
		if (w == 0) {
			/* file:/DIR (apt's form) as a URL the fetcher takes */
			if (strncmp(word, "file:", 5) == 0 && strncmp(word, "file://", 7) != 0) {
				l->uri = bpo_xasprintf("file://%s", word + 5);
				free(word);
			} else {
				l->uri = word;
			}
		} else if (w == 1) {
			l->suite = word;
		} else {
			bpo_strv_push_owned(&l->comps, word);
		}
		p += n;
	}
	if (!l->keyring && default_keyring)
		l->keyring = bpo_xstrdup(default_keyring);
	if (!l->uri || !l->suite || !l->keyring)
		return bpo_error_set(err, BPO_E_USAGE, "apt line \"%.200s\": expected URI, SUITE "
				     "and a signed-by key", text);
	if (l->comps.n == 0)
		bpo_strv_push(&l->comps, "main");
	return 0;
}

static void line_destroy(struct line *l)
{
	free(l->keyring);
	free(l->uri);
	free(l->suite);
	bpo_strv_destroy(&l->comps);
}

/* Fetch and verify the Packages of each component of one suite; the text
 * (owned) in *text. */
static int fetch_packages(const struct bpo_config *cfg, const char *url, const char *suite,
			  const char *keyring, const struct bpo_strv *comps, const char *arch,
			  char **text, struct bpo_error *err)
{
	struct bpo_release rel;
	struct bpo_buf all;
	int rc = -1;

	*text = NULL;
	bpo_buf_init(&all, MAX_INDEX);
	if (bpo_index_fetch_release(url, suite, keyring, cfg, &rel, err) < 0)
		goto out_nor;
	for (size_t i = 0; i < comps->n; i++) {
		char *base = bpo_xasprintf("%s/binary-%s/Packages", comps->v[i], arch), *shown = NULL;
		struct bpo_error e;
		bpo_error_init(&e);
		int r = bpo_index_load(&rel, base, &all, &shown, &e);
		if (r < 0 && e.kind != BPO_E_NOTFOUND) {
			*err = e;
			free(base);
			free(shown);
			goto out;
		}
		if (r < 0)
			bpo_verbose("%s: %s", suite, e.msg);
		if (all.len && all.data[all.len - 1] != '\n')
			bpo_buf_puts(&all, "\n", NULL);
		bpo_buf_puts(&all, "\n", NULL);
		free(base);
		free(shown);
	}
	*text = all.data ? bpo_buf_steal(&all, NULL) : bpo_xstrdup("");
	rc = 0;
out:
	bpo_release_destroy(&rel);
out_nor:
	bpo_buf_destroy(&all);
	return rc;
}

/* A field of the .dsc as one line (continuations joined). */
static void field_line(struct bpo_buf *b, const char *name, const char *prefix, const char *v)
{
	if (!v && !prefix)
		return;
	bpo_buf_printf(b, NULL, "%s: %s%s", name, prefix ? prefix : "",
		       prefix && v && *v ? ", " : "");
	for (const char *p = v ? v : ""; *p; p++)
		bpo_buf_printf(b, NULL, "%c", *p == '\n' || *p == '\t' ? ' ' : *p);
	bpo_buf_puts(b, "\n", NULL);
}

/* The end of the stanza at p: its blank line, or end. memchr from line to
 * line, so the work is the stanza's length: a memmem or strstr over the rest
 * of a tens-of-MB index is linear per call, and a sanitizer checks the whole
 * range it is given each time (quadratic over the index). */
static const char *stanza_end(const char *p, const char *end)
{
	for (const char *q = p; q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		if (!nl || nl + 1 >= end)
			return end;
		if (nl[1] == '\n')
			return nl;
		q = nl + 1;
	}
	return end;
}

/* What one suite has of a package: the highest version, the highest one
 * satisfying the relation, and its source. */
struct have {
	char *best, *sat, *sat_source;
};

static void have_free(struct have *h)
{
	free(h->best);
	free(h->sat);
	free(h->sat_source);
}

static const char *stanza(const char *p, const char *end, const char **name, size_t *nl,
			  const char **ver, size_t *vl);
static const char *stanza_field(const char *p, const char *stop, const char *name, size_t *len);

/* The next stanza of a Packages text at *p (before end): its Package and
 * Version as stanza() gives them, [*start, returned stop); *p moves past it.
 * NULL at the end. */
static const char *next_stanza(const char **p, const char *end, const char **start,
			       const char **name, size_t *nl, const char **ver, size_t *vl)
{
	if (*p >= end)
		return NULL;
	*start = *p;
	const char *stop = stanza(*p, end, name, nl, ver, vl);
	*p = stop + (stop < end ? 2 : 0);
	*p += strspn(*p, "\n");
	return stop;
}

/* What a Packages text (in memory) has of package name. */
static void scan_text(const char *text, const char *name, const char *op, const char *ver,
		      struct have *h)
{
	const char *p = text ? text : "", *end = p + strlen(p), *start, *pn, *pv, *stop;
	size_t nl = strlen(name), pnl, pvl;
	memset(h, 0, sizeof(*h));
	while ((stop = next_stanza(&p, end, &start, &pn, &pnl, &pv, &pvl))) {
		if (!pn || pnl != nl || strncmp(pn, name, nl) != 0 || !pv)
			continue;
		char *version = bpo_xstrndup(pv, pvl);
		bool ok = true, r = false;
		if (op && ver) {
			struct bpo_error e2;
			bpo_error_init(&e2);
			ok = bpo_version_relation(version, op, ver, &r, &e2) == 0 && r;
		}
		if (!h->best || bpo_version_compare_str(version, h->best) > 0) {
			free(h->best);
			h->best = bpo_xstrdup(version);
		}
		if (ok && (!h->sat || bpo_version_compare_str(version, h->sat) > 0)) {
			size_t sl = 0;
			const char *sv = stanza_field(start, stop, "Source", &sl);
			sv = sv ? sv + strspn(sv, " ") : NULL;
			free(h->sat);
			free(h->sat_source);
			h->sat = bpo_xstrdup(version);
			h->sat_source = sv ? bpo_xstrndup(sv, strcspn(sv, " \n")) : bpo_xstrdup(name);
		}
		free(version);
	}
}

/* "name:arch (op ver)" of one alternative */
static void parse_alt(const char *alt, char **name, char **op, char **ver)
{
	const char *p = alt + strspn(alt, " ");
	size_t n = strcspn(p, " :(");
	*name = bpo_xstrndup(p, n);
	*op = *ver = NULL;
	const char *paren = strchr(p, '(');
	if (paren) {
		const char *q = paren + 1 + strspn(paren + 1, " ");
		size_t on = strspn(q, "<>=");
		if (on) {
			*op = bpo_xstrndup(q, on);
			q += on;
			q += strspn(q, " ");
			*ver = bpo_xstrndup(q, strcspn(q, " )"));
		}
	}
}

/* One line per unmet relation: what every suite (and the newer release) has. */
static void explain(struct bpo_depcheck_unmet *u, const struct bpo_strv *labels,
		    const struct bpo_strv *texts, const struct bpo_depcheck_opts *o,
		    char *const *hint_texts)
{
	struct bpo_buf b;
	const char *rel = u->relation;
	bool conflict = strncmp(rel, "conflict: ", 10) == 0;
	bpo_buf_init(&b, 1u << 16);
	if (u->needed_by)
		bpo_buf_printf(&b, NULL, "%s (needed by %s): ", rel, u->needed_by);
	else
		bpo_buf_printf(&b, NULL, "%s: ", rel);
	if (conflict) {
		bpo_buf_puts(&b, "a build conflict that every solution installs", NULL);
		u->explanation = bpo_buf_steal(&b, NULL);
		bpo_buf_destroy(&b);
		return;
	}
	/* each alternative in turn */
	const char *p = rel;
	bool first_alt = true;
	while (*p) {
		size_t n = strcspn(p, "|");
		char *alt = bpo_xstrndup(p, n), *name, *op, *ver;
		parse_alt(alt, &name, &op, &ver);
		if (!first_alt)
			bpo_buf_puts(&b, " | ", NULL);
		first_alt = false;
		if (strchr(rel, '|'))
			bpo_buf_printf(&b, NULL, "%s: ", name);
		for (size_t i = 0; i < texts->n; i++) {
			struct have h;
			bool dup = false;
			/* a suite named twice (several components) once */
			for (size_t j = 0; j < i && !dup; j++)
				dup = strcmp(labels->v[j], labels->v[i]) == 0;
			if (dup)
				continue;
			scan_text(texts->v[i], name, op, ver, &h);
			bpo_buf_printf(&b, NULL, "%s%s has %s", i ? "; " : "", labels->v[i],
				       h.best ? h.best : "none");
			have_free(&h);
		}
		for (size_t k = 0; k < o->n_hints; k++) {
			struct have h;
			if (!hint_texts[k])
				continue;
			scan_text(hint_texts[k], name, op, ver, &h);
			if (h.sat && !u->hint_version[k]) {
				u->hint_package[k] = bpo_xstrdup(name);
				u->hint_version[k] = bpo_xstrdup(h.sat);
				u->hint_source[k] = bpo_xstrdup(h.sat_source);
			}
			if (h.sat)
				bpo_buf_printf(&b, NULL, "; %s has %s (source %s: %s)",
					       o->hints[k].suite, h.sat, h.sat_source,
					       o->hints[k].advice);
			else
				bpo_buf_printf(&b, NULL, "; %s has %s", o->hints[k].suite,
					       h.best ? h.best : "none");
			have_free(&h);
		}
		free(alt);
		free(name);
		free(op);
		free(ver);
		p += n + (p[n] == '|');
	}
	u->explanation = bpo_buf_steal(&b, NULL);
	bpo_buf_destroy(&b);
}

/* One stanza of a Packages text at p: its end, its Package and Version
 * (pointers into the text, with lengths). */
static const char *stanza(const char *p, const char *end, const char **name, size_t *nl,
			  const char **ver, size_t *vl)
{
	const char *stop = stanza_end(p, end);
	*name = *ver = NULL;
	*nl = *vl = 0;
	if ((size_t)(stop - p) > 9 && strncmp(p, "Package: ", 9) == 0) {
		*name = p + 9;
		*nl = strcspn(*name, "\n");
	}
	const char *v = memmem(p, (size_t)(stop - p), "\nVersion: ", 10);
	if (v) {
		*ver = v + 10;
		*vl = strcspn(*ver, "\n");
	}
	return stop;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void bpo_depcheck_names(const char *data, struct bpo_strv *names)
{
	const char *p = data ? data : "", *end = p + strlen(p), *start, *name, *ver;
	size_t nl, vl;
	while (next_stanza(&p, end, &start, &name, &nl, &ver, &vl))
		if (name && nl)
			bpo_strv_push_owned(names, bpo_xstrndup(name, nl));
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(char *), cmp_str);
}

static bool have_name(const struct bpo_strv *sorted, const char *name)
{
	return sorted->n && bsearch(&name, sorted->v, sorted->n, sizeof(char *), cmp_str);
}

void bpo_depcheck_view(const char *const *extra_data, size_t n_extra,
		       const struct bpo_strv *base_names, const struct bpo_depcheck_pin *pins,
		       size_t n_pins, struct bpo_buf *out)
{
	for (size_t f = 0; f < n_extra; f++) {
		const char *p = extra_data[f] ? extra_data[f] : "", *end = p + strlen(p);
		const char *start, *name, *ver, *stop;
		size_t nl, vl;
		while ((stop = next_stanza(&p, end, &start, &name, &nl, &ver, &vl))) {
			if (!name || !nl)
				continue;
			char *n = bpo_xstrndup(name, nl);
			bool take = !have_name(base_names, n);
			for (size_t i = 0; i < n_pins && !take; i++)
				take = strcmp(pins[i].package, n) == 0 && ver &&
				       strlen(pins[i].version) == vl &&
				       strncmp(pins[i].version, ver, vl) == 0;
			if (take) {
				bpo_buf_append(out, start, (size_t)(stop - start), NULL);
				bpo_buf_puts(out, "\n\n", NULL);
			}
			free(n);
		}
	}
}

/* The names a relation field mentions ("a (>= 1) | b:any [amd64] <!nocheck>,
 * c" -> a, b, c), pushed to names. */
static void relation_names(const char *v, size_t len, struct bpo_strv *names)
{
	const char *p = v, *end = v + len;
	while (p < end) {
		p += strspn(p, " \t\n,|");
		if (p >= end)
			break;
		size_t n = 0;
		while (p + n < end && (((p[n] | 0x20) >= 'a' && (p[n] | 0x20) <= 'z') ||
				       (p[n] >= '0' && p[n] <= '9') || p[n] == '+' || p[n] == '-' ||
				       p[n] == '.'))
			n++;
		if (n)
			bpo_strv_push_owned(names, bpo_xstrndup(p, n));
		/* to the next alternative or relation */
		while (p < end && *p != ',' && *p != '|')
			p++;
	}
}

/* The value of field name in the stanza [p, stop) (continuation lines
 * included), or NULL. */
static const char *stanza_field(const char *p, const char *stop, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	for (const char *q = p; q && q < stop;) {
		if ((q == p || q[-1] == '\n') && (size_t)(stop - q) > nl + 1 &&
		    strncmp(q, name, nl) == 0 && q[nl] == ':') {
			const char *v = q + nl + 1, *e = v;
			while (e < stop) {
				const char *nlp = memchr(e, '\n', (size_t)(stop - e));
				if (!nlp) {
					e = stop;
					break;
				}
				e = nlp;
				if (e + 1 < stop && (e[1] == ' ' || e[1] == '\t'))
					e++;
				else
					break;
			}
			*len = (size_t)(e - v);
			return v;
		}
		const char *nlp = memchr(q, '\n', (size_t)(stop - q));
		q = nlp ? nlp + 1 : NULL;
	}
	return NULL;
}

struct cl_entry {
	const char *name;
	size_t nlen;
	size_t stanza;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct cl_entry *x = a, *y = b;
	size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
	int c = memcmp(x->name, y->name, n);
	return c ? c : (x->nlen > y->nlen) - (x->nlen < y->nlen);
}

void bpo_depcheck_closure(const char *const *data, size_t n_files, const char *roots,
			  struct bpo_buf *out)
{
	struct stz {
		const char *p, *stop;
		size_t file;
		bool in;
	} *st = NULL;
	size_t n_st = 0, cap_st = 0, n_ent = 0, cap_ent = 0;
	struct cl_entry *ent = NULL;

	/* every stanza, named by its Package and each name it Provides; the
	   Essential ones are roots too (dose installs them with everything) */
	struct bpo_strv queue = {0};
	for (size_t f = 0; f < n_files; f++) {
		const char *p = data[f] ? data[f] : "", *end = p + strlen(p), *q, *name, *ver, *stop;
		size_t nl, vl;
		while ((stop = next_stanza(&p, end, &q, &name, &nl, &ver, &vl))) {
			if (!name || !nl)
				continue;
			BPO_GROW(st, cap_st, n_st + 1);
			st[n_st] = (struct stz){q, stop, f, false};
			BPO_GROW(ent, cap_ent, n_ent + 1);
			ent[n_ent++] = (struct cl_entry){name, nl, n_st};
			size_t pl, el;
			const char *ess = stanza_field(q, stop, "Essential", &el);
			if (ess && el >= 4 && memmem(ess, el, "yes", 3))
				bpo_strv_push_owned(&queue, bpo_xstrndup(name, nl));
			const char *pv = stanza_field(q, stop, "Provides", &pl);
			if (pv) {
				struct bpo_strv prov = {0};
				relation_names(pv, pl, &prov);
				for (size_t i = 0; i < prov.n; i++) {
					/* point into the text: find the name there */
					const char *at = memmem(pv, pl, prov.v[i], strlen(prov.v[i]));
					if (!at)
						continue;
					BPO_GROW(ent, cap_ent, n_ent + 1);
					ent[n_ent++] = (struct cl_entry){at, strlen(prov.v[i]), n_st};
				}
				bpo_strv_destroy(&prov);
			}
			n_st++;
		}
	}
	if (n_ent > 1)
		qsort(ent, n_ent, sizeof(*ent), cmp_entry);
	/* breadth first from the roots over Depends and Pre-Depends */
	relation_names(roots, strlen(roots), &queue);
	bool *seen = bpo_xcalloc(n_ent + 1, sizeof(bool));
	for (size_t q = 0; q < queue.n; q++) {
		struct cl_entry key = {queue.v[q], strlen(queue.v[q]), 0};
		struct cl_entry *hit = n_ent ? bsearch(&key, ent, n_ent, sizeof(*ent), cmp_entry) : NULL;
		if (!hit)
			continue;
		size_t lo = (size_t)(hit - ent), hi = lo;
		while (lo > 0 && cmp_entry(&ent[lo - 1], &key) == 0)
			lo--;
		while (hi + 1 < n_ent && cmp_entry(&ent[hi + 1], &key) == 0)
			hi++;
		if (seen[lo])
			continue;
		seen[lo] = true;
		for (size_t e = lo; e <= hi; e++) {
			struct stz *z = &st[ent[e].stanza];
			if (z->in)
				continue;
			z->in = true;
			static const char *const deps[] = {"Depends", "Pre-Depends"};
			for (size_t k = 0; k < 2; k++) {
				size_t dl;
				const char *dv = stanza_field(z->p, z->stop, deps[k], &dl);
				if (dv)
					relation_names(dv, dl, &queue);
			}
		}
	}
	for (size_t i = 0; i < n_st; i++)
		if (st[i].in) {
			bpo_buf_append(&out[st[i].file], st[i].p, (size_t)(st[i].stop - st[i].p), NULL);
			bpo_buf_puts(&out[st[i].file], "\n\n", NULL);
		}
	free(seen);
	bpo_strv_destroy(&queue);
	free(ent);
	free(st);
}

/* Cut each Packages text down to what the source's relations can reach
 * (depcheck.h: the solver's verdict is the same, in a fraction of the time):
 * texts->v[i] is replaced by its cut and written to files->v[i] for dose. */
static int cut_to_closure(struct bpo_strv *texts, const struct bpo_strv *files,
			  const char *source_text, struct bpo_error *err)
{
	struct bpo_buf *out = bpo_xcalloc(texts->n + 1, sizeof(*out));
	struct bpo_buf roots;
	int rc = 0;

	bpo_buf_init(&roots, 1u << 20);
	for (const char *l = source_text; l && *l;) {
		size_t n = strcspn(l, "\n");
		if (strncmp(l, "Build-", 6) == 0) {
			const char *c = memchr(l, ':', n);
			if (c) {
				bpo_buf_append(&roots, c + 1, n - (size_t)(c + 1 - l), NULL);
				bpo_buf_puts(&roots, ",", NULL);
			}
		}
		l += n + (l[n] == '\n');
	}
	for (size_t i = 0; i < texts->n; i++)
		bpo_buf_init(&out[i], MAX_INDEX);
	bpo_depcheck_closure((const char *const *)texts->v, texts->n, roots.data ? roots.data : "",
			     out);
	for (size_t i = 0; i < texts->n; i++) {
		free(texts->v[i]);
		texts->v[i] = out[i].data ? bpo_buf_steal(&out[i], NULL) : bpo_xstrdup("");
		if (rc == 0 && bpo_file_write_atomic(files->v[i], texts->v[i], strlen(texts->v[i]),
						     0644, err) < 0)
			rc = -1;
	}
	for (size_t i = 0; i < texts->n; i++)
		bpo_buf_destroy(&out[i]);
	free(out);
	bpo_buf_destroy(&roots);
	return rc;
}

/* dose-builddebcheck on the Packages files and the Sources file: its report
 * in out, its status in *st (0: all buildable, 1: some not). */
static int run_dose(const struct bpo_depcheck_opts *o, const char *const *files, size_t n,
		    const char *sources, struct bpo_buf *out, int *st, struct bpo_error *err)
{
	struct bpo_strv argv = {0};
	int rc;

	bpo_strv_push(&argv, "dose-builddebcheck");
	bpo_strv_push_owned(&argv, bpo_xasprintf("--deb-native-arch=%s", o->arch));
	if (o->profiles && *o->profiles)
		bpo_strv_push_owned(&argv, bpo_xasprintf("--deb-profiles=%s", o->profiles));
	bpo_strv_push(&argv, "--explain");
	bpo_strv_push(&argv, "--failures");
	bpo_strv_push(&argv, "--quiet");
	for (size_t i = 0; i < n; i++)
		bpo_strv_push(&argv, files[i]);
	bpo_strv_push(&argv, sources);
	bpo_strv_push_owned(&argv, NULL);
	argv.n--;
	struct bpo_proc_opts po = {.out = out, .log_fd = -1, .quiet_stderr = true,
				   .timeout = DOSE_TIMEOUT};
	rc = bpo_proc_run((const char *const *)argv.v, &po, st, err);
	bpo_strv_destroy(&argv);
	/* 0: every source buildable; 1: some are not; more: an error of its own */
	if (rc == 0 && *st != 0 && *st != 1)
		rc = bpo_error_set(err, BPO_E_FAIL, "dose-builddebcheck failed (status %d)", *st);
	return rc;
}

/* The pins (depcheck.h): the base files plus a view of the extra files
 * (what apt takes of them: their own packages and the pinned versions);
 * each relation the solver finds unmet gets the highest version of an
 * extra suite that satisfies it (its first alternative that one has). */
static void decide_pins(const struct bpo_depcheck_opts *o, const struct bpo_strv *files,
			const struct bpo_strv *texts, const char *tmp, const char *sources,
			struct bpo_depcheck_result *res)
{
	size_t nb = o->n_base_lines, ne = files->n - nb;
	struct bpo_strv names = {0};
	const char *const *extra = (const char *const *)texts->v + nb;
	char *view = bpo_xasprintf("%s/Packages-view", tmp);
	const char **argf = bpo_xcalloc(nb + 1, sizeof(char *));
	size_t cap = 0;

	for (size_t i = 0; i < nb; i++) {
		bpo_depcheck_names(texts->v[i], &names);
		argf[i] = files->v[i];
	}
	argf[nb] = view;
	for (int round = 0; round < MAX_PIN_ROUNDS; round++) {
		struct bpo_buf v, out;
		struct bpo_depcheck_result r;
		struct bpo_error e;
		int st = 0;
		bool added = false;

		bpo_error_init(&e);
		bpo_depcheck_result_init(&r);
		bpo_buf_init(&v, MAX_INDEX);
		bpo_buf_init(&out, MAX_DOSE_OUTPUT);
		bpo_depcheck_view(extra, ne, &names, res->pins, res->n_pins, &v);
		int wr = bpo_file_write_atomic(view, v.data ? v.data : "", v.len, 0644, &e);
		bpo_buf_destroy(&v);
		if (wr < 0 || run_dose(o, argf, nb + 1, sources, &out, &st, &e) < 0) {
			bpo_verbose("[deps] the pins: %s", e.msg);
			bpo_buf_destroy(&out);
			break;
		}
		bpo_depcheck_parse_dose(out.data, o->dsc->source, &r);
		bpo_buf_destroy(&out);
		if (st == 0 && r.n_unmet == 0) {
			res->pins_decided = true;
			bpo_depcheck_result_destroy(&r);
			break;
		}
		for (size_t u = 0; u < r.n_unmet; u++) {
			const char *rel = r.unmet[u].relation;
			if (strncmp(rel, "conflict: ", 10) == 0)
				continue;
			for (const char *p = rel; *p;) {
				size_t n = strcspn(p, "|");
				char *alt = bpo_xstrndup(p, n), *name, *op, *ver;
				const char *suite = NULL;
				char *best = NULL;
				parse_alt(alt, &name, &op, &ver);
				for (size_t i = 0; i < ne; i++) {
					struct have h;
					scan_text(texts->v[nb + i], name, op, ver, &h);
					if (h.sat && (!best || bpo_version_compare_str(h.sat, best) > 0)) {
						free(best);
						best = bpo_xstrdup(h.sat);
						suite = res->suites.v[nb + i];
					}
					have_free(&h);
				}
				bool dup = false;
				for (size_t i = 0; best && i < res->n_pins && !dup; i++)
					dup = strcmp(res->pins[i].package, name) == 0 &&
					      strcmp(res->pins[i].version, best) == 0;
				bool take = best && !dup && res->n_pins < MAX_PINS;
				if (take) {
					BPO_GROW(res->pins, cap, res->n_pins + 1);
					res->pins[res->n_pins++] = (struct bpo_depcheck_pin){
						bpo_xstrdup(name), best, bpo_xstrdup(suite),
						bpo_xstrdup(rel)};
					best = NULL;
					added = true;
				}
				free(best);
				free(alt);
				free(name);
				free(op);
				free(ver);
				if (take)
					break;
				p += n + (p[n] == '|');
			}
		}
		bpo_depcheck_result_destroy(&r);
		if (!added) {
			bpo_verbose("[deps] the pins: the extra suites satisfy nothing more");
			break;
		}
	}
	free(argf);
	free(view);
	bpo_strv_destroy(&names);
}

int bpo_depcheck_run(const struct bpo_config *cfg, const struct bpo_depcheck_opts *o,
		     struct bpo_depcheck_result *res, struct bpo_error *err)
{
	double t0 = bpo_now_s();
	char *tmp = NULL, *sources = NULL, *hint_texts[2] = {NULL, NULL};
	struct bpo_strv files = {0}, texts = {0}; /* the Packages of each line: file, text */
	struct bpo_buf src, out;
	int rc = -1, st = 0;
	const struct bpo_dsc *d = o->dsc;

	bpo_buf_init(&src, 1u << 20);
	bpo_buf_init(&out, MAX_DOSE_OUTPUT);
	if (!in_path("dose-builddebcheck")) {
		bpo_error_set(err, BPO_E_NOTFOUND, "dose-builddebcheck is not installed (apt "
			      "install dose-builddebcheck)");
		goto out;
	}
	if (!(tmp = bpo_mkdtemp(o->tmp_base, "bpo-depcheck", err)))
		goto out;
	for (size_t i = 0; i < o->n_lines; i++) {
		struct line l;
		if (parse_line(o->apt_lines[i], o->default_keyring, &l, err) < 0) {
			line_destroy(&l);
			goto out;
		}
		char *text = NULL;
		int r = fetch_packages(cfg, l.uri, l.suite, l.keyring, &l.comps, o->arch, &text, err);
		bpo_strv_push(&res->suites, l.suite);
		line_destroy(&l);
		if (r < 0)
			goto out;
		bpo_strv_push_owned(&texts, text);
		bpo_strv_push_owned(&files, bpo_xasprintf("%s/Packages-%zu", tmp, i));
	}
	/* the informational suites: fetched only when something is unmet */
	/* the source as one Sources stanza, with what every build root has */
	bpo_buf_printf(&src, NULL, "Package: %s\nVersion: %s\n", d->source, d->version);
	field_line(&src, "Architecture", NULL, d->architecture ? d->architecture : "any");
	field_line(&src, "Build-Depends", "build-essential, fakeroot", d->build_depends);
	field_line(&src, "Build-Depends-Arch", NULL, d->build_depends_arch);
	field_line(&src, "Build-Depends-Indep", NULL, d->build_depends_indep);
	static const char *const conflicts[] = {"Build-Conflicts", "Build-Conflicts-Arch",
						"Build-Conflicts-Indep"};
	for (size_t i = 0; i < 3; i++)
		field_line(&src, conflicts[i], NULL, bpo_deb822_get(&d->para, conflicts[i]));
	/* each relation alone too, so that every unmet one is found in one run */
	{
		static const char *const rel_fields[] = {"Build-Depends", "Build-Depends-Arch",
							 "Build-Depends-Indep"};
		const char *vals[] = {d->build_depends, d->build_depends_arch,
				      d->build_depends_indep};
		size_t k = 0;
		for (size_t f = 0; f < 3; f++)
			for (const char *p = vals[f] ? vals[f] : ""; *p;) {
				size_t n = strcspn(p, ",");
				char *g = trim_dup(p, n);
				for (char *c = g; *c; c++)
					if (*c == '\n' || *c == '\t')
						*c = ' ';
				if (*g) {
					bpo_buf_printf(&src, NULL, "\nPackage: %s%s%zu\nVersion: %s\n",
						       d->source, REL_SUFFIX, k++, d->version);
					field_line(&src, "Architecture", NULL,
						   d->architecture ? d->architecture : "any");
					field_line(&src, rel_fields[f], f ? NULL : "build-essential",
						   g);
				}
				free(g);
				p += n + (p[n] == ',');
			}
	}
	sources = bpo_xasprintf("%s/Sources", tmp);
	if (bpo_file_write_atomic(sources, src.data, src.len, 0644, err) < 0)
		goto out;
	if (cut_to_closure(&texts, &files, src.data, err) < 0)
		goto out;
	if (run_dose(o, (const char *const *)files.v, files.n, sources, &out, &st, err) < 0)
		goto out;
	bpo_depcheck_parse_dose(out.data, d->source, res);
	res->satisfiable = st == 0 && res->n_unmet == 0;
	if (!res->satisfiable && res->n_unmet == 0) {
		bpo_error_set(err, BPO_E_FAIL, "dose-builddebcheck found %s %s not buildable but "
			      "gave no reason", d->source, d->version);
		goto out;
	}
	for (size_t k = 0; k < o->n_hints && k < 2 && res->n_unmet; k++) {
		const struct bpo_depcheck_hint *h = &o->hints[k];
		struct bpo_strv main_only = {0};
		struct bpo_error e;
		if (!h->url || !h->suite || !h->keyring)
			continue;
		bpo_error_init(&e);
		bpo_strv_push(&main_only, "main");
		if (fetch_packages(cfg, h->url, h->suite, h->keyring, &main_only, o->arch,
				   &hint_texts[k], &e) < 0)
			bpo_verbose("%s's Packages (for the explanation): %s", h->suite, e.msg);
		bpo_strv_destroy(&main_only);
	}
	for (size_t k = 0; k < o->n_hints && k < 2; k++) {
		res->hint_suite[k] = bpo_xstrdup(o->hints[k].suite ? o->hints[k].suite : "");
		res->hint_newer[k] = o->hints[k].newer;
		res->n_hints = k + 1;
	}
	for (size_t i = 0; i < res->n_unmet; i++)
		explain(&res->unmet[i], &res->suites, &texts, o, hint_texts);
	if (res->satisfiable && o->n_base_lines > 0 && o->n_base_lines < files.n)
		decide_pins(o, &files, &texts, tmp, sources, res);
	rc = 0;
out:
	res->seconds = bpo_now_s() - t0;
	if (tmp)
		bpo_rm_rf(tmp, NULL);
	free(tmp);
	free(sources);
	free(hint_texts[0]);
	free(hint_texts[1]);
	bpo_strv_destroy(&files);
	bpo_strv_destroy(&texts);
	bpo_buf_destroy(&src);
	bpo_buf_destroy(&out);
	return rc;
}

/* {"k0":"v0",...} (null for a NULL value), after a comma unless first */
static void json_object(struct bpo_buf *out, bool first, const char *const *k,
			const char *const *v, size_t n)
{
	bpo_buf_puts(out, first ? "{" : ",{", NULL);
	for (size_t i = 0; i < n; i++) {
		bpo_buf_printf(out, NULL, "%s\"%s\":", i ? "," : "", k[i]);
		bpo_json_str(out, v[i], NULL);
	}
	bpo_buf_puts(out, "}", NULL);
}

void bpo_depcheck_json(const struct bpo_depcheck_result *res, struct bpo_buf *out)
{
	bpo_buf_printf(out, NULL, "{\"satisfiable\":%s,\"seconds\":%.2f,\"suites\":[",
		       res->satisfiable ? "true" : "false", res->seconds);
	for (size_t i = 0; i < res->suites.n; i++) {
		if (i)
			bpo_buf_puts(out, ",", NULL);
		bpo_json_str(out, res->suites.v[i], NULL);
	}
	bpo_buf_puts(out, "],\"unmet\":[", NULL);
	for (size_t i = 0; i < res->n_unmet; i++) {
		const char *k[] = {"relation", "needed_by", "explanation"};
		const char *v[] = {res->unmet[i].relation, res->unmet[i].needed_by,
				   res->unmet[i].explanation};
		json_object(out, i == 0, k, v, 3);
	}
	bpo_buf_puts(out, "],\"pins\":[", NULL);
	for (size_t i = 0; i < res->n_pins; i++) {
		const char *k[] = {"package", "version", "suite", "relation"};
		const char *v[] = {res->pins[i].package, res->pins[i].version, res->pins[i].suite,
				   res->pins[i].relation};
		json_object(out, i == 0, k, v, 4);
	}
	bpo_buf_puts(out, "]}", NULL);
}
