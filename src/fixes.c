/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fixes: the security fixes a backport carries (see fixes.h). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixes.h"
#include "json.h"
#include "version.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* CVE-YYYY-NNNN with 4..19 digits at the end; returns its length, 0 if none at s. */
static size_t cve_at(const char *s, size_t left)
{
	size_t n = 0;
	if (left < 13 || strncmp(s, "CVE-", 4) != 0)
		return 0;
	for (size_t i = 4; i < 8; i++)
		if (!is_digit(s[i]))
			return 0;
	if (s[8] != '-')
		return 0;
	while (9 + n < left && is_digit(s[9 + n]))
		n++;
	if (n < 4 || n > 19)
		return 0;
	return 9 + n;
}

bool bpo_fix_id_ok(const char *id)
{
	static const char *const prefixes[] = {"DSA-", "DLA-", "DTSA-", "DEBIAN-", "GHSA-",
					       "OSV-", "USN-", "ELA-", NULL};
	size_t len = strlen(id), rest = 0;

	if (len == 0 || len > 64)
		return false;
	if (strncmp(id, "CVE-", 4) == 0)
		return cve_at(id, len) == len;
	for (size_t i = 0; prefixes[i]; i++)
		if (strncmp(id, prefixes[i], strlen(prefixes[i])) == 0)
			rest = strlen(prefixes[i]);
	if (!rest || !id[rest] || !isalnum((unsigned char)id[rest]))
		return false;
	for (const char *p = id + rest; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".:_-", *p))
			return false;
	return true;
}

const char *bpo_fix_via_name(enum bpo_fix_via via)
{
	switch (via) {
	case BPO_FIX_PATCH: return "patch";
	case BPO_FIX_UPSTREAM: return "upstream";
	default: return "changelog";
	}
}

void bpo_fixes_destroy(struct bpo_fixes *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].id);
		free(f->v[i].patch);
		free(f->v[i].version);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static struct bpo_fix *find(struct bpo_fixes *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].id, id) == 0)
			return &f->v[i];
	return NULL;
}

void bpo_fixes_add(struct bpo_fixes *f, const char *id, enum bpo_fix_via via, const char *patch,
		   const char *version)
{
	struct bpo_fix *x;
	if (find(f, id))
		return;
	BPO_GROW(f->v, f->cap, f->n + 1);
	x = &f->v[f->n++];
	x->id = bpo_xstrdup(id);
	x->via = via;
	x->patch = patch ? bpo_xstrdup(patch) : NULL;
	x->version = version ? bpo_xstrdup(version) : NULL;
}

/* The version of a changelog header line "source (version) dist; ...", or NULL. */
static char *header_version(const char *line, size_t len)
{
	const char *open, *close;
	if (len == 0 || line[0] == ' ' || line[0] == '\t' || !isalnum((unsigned char)line[0]))
		return NULL;
	open = memchr(line, '(', len);
	if (!open || open == line || open[-1] != ' ')
		return NULL;
	close = memchr(open, ')', len - (size_t)(open - line));
	if (!close || close == open + 1)
		return NULL;
	return bpo_xstrndup(open + 1, (size_t)(close - open - 1));
}

void bpo_fixes_from_changelog(const char *data, size_t len, const char *since,
			      struct bpo_fixes *out)
{
	const char *p = data, *end = data + len;
	char *version = NULL;
	bool above = false;

	if (!since)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *v = header_version(p, n);
		if (v) {
			free(version);
			version = v;
			above = bpo_version_compare_str(version, since) > 0;
			if (!above)
				break; /* entries are newest first */
		} else if (above) {
			for (size_t i = 0; i + 13 <= n; i++) {
				size_t k;
				if (i > 0 && (isalnum((unsigned char)p[i - 1]) || p[i - 1] == '-'))
					continue;
				k = cve_at(p + i, n - i);
				if (!k || (i + k < n && isalnum((unsigned char)p[i + k])))
					continue;
				char *id = bpo_xstrndup(p + i, k);
				struct bpo_fix *x = find(out, id);
				if (!x) {
					bpo_fixes_add(out, id, BPO_FIX_CHANGELOG, NULL, version);
				} else if (x->via == BPO_FIX_CHANGELOG) {
					free(x->version); /* an older entry: where it came in */
					x->version = bpo_xstrdup(version);
				}
				free(id);
				i += k - 1;
			}
		}
		p += n + (nl ? 1 : 0);
	}
	free(version);
}

