/* SPDX-License-Identifier: GPL-2.0-or-later */
/* changelog: write and read debian/changelog entries (see changelog.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changelog.h"
#include "fsutil.h"
#include "version.h"
#include "xmem.h"

static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Format t as an RFC 2822 date in UTC, locale-free (see changelog.h). */
void bpo_changelog_date_format(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
	    tm.tm_mon > 11) {
		snprintf(buf, size, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	snprintf(buf, size, "%s, %02d %s %04d %02d:%02d:%02d +0000", wdays[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
}

/* Read 1..max digits at *s into *n, advancing *s. */
static bool read_num(const char **s, unsigned max, unsigned *n)
{
	unsigned v = 0, k = 0;
	while (is_digit(**s) && k < max) {
		v = v * 10 + (unsigned)(**s - '0');
		(*s)++;
		k++;
	}
	*n = v;
	return k > 0 && !is_digit(**s);
}

static void skip_blanks(const char **s)
{
	while (**s == ' ' || **s == '\t')
		(*s)++;
}

/* Parse "[Day, ]DD Mon YYYY HH:MM:SS +ZZZZ" (see changelog.h). */
int bpo_changelog_date_parse(const char *s, time_t *out)
{
	unsigned day, year, hh, mm, ss, zone, mon = 12;
	skip_blanks(&s);
	if (!is_digit(*s)) {
		/* A day name, then a comma. */
		size_t n = 0;
		while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))
			n++;
		if (n == 0 || s[n] != ',')
			return -1;
		s += n + 1;
		skip_blanks(&s);
	}
	if (!read_num(&s, 2, &day) || day < 1 || day > 31 || (*s != ' ' && *s != '\t'))
		return -1;
	skip_blanks(&s);
	for (unsigned i = 0; i < 12; i++)
		if (strncmp(s, months[i], 3) == 0 && (s[3] == ' ' || s[3] == '\t'))
			mon = i;
	if (mon == 12)
		return -1;
	s += 3;
	skip_blanks(&s);
	if (!read_num(&s, 4, &year) || year < 1970 || (*s != ' ' && *s != '\t'))
		return -1;
	skip_blanks(&s);
	if (!read_num(&s, 2, &hh) || *s++ != ':' || !read_num(&s, 2, &mm) || *s++ != ':' ||
	    !read_num(&s, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
		return -1;
	skip_blanks(&s);
	char sign = *s++;
	if ((sign != '+' && sign != '-') || !read_num(&s, 4, &zone) || zone % 100 > 59)
		return -1;
	skip_blanks(&s);
	if (*s != '\0')
		return -1;
	int64_t t = days_from_civil(year, mon + 1, day) * 86400 + hh * 3600 + mm * 60 + ss;
	int64_t off = (int64_t)(zone / 100) * 3600 + (zone % 100) * 60;
	t += sign == '+' ? -off : off;
	*out = (time_t)t;
	return 0;
}

/* The entry date: SOURCE_DATE_EPOCH or now (see changelog.h). */
int bpo_changelog_now(time_t *out, struct bpo_error *err)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end = NULL;
		errno = 0;
		unsigned long long v = strtoull(sde, &end, 10);
		if (!is_digit(sde[0]) || errno || *end || v > (unsigned long long)INT64_MAX / 2)
			return bpo_error_set(err, BPO_E_USAGE,
					     "SOURCE_DATE_EPOCH='%s': expected seconds since 1970",
					     sde);
		*out = (time_t)v;
		return 0;
	}
	*out = time(NULL);
	return 0;
}

static bool has_newline(const char *s)
{
	return s && strpbrk(s, "\r\n") != NULL;
}

/* "Name <email>": a name, then <...@...> at the end. */
static bool maintainer_ok(const char *m)
{
	const char *lt = strrchr(m, '<');
	size_t len = strlen(m);
	if (!lt || lt == m || len < 5 || m[len - 1] != '>' || has_newline(m))
		return false;
	if (lt[-1] != ' ' || m[0] == ' ')
		return false;
	const char *at = strchr(lt, '@');
	return at && at > lt + 1 && at < m + len - 2 && !memchr(lt + 1, '<', (size_t)(m + len - lt - 1));
}

/* NAME's value in the devscripts configuration files, as dch reads them
 * (/etc/devscripts.conf, then ~/.devscripts, the last assignment winning):
 * NAME=value, NAME="value" or NAME='value', optionally after "export"; a
 * value that needs the shell ($, `) is not taken. NULL when unset. */
char *bpo_changelog_devscripts_var(const char *name)
{
	const char *home = getenv("HOME");
	char *files[2] = {bpo_xstrdup("/etc/devscripts.conf"),
			  home && *home ? bpo_path_join(home, ".devscripts") : NULL};
	char *val = NULL;
	size_t nl = strlen(name);

	for (size_t f = 0; f < 2; f++) {
		struct bpo_buf b;
		bpo_buf_init(&b, 1u << 20);
		if (files[f] && bpo_file_read(files[f], 1u << 20, &b, NULL) == 0 && b.data) {
			for (const char *l = b.data; *l;) {
				size_t n = strcspn(l, "\n");
				const char *p = l + strspn(l, " \t"), *end = l + n;
				l += n + (l[n] == '\n');
				if (strncmp(p, "export ", 7) == 0)
					p += 7 + strspn(p + 7, " \t");
				if ((size_t)(end - p) <= nl || strncmp(p, name, nl) != 0 || p[nl] != '=')
					continue;
				p += nl + 1;
				size_t vl;
				if (*p == '"' || *p == '\'') {
					const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
					if (!q)
						continue;
					vl = (size_t)(q - p - 1);
					p++;
				} else {
					vl = strcspn(p, " \t#\n");
				}
				char *v = bpo_xstrndup(p, vl);
				if (strpbrk(v, "$`\\")) {
					free(v);
					continue;
				}
				free(val);
				val = v;
			}
		}
		bpo_buf_destroy(&b);
		free(files[f]);
	}
	return val;
}

/* The maintainer line from recipe, config or environment (see changelog.h). */
int bpo_changelog_maintainer(const char *recipe_maintainer, const char *conf_name,
			     const char *conf_email, char **out, struct bpo_error *err)
{
	char *m = NULL;
	const char *from = NULL;
	const char *env_name = getenv("DEBFULLNAME"), *env_email = getenv("DEBEMAIL");
	/* the environment first, then the devscripts files dch reads */
	char *ds_name = NULL, *ds_email = NULL;
	if (!env_name || !*env_name)
		env_name = ds_name = bpo_changelog_devscripts_var("DEBFULLNAME");
	if (!env_email || !*env_email)
		env_email = ds_email = bpo_changelog_devscripts_var("DEBEMAIL");

	*out = NULL;
	if (recipe_maintainer && *recipe_maintainer) {
		m = bpo_xstrdup(recipe_maintainer);
		from = "the recipe's changelog.maintainer";
	} else if (conf_name && *conf_name && conf_email && *conf_email) {
		m = bpo_xasprintf("%s <%s>", conf_name, conf_email);
		from = "the configuration's maintainer";
	} else if (env_email && *env_email && strchr(env_email, '<')) {
		m = bpo_xstrdup(env_email);
		from = "DEBEMAIL";
	} else if (env_name && *env_name && env_email && *env_email) {
		m = bpo_xasprintf("%s <%s>", env_name, env_email);
		from = "DEBFULLNAME/DEBEMAIL";
	} else {
		free(ds_name);
		free(ds_email);
		return bpo_error_set(err, BPO_E_USAGE,
				     "no maintainer for the changelog entry: set "
				     "changelog.maintainer in the recipe, maintainer in "
				     "bpo.conf, or DEBFULLNAME and DEBEMAIL (environment or "
				     "~/.devscripts)");
	}
	free(ds_name);
	free(ds_email);
	if (!maintainer_ok(m)) {
		bpo_error_set(err, BPO_E_SYNTAX, "maintainer '%s' from %s: expected 'Name <email>'",
			      m, from);
		free(m);
		return -1;
	}
	*out = m;
	return 0;
}

/* Append "  * text" wrapped at the width, continuation lines indented by 4. */
static int put_bullet(struct bpo_buf *out, const char *text, struct bpo_error *err)
{
	size_t col = 0;
	const char *p = text;
	if (bpo_buf_puts(out, "  *", err) < 0)
		return -1;
	col = 3;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t w = strcspn(p, " \t");
		if (col > 4 && col + 1 + w > BPO_CHANGELOG_WIDTH) {
			if (bpo_buf_puts(out, "\n   ", err) < 0)
				return -1;
			col = 3;
		}
		if (bpo_buf_puts(out, " ", err) < 0 || bpo_buf_append(out, p, w, err) < 0)
			return -1;
		col += 1 + w;
		p += w;
	}
	return bpo_buf_puts(out, "\n", err);
}

static bool cve_ok(const char *id)
{
	if (strncmp(id, "CVE-", 4) != 0)
		return false;
	const char *p = id + 4;
	for (int i = 0; i < 4; i++)
		if (!is_digit(*p++))
			return false;
	if (*p++ != '-')
		return false;
	size_t n = strspn(p, "0123456789");
	return n >= 4 && n <= 12 && p[n] == '\0';
}

static bool source_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 200 || !is_lower_alnum(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '.' && s[i] != '+' && s[i] != '-')
			return false;
	return true;
}

static bool token_ok(const char *s, const char *extra)
{
	if (!s || !*s || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if (!is_lower_alnum(*s) && !(*s >= 'A' && *s <= 'Z') && !strchr(extra, *s))
			return false;
	return true;
}

/* The fixes' bullets: one per patch ("Fix ID, ID (NAME)."), then one per
 * version the others came with ("Carry the fixes of V for ID, ID."). */
static int put_fixes(struct bpo_buf *out, const struct bpo_fixes *fx, struct bpo_error *err)
{
	bool *done = bpo_xcalloc(fx->n + 1, sizeof(*done));
	int rc = -1;

	for (size_t i = 0; i < fx->n; i++) {
		struct bpo_buf ids;
		const struct bpo_fix *a = &fx->v[i];
		char *line;
		int x;
		if (done[i])
			continue;
		bpo_buf_init(&ids, 1u << 16);
		for (size_t k = i; k < fx->n; k++) {
			const struct bpo_fix *b = &fx->v[k];
			bool same = a->via == BPO_FIX_PATCH
					    ? b->via == BPO_FIX_PATCH && strcmp(a->patch, b->patch) == 0
					    : b->via != BPO_FIX_PATCH && b->version && a->version &&
						      strcmp(a->version, b->version) == 0;
			if (k != i && !same)
				continue;
			if (!bpo_fix_id_ok(b->id) || has_newline(b->id)) {
				bpo_error_set(err, BPO_E_SYNTAX, "changelog: '%s' is not an advisory id",
					      b->id);
				bpo_buf_destroy(&ids);
				goto out;
			}
			bpo_buf_printf(&ids, NULL, "%s%s", ids.len ? ", " : "", b->id);
			done[k] = true;
		}
		if (a->via == BPO_FIX_PATCH)
			line = bpo_xasprintf("Fix %s (%s).", ids.data, a->patch);
		else if (a->version)
			line = bpo_xasprintf("Carry the fixes of %s for %s.", a->version, ids.data);
		else
			line = bpo_xasprintf("Carry the fixes for %s.", ids.data);
		x = put_bullet(out, line, err);
		free(line);
		bpo_buf_destroy(&ids);
		if (x < 0)
			goto out;
	}
	rc = 0;
out:
	free(done);
	return rc;
}

/* Format a new entry (see changelog.h). */
int bpo_changelog_format(const struct bpo_changelog_entry *e, struct bpo_buf *out,
			 struct bpo_error *err)
{
	int ret = -1;
	char date[64];
	char *line = NULL;
	struct bpo_buf cves;
	const char *urgency = e->urgency ? e->urgency : "medium";

	bpo_buf_init(&cves, 1u << 16);
	if (!e->source || !source_ok(e->source))
		return bpo_error_set(err, BPO_E_SYNTAX, "changelog: invalid source name '%s'",
				     e->source ? e->source : "");
	if (!token_ok(e->version, ".+~:-"))
		return bpo_error_set(err, BPO_E_SYNTAX, "changelog: invalid version '%s'",
				     e->version ? e->version : "");
	if (!token_ok(e->distribution, ".+-"))
		return bpo_error_set(err, BPO_E_SYNTAX, "changelog: invalid distribution '%s'",
				     e->distribution ? e->distribution : "");
	if (!token_ok(urgency, "-"))
		return bpo_error_set(err, BPO_E_SYNTAX, "changelog: invalid urgency '%s'", urgency);
	if (!e->maintainer || !maintainer_ok(e->maintainer))
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "changelog: maintainer '%s': expected 'Name <email>'",
				     e->maintainer ? e->maintainer : "");

	if (bpo_buf_printf(out, err, "%s (%s) %s; urgency=%s\n\n", e->source, e->version,
			   e->distribution, urgency) < 0)
		goto out;
	if (e->text && *e->text) {
		/* Each non-empty line of the text is a bullet ("* " in front is optional). */
		const char *p = e->text;
		while (*p) {
			size_t n = strcspn(p, "\r\n");
			line = bpo_xstrndup(p, n);
			char *l = line;
			while (*l == ' ' || *l == '\t')
				l++;
			if (l[0] == '*' && (l[1] == ' ' || l[1] == '\0'))
				l++;
			while (*l == ' ')
				l++;
			if (*l && put_bullet(out, l, err) < 0)
				goto out;
			free(line);
			line = NULL;
			p += n;
			while (*p == '\r' || *p == '\n')
				p++;
		}
	} else {
		line = bpo_xasprintf("Rebuild for %s.", e->distribution);
		if (put_bullet(out, line, err) < 0)
			goto out;
		free(line);
		line = NULL;
	}
	for (size_t i = 0; i < e->n_patches; i++) {
		const struct bpo_changelog_patch *pt = &e->patches[i];
		const char *d = pt->description;
		if (!pt->name || !*pt->name || has_newline(pt->name)) {
			bpo_error_set(err, BPO_E_SYNTAX, "changelog: patch %zu has no valid name", i + 1);
			goto out;
		}
		size_t dn = d ? strcspn(d, "\r\n") : 0;
		while (dn > 0 && (d[dn - 1] == ' ' || d[dn - 1] == '\t'))
			dn--;
		if (dn > 0)
			line = bpo_xasprintf("%s %s: %.*s", pt->in_series ? "Add patch" : "Apply",
					     pt->name, (int)dn, d);
		else
			line = bpo_xasprintf("%s %s.", pt->in_series ? "Add patch" : "Apply", pt->name);
		if (put_bullet(out, line, err) < 0)
			goto out;
		free(line);
		line = NULL;
	}
	if (e->cves && e->cves[0]) {
		size_t n = 0;
		for (; e->cves[n]; n++) {
			if (!cve_ok(e->cves[n])) {
				bpo_error_set(err, BPO_E_SYNTAX,
					      "changelog: '%s' is not a CVE id (CVE-YYYY-NNNN)",
					      e->cves[n]);
				goto out;
			}
			if (bpo_buf_printf(&cves, err, "%s%s", n ? ", " : "", e->cves[n]) < 0)
				goto out;
		}
		line = bpo_xasprintf("Fix %s.", cves.data);
		if (put_bullet(out, line, err) < 0)
			goto out;
	}
	if (e->fixes && put_fixes(out, e->fixes, err) < 0)
		goto out;
	bpo_changelog_date_format(e->date, date, sizeof(date));
	if (bpo_buf_printf(out, err, "\n -- %s  %s\n", e->maintainer, date) < 0)
		goto out;
	ret = 0;
out:
	free(line);
	bpo_buf_destroy(&cves);
	return ret;
}