static int id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *bpo_fixes_field(const struct bpo_fixes *f)
{
	struct bpo_buf b;
	char **ids;
	if (!f->n)
		return NULL;
	ids = bpo_xcalloc(f->n, sizeof(*ids));
	for (size_t i = 0; i < f->n; i++)
		ids[i] = f->v[i].id;
	qsort(ids, f->n, sizeof(*ids), id_cmp);
	bpo_buf_init(&b, 1u << 20);
	for (size_t i = 0; i < f->n; i++)
		bpo_buf_printf(&b, NULL, "%s%s", i ? ", " : "", ids[i]);
	free(ids);
	return bpo_buf_steal(&b, NULL);
}

void bpo_fixes_parse_field(const char *value, struct bpo_strv *ids)
{
	const char *p = value;
	while (p && *p) {
		size_t n;
		p += strspn(p, ", \t\n");
		n = strcspn(p, ", \t\n");
		if (n) {
			char *id = bpo_xstrndup(p, n);
			if (bpo_fix_id_ok(id))
				bpo_strv_push_owned(ids, id);
			else
				free(id);
		}
		p += n;
	}
}

/* Whether the line is the start of the field (XS-, XC-, XSC-, XCS- or bare). */
static bool field_line(const char *line, size_t n, const char *field)
{
	const char *colon = memchr(line, ':', n);
	size_t k;
	if (!colon)
		return false;
	k = (size_t)(colon - line);
	if (k == strlen(field) && strncasecmp(line, field, k) == 0)
		return true;
	if (k < 2 + strlen(field) || (line[0] != 'X' && line[0] != 'x'))
		return false;
	const char *dash = memchr(line, '-', k);
	if (!dash)
		return false;
	for (const char *c = line + 1; c < dash; c++)
		if (!strchr("SBCsbc", *c))
			return false;
	return (size_t)(colon - dash - 1) == strlen(field) &&
	       strncasecmp(dash + 1, field, strlen(field)) == 0;
}

static bool blank(const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

int bpo_fixes_control_set(const char *control, size_t len, const char *value,
			  struct bpo_buf *out, struct bpo_error *err)
{
	return bpo_control_set_field(control, len, BPO_FIXES_FIELD, value, out, err);
}

int bpo_control_set_field(const char *control, size_t len, const char *field,
			  const char *value, struct bpo_buf *out, struct bpo_error *err)
{
	const char *p = control, *end = control + len;
	bool in_stanza = false, skipping = false, has_source = false, done = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		bool keep = true;

		if (!done) {
			bool comment = n && p[0] == '#';
			if (!in_stanza && !comment && !blank(p, n))
				in_stanza = true;
			if (in_stanza && blank(p, n)) {
				/* the end of the source stanza: the field goes here */
				if (value && bpo_buf_printf(out, err, "XSC-%s: %s\n", field,
							    value) < 0)
					return -1;
				done = true;
				in_stanza = false;
			} else if (in_stanza && !comment) {
				bool cont = p[0] == ' ' || p[0] == '\t';
				if (!cont)
					skipping = field_line(p, n, field);
				if (!cont && n >= 7 && strncasecmp(p, "Source:", 7) == 0)
					has_source = true;
				keep = !skipping;
			}
		}
		if (keep && (bpo_buf_append(out, p, n, err) < 0 ||
			     ((nl || (!done && in_stanza)) && bpo_buf_puts(out, "\n", err) < 0)))
			return -1;
		p += n + (nl ? 1 : 0);
	}
	if (!done && in_stanza && value &&
	    bpo_buf_printf(out, err, "XSC-%s: %s\n", field, value) < 0)
		return -1;
	if (!has_source)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "debian/control: the first stanza has no Source field");
	return 0;
}

int bpo_fixes_json(const struct bpo_fixes *f, struct bpo_buf *out, struct bpo_error *err)
{
	if (bpo_buf_puts(out, "[", err) < 0)
		return -1;
	for (size_t i = 0; i < f->n; i++) {
		const struct bpo_fix *x = &f->v[i];
		if (bpo_buf_puts(out, i ? ",{" : "{", err) < 0 ||
		    bpo_json_member(out, true, "id", x->id, err) < 0 ||
		    bpo_json_member(out, false, "via", bpo_fix_via_name(x->via), err) < 0 ||
		    bpo_json_member(out, false, "patch", x->patch, err) < 0 ||
		    bpo_json_member(out, false, "version", x->version, err) < 0 ||
		    bpo_buf_puts(out, "}", err) < 0)
			return -1;
	}
	return bpo_buf_puts(out, "]", err);
}