/* Prepend a new entry to the changelog file at path (see changelog.h). */
int bpo_changelog_prepend(const char *path, const struct bpo_changelog_entry *e,
			  struct bpo_error *err)
{
	int ret = -1;
	struct bpo_buf old, out;
	bpo_buf_init(&old, BPO_MAX_CONTROL);
	bpo_buf_init(&out, BPO_MAX_CONTROL + (1u << 20));
	if (bpo_file_read(path, BPO_MAX_CONTROL, &old, err) < 0)
		goto out;
	if (bpo_changelog_format(e, &out, err) < 0)
		goto out;
	if (old.len > 0 && (bpo_buf_puts(&out, "\n", err) < 0 ||
			    bpo_buf_append(&out, old.data, old.len, err) < 0))
		goto out;
	if (bpo_file_write_atomic(path, out.data, out.len, 0644, err) < 0)
		goto out;
	ret = 0;
out:
	bpo_buf_destroy(&old);
	bpo_buf_destroy(&out);
	return ret;
}

void bpo_changelog_top_init(struct bpo_changelog_top *top)
{
	memset(top, 0, sizeof(*top));
}

/* Free the strings of top (see changelog.h). */
void bpo_changelog_top_destroy(struct bpo_changelog_top *top)
{
	if (!top)
		return;
	free(top->source);
	free(top->version);
	free(top->distribution);
	free(top->urgency);
	free(top->maintainer);
	free(top->date_text);
	bpo_changelog_top_init(top);
}

/* Parse "source (version) dist...; urgency=x, k=v" into top. */
static int parse_header(const char *l, size_t n, const char *name, unsigned lineno,
			struct bpo_changelog_top *top, struct bpo_error *err)
{
	const char *end = l + n;
	const char *p = l;
	while (p < end && (is_lower_alnum(*p) || *p == '.' || *p == '+' || *p == '-'))
		p++;
	if (p == l || p + 2 > end || *p != ' ' || p[1] != '(')
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s:%u: expected 'source (version) distribution; urgency=...'",
				     name, lineno);
	top->source = bpo_xstrndup(l, (size_t)(p - l));
	const char *v = p + 2;
	const char *close = memchr(v, ')', (size_t)(end - v));
	if (!close || close == v || memchr(v, ' ', (size_t)(close - v)))
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: expected '(version)' after '%s'",
				     name, lineno, top->source);
	top->version = bpo_xstrndup(v, (size_t)(close - v));
	const char *semi = memchr(close, ';', (size_t)(end - close));
	if (!semi)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: expected ';' after the distribution",
				     name, lineno);
	const char *d = close + 1;
	while (d < semi && *d == ' ')
		d++;
	const char *de = semi;
	while (de > d && de[-1] == ' ')
		de--;
	if (de == d)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: expected a distribution after '(%s)'",
				     name, lineno, top->version);
	top->distribution = bpo_xstrndup(d, (size_t)(de - d));
	const char *u = semi + 1;
	for (const char *q = u; q + 8 <= end; q++) {
		if (strncmp(q, "urgency=", 8) == 0) {
			const char *us = q + 8, *ue = us;
			while (ue < end && *ue != ',' && *ue != ' ')
				ue++;
			top->urgency = bpo_xstrndup(us, (size_t)(ue - us));
			break;
		}
	}
	return 0;
}

/* Parse " -- Name <email>  Date". */
static int parse_trailer(const char *l, size_t n, const char *name, unsigned lineno,
			 struct bpo_changelog_top *top, struct bpo_error *err)
{
	const char *end = l + n;
	const char *gt = NULL;
	for (const char *q = l + 4; q < end; q++)
		if (*q == '>')
			gt = q;
	if (!gt || gt + 2 >= end || gt[1] != ' ')
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s:%u: expected ' -- Name <email>  Date' in the trailer line",
				     name, lineno);
	top->maintainer = bpo_xstrndup(l + 4, (size_t)(gt + 1 - (l + 4)));
	const char *ds = gt + 1;
	while (ds < end && *ds == ' ')
		ds++;
	top->date_text = bpo_xstrndup(ds, (size_t)(end - ds));
	if (bpo_changelog_date_parse(top->date_text, &top->date) < 0)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s:%u: date '%s': expected RFC 2822 "
				     "'Day, DD Mon YYYY HH:MM:SS +ZZZZ'",
				     name, lineno, top->date_text);
	return 0;
}

/* Parse the first entry of a changelog (see changelog.h). */
int bpo_changelog_parse_top(const char *data, size_t len, const char *name,
			    struct bpo_changelog_top *top, struct bpo_error *err)
{
	size_t pos = 0;
	unsigned lineno = 0;
	bool have_header = false;

	bpo_changelog_top_destroy(top);
	while (pos < len) {
		const char *l = data + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (memchr(l, '\0', n)) {
			bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: NUL byte", name, lineno);
			goto fail;
		}
		size_t blank = 0;
		while (blank < n && (l[blank] == ' ' || l[blank] == '\t'))
			blank++;
		if (!have_header) {
			if (blank == n)
				continue;
			if (parse_header(l, n, name, lineno, top, err) < 0)
				goto fail;
			have_header = true;
			continue;
		}
		if (n >= 4 && strncmp(l, " -- ", 4) == 0) {
			if (parse_trailer(l, n, name, lineno, top, err) < 0)
				goto fail;
			return 0;
		}
		if (blank == 0 && n > 0) {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s:%u: expected an indented change line or the "
				      "' -- ' trailer of '%s (%s)'",
				      name, lineno, top->source, top->version);
			goto fail;
		}
	}
	bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: %s", name, lineno ? lineno : 1,
		      have_header ? "expected the ' -- Name <email>  Date' trailer line"
				  : "expected a changelog entry, found none");
fail:
	bpo_changelog_top_destroy(top);
	return -1;
}

/* Read and parse the top entry of a changelog file (see changelog.h). */
int bpo_changelog_load_top(const char *path, struct bpo_changelog_top *top,
			   struct bpo_error *err)
{
	struct bpo_buf b;
	bpo_buf_init(&b, BPO_MAX_CONTROL);
	int r = bpo_file_read(path, BPO_MAX_CONTROL, &b, err);
	if (r == 0)
		r = bpo_changelog_parse_top(b.data, b.len, path, top, err);
	bpo_buf_destroy(&b);
	return r;
}

char *bpo_changelog_since_version(const char *data, size_t len, const char *want)
{
	char *best = NULL;
	size_t pos = 0;

	while (want && pos < len) {
		const char *l = data + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		pos += n + (nl ? 1 : 0);
		if (n == 0 || isspace((unsigned char)l[0]))
			continue;
		const char *op = memchr(l, '(', n), *cp = op ? memchr(op, ')', n - (size_t)(op - l))
							  : NULL;
		if (!op || !cp || op == l || op[-1] != ' ')
			continue;
		char *v = bpo_xstrndup(op + 1, (size_t)(cp - op - 1));
		int c = bpo_version_compare_str(v, want);
		if (c == 0) {
			free(best);
			return v;
		}
		if (c < 0 && (!best || bpo_version_compare_str(v, best) > 0)) {
			free(best);
			best = v;
		} else {
			free(v);
		}
	}
	return best;
}
