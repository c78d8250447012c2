/* SPDX-License-Identifier: GPL-2.0-or-later */
/* patch: unified diff parser, series applier, refit and diff (see patch.h). */
#include "config.h"
#include "patch.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "json.h"
#include "xmem.h"

/* A cursor over the patch text, line by line. */
struct scan {
	const char *p, *end;
	unsigned lineno;
	const char *name;
};

/* The next line [*s, *s + *n) without its '\n' (a '\r' stays); false at end. */
static bool peek_line(const struct scan *sc, const char **s, size_t *n)
{
	const char *nl;
	if (sc->p >= sc->end)
		return false;
	nl = memchr(sc->p, '\n', (size_t)(sc->end - sc->p));
	*s = sc->p;
	*n = nl ? (size_t)(nl - sc->p) : (size_t)(sc->end - sc->p);
	return true;
}

static void next_line(struct scan *sc)
{
	const char *nl = memchr(sc->p, '\n', (size_t)(sc->end - sc->p));
	sc->p = nl ? nl + 1 : sc->end;
	sc->lineno++;
}

/* The line after the current one, if any. */
static bool peek_line2(const struct scan *sc, const char **s, size_t *n)
{
	struct scan t = *sc;
	if (t.p >= t.end)
		return false;
	next_line(&t);
	return peek_line(&t, s, n);
}

static bool starts(const char *s, size_t n, const char *pfx)
{
	size_t k = strlen(pfx);
	return n >= k && memcmp(s, pfx, k) == 0;
}

/* Drop a trailing '\r' (header lines of a CRLF mail). */
static size_t chomp_cr(const char *s, size_t n)
{
	return n > 0 && s[n - 1] == '\r' ? n - 1 : n;
}

/* Unquote a git C-style quoted name "..." (escapes \\ \" \t \n \r \a \b \f \v \ooo). */
static char *unquote(const char *s, size_t n, size_t *used)
{
	struct bpo_buf b;
	size_t i = 1;
	bpo_buf_init(&b, n + 1);
	while (i < n && s[i] != '"') {
		char c = s[i++];
		if (c == '\\' && i < n) {
			char e = s[i++];
			switch (e) {
			case 't': c = '\t'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'v': c = '\v'; break;
			default:
				if (e >= '0' && e <= '3' && i + 1 < n && s[i] >= '0' && s[i] <= '7' &&
				    s[i + 1] >= '0' && s[i + 1] <= '7') {
					c = (char)(((e - '0') << 6) | ((s[i] - '0') << 3) |
						   (s[i + 1] - '0'));
					i += 2;
				} else {
					c = e;
				}
			}
		}
		bpo_buf_append(&b, &c, 1, NULL);
	}
	if (used)
		*used = i < n ? i + 1 : n;
	return bpo_buf_steal(&b, NULL);
}

/* A file name from a "--- NAME\tdate" line (the part after the marker). */
static char *header_name(const char *s, size_t n)
{
	size_t k;
	n = chomp_cr(s, n);
	if (n > 0 && s[0] == '"')
		return unquote(s, n, NULL);
	for (k = 0; k < n && s[k] != '\t'; k++)
		;
	/* diff -u without a tab: "name  2024-01-01 ..." is rare; names with spaces are kept. */
	while (k > 0 && (s[k - 1] == ' '))
		k--;
	return bpo_xstrndup(s, k);
}

static bool is_dev_null(const char *p)
{
	return p == NULL || strcmp(p, "/dev/null") == 0;
}

static int parse_ulong(const char **pp, const char *end, unsigned long *v)
{
	const char *p = *pp;
	unsigned long x = 0;
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	while (p < end && *p >= '0' && *p <= '9') {
		if (x > (ULONG_MAX - 9) / 10 || x > 100000000ul)
			return -1;
		x = x * 10 + (unsigned long)(*p - '0');
		p++;
	}
	*pp = p;
	*v = x;
	return 0;
}

/* "@@ -a[,b] +c[,d] @@" */
static int parse_hunk_header(const char *s, size_t n, struct bpo_patch_hunk *h)
{
	const char *p = s + 4, *end = s + n;
	h->old_count = h->new_count = 1;
	if (parse_ulong(&p, end, &h->old_start) < 0)
		return -1;
	if (p < end && *p == ',') {
		p++;
		if (parse_ulong(&p, end, &h->old_count) < 0)
			return -1;
	}
	if (end - p < 2 || p[0] != ' ' || p[1] != '+')
		return -1;
	p += 2;
	if (parse_ulong(&p, end, &h->new_start) < 0)
		return -1;
	if (p < end && *p == ',') {
		p++;
		if (parse_ulong(&p, end, &h->new_count) < 0)
			return -1;
	}
	if (end - p < 3 || memcmp(p, " @@", 3) != 0)
		return -1;
	return 0;
}

static int parse_hunk(struct scan *sc, struct bpo_patch_hunk *h, struct bpo_error *err)
{
	const char *s;
	size_t n, cap = 0;
	unsigned long old_left, new_left;

	h->line = sc->lineno;
	peek_line(sc, &s, &n);
	if (parse_hunk_header(s, chomp_cr(s, n), h) < 0)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s:%u: malformed hunk header (expected \"@@ -a,b +c,d @@\")",
				     sc->name, sc->lineno);
	next_line(sc);
	old_left = h->old_count;
	new_left = h->new_count;
	while (old_left > 0 || new_left > 0) {
		struct bpo_patch_line *l;
		char op;
		if (!peek_line(sc, &s, &n))
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: truncated hunk: %lu old and %lu new lines missing",
					     sc->name, sc->lineno, old_left, new_left);
		op = n == 0 ? ' ' : s[0];
		if (op == '\\') {
			next_line(sc);
			continue; /* a stray marker; handled after the line it follows */
		}
		if (op != ' ' && op != '-' && op != '+')
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: hunk line starts with '%c', expected ' ', '-' or "
					     "'+' (%lu old and %lu new lines still missing)",
					     sc->name, sc->lineno, op >= 32 && op < 127 ? op : '?',
					     old_left, new_left);
		if ((op != '+' && old_left == 0) || (op != '-' && new_left == 0))
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: hunk has more lines than its header says",
					     sc->name, sc->lineno);
		if (op != '+')
			old_left--;
		if (op != '-')
			new_left--;
		BPO_GROW(h->lines, cap, h->n_lines + 1);
		l = &h->lines[h->n_lines++];
		l->op = op;
		l->text = n == 0 ? s : s + 1;
		/* the line with its '\n' (if the text has one) */
		l->len = n == 0 ? 0 : n - 1;
		if (s + n < sc->end)
			l->len++;
		next_line(sc);
		if (peek_line(sc, &s, &n) && n > 0 && s[0] == '\\') {
			if (l->len > 0 && l->text[l->len - 1] == '\n')
				l->len--;
			next_line(sc);
		}
	}
	/* A "\ No newline" after the last line was consumed above. */
	return 0;
}

/* git's "diff --git a/X b/Y": when both names are the same, split it exactly. */
static void git_names(const char *s, size_t n, char **a, char **b)
{
	size_t half;
	n = chomp_cr(s, n);
	if (n > 0 && s[0] == '"') {
		size_t used;
		*a = unquote(s, n, &used);
		if (used + 1 < n && s[used] == ' ')
			*b = s[used + 1] == '"' ? unquote(s + used + 1, n - used - 1, NULL)
						: bpo_xstrndup(s + used + 1, n - used - 1);
		return;
	}
	if (n >= 5 && (n - 1) % 2 == 0) {
		half = (n - 1) / 2;
		if (s[half] == ' ' && memcmp(s + 2, s + half + 3, half - 2) == 0) {
			*a = bpo_xstrndup(s, half);
			*b = bpo_xstrndup(s + half + 1, half);
			return;
		}
	}
	/* different names: take " b/" as the separator */
	for (size_t i = 0; i + 3 < n; i++) {
		if (memcmp(s + i, " b/", 3) == 0) {
			*a = bpo_xstrndup(s, i);
			*b = bpo_xstrndup(s + i + 1, n - i - 1);
			return;
		}
	}
}

static unsigned parse_mode(const char *s, size_t n)
{
	unsigned m = 0;
	n = chomp_cr(s, n);
	for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '7' && i < 8; i++)
		m = m * 8 + (unsigned)(s[i] - '0');
	return m;
}

/* Does a file's diff start at the current line? */
static bool file_start(const struct scan *sc)
{
	const char *s, *s2;
	size_t n, n2;
	if (!peek_line(sc, &s, &n))
		return false;
	if (starts(s, n, "diff --git "))
		return true;
	if (starts(s, n, "--- ") && peek_line2(sc, &s2, &n2) && starts(s2, n2, "+++ "))
		return true;
	if ((starts(s, n, "Index: ") || starts(s, n, "diff ")) && peek_line2(sc, &s2, &n2) &&
	    (starts(s2, n2, "--- ") || starts(s2, n2, "=====")))
		return true;
	return false;
}

static void file_destroy(struct bpo_patch_file *f)
{
	for (size_t i = 0; i < f->n_hunks; i++)
		free(f->hunks[i].lines);
	free(f->hunks);
	free(f->old_path);
	free(f->new_path);
}

static int check_name(const char *pname, unsigned line, const char *path, struct bpo_error *err)
{
	if (path == NULL)
		return 0;
	if (path[0] == '\0')
		return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: empty file name", pname, line);
	return 0;
}

/* Parse one file's headers and hunks starting at a file_start() line. */
static int parse_file(struct scan *sc, struct bpo_patch_file *f, struct bpo_error *err)
{
	const char *s;
	size_t n, hcap = 0;
	bool seen_minus = false, seen_plus = false;
	char *ga = NULL, *gb = NULL;
	int rc = -1;

	f->line = sc->lineno;
	/* The preamble lines: Index:, ====, diff ..., git extended headers. */
	while (peek_line(sc, &s, &n)) {
		size_t m = chomp_cr(s, n);
		if (starts(s, m, "diff --git ")) {
			if (f->git || seen_minus)
				break; /* the next file */
			f->git = true;
			git_names(s + 11, m - 11, &ga, &gb);
		} else if (starts(s, m, "Index: ") || starts(s, m, "=====") ||
			   (starts(s, m, "diff ") && !f->git)) {
			if (f->git || seen_minus)
				break;
		} else if (f->git && starts(s, m, "new file mode ")) {
			f->op = BPO_PATCH_CREATE;
			f->new_mode = parse_mode(s + 14, m - 14);
		} else if (f->git && starts(s, m, "deleted file mode ")) {
			f->op = BPO_PATCH_DELETE;
			f->old_mode = parse_mode(s + 18, m - 18);
		} else if (f->git && starts(s, m, "old mode ")) {
			f->old_mode = parse_mode(s + 9, m - 9);
		} else if (f->git && starts(s, m, "new mode ")) {
			f->new_mode = parse_mode(s + 9, m - 9);
		} else if (f->git && (starts(s, m, "rename from ") || starts(s, m, "copy from "))) {
			size_t k = s[0] == 'r' ? 12 : 10;
			f->op = s[0] == 'r' ? BPO_PATCH_RENAME : BPO_PATCH_COPY;
			free(f->old_path);
			f->old_path = s[k] == '"' ? unquote(s + k, m - k, NULL)
						  : bpo_xstrndup(s + k, m - k);
		} else if (f->git && (starts(s, m, "rename to ") || starts(s, m, "copy to "))) {
			size_t k = s[0] == 'r' ? 10 : 8;
			free(f->new_path);
			f->new_path = s[k] == '"' ? unquote(s + k, m - k, NULL)
						  : bpo_xstrndup(s + k, m - k);
		} else if (f->git && (starts(s, m, "similarity index ") ||
				      starts(s, m, "dissimilarity index ") ||
				      starts(s, m, "index "))) {
			/* nothing to keep */
		} else if (f->git && (starts(s, m, "GIT binary patch") ||
				      starts(s, m, "Binary files "))) {
			rc = bpo_error_set(err, BPO_E_SYNTAX,
					   "%s:%u: binary patch for %s: bpo applies text patches only",
					   sc->name, sc->lineno, gb ? gb : "a file");
			goto out;
		} else if (starts(s, m, "Binary files ")) {
			rc = bpo_error_set(err, BPO_E_SYNTAX,
					   "%s:%u: binary files differ: bpo applies text patches only",
					   sc->name, sc->lineno);
			goto out;
		} else if (starts(s, m, "--- ") && !seen_minus) {
			char *nm = header_name(s + 4, n - 4);
			seen_minus = true;
			if (f->op != BPO_PATCH_RENAME && f->op != BPO_PATCH_COPY) {
				free(f->old_path);
				f->old_path = nm;
			} else {
				free(nm);
			}
		} else if (starts(s, m, "+++ ") && seen_minus && !seen_plus) {
			char *nm = header_name(s + 4, n - 4);
			seen_plus = true;
			if (f->op != BPO_PATCH_RENAME && f->op != BPO_PATCH_COPY) {
				free(f->new_path);
				f->new_path = nm;
			} else {
				free(nm);
			}
			next_line(sc);
			break;
		} else if (f->git) {
			break; /* unknown line: the end of this git header */
		} else if (!seen_minus) {
			/* other lines between "Index:"/"diff" and "---" are ignored */
		} else {
			break;
		}
		next_line(sc);
	}
	if (seen_minus && !seen_plus) {
		rc = bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: \"---\" line without \"+++\" line",
				   sc->name, f->line);
		goto out;
	}
	if (!seen_minus && !f->git) {
		rc = bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: file header without \"---\"/\"+++\" lines",
				   sc->name, f->line);
		goto out;
	}
	/* git: names from the diff --git line when there were no ---/+++ (empty files, modes) */
	if (f->git && !seen_minus) {
		if (f->old_path == NULL && f->op != BPO_PATCH_CREATE)
			f->old_path = ga ? bpo_xstrdup(ga) : NULL;
		if (f->new_path == NULL && f->op != BPO_PATCH_DELETE)
			f->new_path = gb ? bpo_xstrdup(gb) : NULL;
		if ((f->op != BPO_PATCH_CREATE && f->old_path == NULL) ||
		    (f->op != BPO_PATCH_DELETE && f->new_path == NULL)) {
			rc = bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: cannot read the file names of "
					   "\"diff --git\"", sc->name, f->line);
			goto out;
		}
	}
	if (f->git && (f->op == BPO_PATCH_RENAME || f->op == BPO_PATCH_COPY)) {
		/* rename from/to are given without the a/ b/ prefix: add them so that -p1 works */
		char *o = f->old_path, *nw = f->new_path;
		if (!o || !nw) {
			rc = bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: rename/copy without both names",
					   sc->name, f->line);
			goto out;
		}
		f->old_path = bpo_xasprintf("a/%s", o);
		f->new_path = bpo_xasprintf("b/%s", nw);
		free(o);
		free(nw);
	}
	if (is_dev_null(f->old_path) && !is_dev_null(f->new_path) && f->op == BPO_PATCH_MODIFY)
		f->op = BPO_PATCH_CREATE;
	if (is_dev_null(f->new_path) && !is_dev_null(f->old_path) && f->op == BPO_PATCH_MODIFY)
		f->op = BPO_PATCH_DELETE;
	if (f->old_path && strcmp(f->old_path, "/dev/null") == 0) {
		free(f->old_path);
		f->old_path = NULL;
	}
	if (f->new_path && strcmp(f->new_path, "/dev/null") == 0) {
		free(f->new_path);
		f->new_path = NULL;
	}
	if (f->old_path == NULL && f->new_path == NULL) {
		rc = bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: both file names are /dev/null",
				   sc->name, f->line);
		goto out;
	}
	if (check_name(sc->name, f->line, f->old_path, err) < 0 ||
	    check_name(sc->name, f->line, f->new_path, err) < 0)
		goto out;
	if ((f->old_mode & 0170000) == 0120000 || (f->new_mode & 0170000) == 0120000 ||
	    (f->old_mode & 0170000) == 0160000 || (f->new_mode & 0170000) == 0160000) {
		rc = bpo_error_set(err, BPO_E_SYNTAX,
				   "%s:%u: %s: symlink or submodule entries are not supported",
				   sc->name, f->line, f->new_path ? f->new_path : f->old_path);
		goto out;
	}
	/* hunks */
	while (peek_line(sc, &s, &n) && starts(s, n, "@@ -")) {
		if (f->n_hunks >= BPO_MAX_PATCH_HUNKS) {
			rc = bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: more than %u hunks", sc->name,
					   sc->lineno, BPO_MAX_PATCH_HUNKS);
			goto out;
		}
		BPO_GROW(f->hunks, hcap, f->n_hunks + 1);
		memset(&f->hunks[f->n_hunks], 0, sizeof(f->hunks[0]));
		f->n_hunks++;
		if (parse_hunk(sc, &f->hunks[f->n_hunks - 1], err) < 0)
			goto out;
	}
	if (peek_line(sc, &s, &n) && (starts(s, n, "GIT binary patch") || starts(s, n, "Binary files "))) {
		rc = bpo_error_set(err, BPO_E_SYNTAX,
				   "%s:%u: binary patch: bpo applies text patches only", sc->name,
				   sc->lineno);
		goto out;
	}
	if (f->n_hunks == 0 && !f->git) {
		rc = bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: no hunks for %s", sc->name,
				   sc->lineno, f->new_path ? f->new_path : f->old_path);
		goto out;
	}
	rc = 0;
out:
	free(ga);
	free(gb);
	return rc;
}

/* -p1 unless the paths have no directory part (then -p0). */
static int detect_strip(const struct bpo_patch *p)
{
	for (size_t i = 0; i < p->n_files; i++) {
		const struct bpo_patch_file *f = &p->files[i];
		if (f->git)
			continue;
		if ((f->old_path && !strchr(f->old_path, '/')) ||
		    (f->new_path && !strchr(f->new_path, '/')))
			return 0;
	}
	return 1;
}

/* Parse a unified diff; see patch.h. */
int bpo_patch_parse(const char *text, size_t len, const char *name, struct bpo_patch *out,
		    struct bpo_error *err)
{
	struct scan sc;
	size_t fcap = 0;
	bool header_done = false;

	memset(out, 0, sizeof(*out));
	out->name = bpo_xstrdup(name);
	if (len > BPO_MAX_PATCH)
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: patch of %zu bytes is larger than the "
				     "limit of %u", name, len, BPO_MAX_PATCH);
	out->text = bpo_xmalloc(len + 1);
	if (len)
		memcpy(out->text, text, len);
	out->text[len] = '\0';
	out->len = len;
	sc.p = out->text;
	sc.end = out->text + len;
	sc.lineno = 1;
	sc.name = name;
	while (sc.p < sc.end) {
		if (!file_start(&sc)) {
			const char *s;
			size_t n;
			peek_line(&sc, &s, &n);
			n = chomp_cr(s, n);
			if (header_done && starts(s, n, "Binary files ") && n > 7 &&
			    memcmp(s + n - 7, " differ", 7) == 0)
				return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: binary files differ: "
						     "bpo applies text patches only", name,
						     sc.lineno);
			next_line(&sc);
			continue;
		}
		if (!header_done) {
			out->header = bpo_xstrndup(out->text, (size_t)(sc.p - out->text));
			header_done = true;
		}
		if (out->n_files >= BPO_MAX_PATCH_FILES)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: more than %u files", name,
					     BPO_MAX_PATCH_FILES);
		BPO_GROW(out->files, fcap, out->n_files + 1);
		memset(&out->files[out->n_files], 0, sizeof(out->files[0]));
		out->n_files++;
		if (parse_file(&sc, &out->files[out->n_files - 1], err) < 0)
			return -1;
	}
	if (out->n_files == 0)
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "%s: no diff found (expected \"--- a/FILE\", \"+++ b/FILE\" and "
				     "\"@@\" hunks)", name);
	out->strip = detect_strip(out);
	return 0;
}

/* Read and parse a patch file. */
int bpo_patch_load(const char *path, struct bpo_patch *out, struct bpo_error *err)
{
	struct bpo_buf b;
	const char *base = strrchr(path, '/');
	int rc;

	memset(out, 0, sizeof(*out));
	bpo_buf_init(&b, BPO_MAX_PATCH);
	rc = bpo_file_read(path, BPO_MAX_PATCH, &b, err);
	if (rc == 0)
		rc = bpo_patch_parse(b.data ? b.data : "", b.len, base ? base + 1 : path, out, err);
	else
		out->name = bpo_xstrdup(base ? base + 1 : path);
	bpo_buf_destroy(&b);
	return rc;
}

/* Free everything a parsed patch owns (NULL is fine). */
void bpo_patch_destroy(struct bpo_patch *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_files; i++)
		file_destroy(&p->files[i]);
	free(p->files);
	free(p->name);
	free(p->text);
	free(p->header);
	memset(p, 0, sizeof(*p));
}

/* The series parser proper: on failure out holds what was read so far. */
static int series_parse(const char *text, size_t len, const char *name,
			struct bpo_patch_series *out, struct bpo_error *err)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		char *line = bpo_xstrndup(p, (size_t)(le - p));
		char *tok[8];
		size_t nt = 0;
		char *q = line;
		int strip = 1;

		lineno++;
		p = nl ? nl + 1 : end;
		/* comments: '#' at the start or after whitespace */
		for (char *c = line; *c; c++) {
			if (*c == '#' && (c == line || *(c - 1) == ' ' || *(c - 1) == '\t')) {
				*c = '\0';
				break;
			}
		}
		while (*q && nt < 8) {
			while (*q == ' ' || *q == '\t' || *q == '\r')
				q++;
			if (!*q)
				break;
			tok[nt++] = q;
			while (*q && *q != ' ' && *q != '\t' && *q != '\r')
				q++;
			if (*q)
				*q++ = '\0';
		}
		if (nt == 0) {
			free(line);
			continue;
		}
		for (size_t i = 1; i < nt; i++) {
			const char *o = tok[i];
			if (o[0] == '-' && o[1] == 'p' && o[2] >= '0' && o[2] <= '9' && o[3] == '\0') {
				strip = o[2] - '0';
			} else {
				bpo_error_set(err, BPO_E_SYNTAX,
					      "%s:%u: unsupported option '%s' for %s (only -pN)",
					      name, lineno, o, tok[0]);
				free(line);
				return -1;
			}
		}
		if (!bpo_path_relative_ok(tok[0])) {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s:%u: patch name '%s' must be a relative path without '..'",
				      name, lineno, tok[0]);
			free(line);
			return -1;
		}
		if (out->n >= BPO_MAX_SERIES) {
			free(line);
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: more than %u patches", name,
					     BPO_MAX_SERIES);
		}
		BPO_GROW(out->v, cap, out->n + 1);
		out->v[out->n].name = bpo_xstrdup(tok[0]);
		out->v[out->n].strip = strip;
		out->v[out->n].line = lineno;
		out->n++;
		free(line);
	}
	return 0;
}

/* Parse a quilt series file; see patch.h. */
int bpo_patch_series_parse(const char *text, size_t len, const char *name,
			   struct bpo_patch_series *out, struct bpo_error *err)
{
	int rc = series_parse(text, len, name, out, err);
	if (rc < 0)
		bpo_patch_series_destroy(out);
	return rc;
}

/* Free a parsed series (NULL is fine). */
void bpo_patch_series_destroy(struct bpo_patch_series *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* ------------------------------------------------------------------------ */
/* Lines of a file, as spans into its content. */

struct span {
	const char *p;
	size_t len;
};

struct lines {
	struct span *v;
	size_t n;
};

static void split_lines(const char *data, size_t len, struct lines *out)
{
	size_t n = 0, i = 0;
	const char *p = data, *end = data + len;
	for (const char *q = data; q < end; q++)
		if (*q == '\n')
			n++;
	if (len > 0 && data[len - 1] != '\n')
		n++;
	out->n = n;
	out->v = bpo_xcalloc(n ? n : 1, sizeof(*out->v));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl + 1 : end;
		out->v[i].p = p;
		out->v[i].len = (size_t)(le - p);
		i++;
		p = le;
	}
}

static bool span_eq(const struct span *a, const struct span *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* Append one hunk line as the patch writes it ("\ No newline" when it has no '\n'). */
static int put_line(struct bpo_buf *out, char op, const char *text, size_t len,
		    struct bpo_error *err)
{
	if (bpo_buf_append(out, &op, 1, err) < 0 || bpo_buf_append(out, text, len, err) < 0)
		return -1;
	if (len == 0 || text[len - 1] != '\n')
		return bpo_buf_puts(out, "\n\\ No newline at end of file\n", err);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Locating and applying hunks (GNU patch's locate_hunk, with byte-exact lines). */

struct hunk_pat {
	struct span *old, *new_;
	size_t n_old, n_new, pre, suf;
};

static void hunk_pat_init(const struct bpo_patch_hunk *h, struct hunk_pat *hp)
{
	size_t i;
	memset(hp, 0, sizeof(*hp));
	hp->old = bpo_xcalloc(h->n_lines + 1, sizeof(struct span));
	hp->new_ = bpo_xcalloc(h->n_lines + 1, sizeof(struct span));
	for (i = 0; i < h->n_lines; i++) {
		const struct bpo_patch_line *l = &h->lines[i];
		struct span s = {l->text, l->len};
		if (l->op != '+')
			hp->old[hp->n_old++] = s;
		if (l->op != '-')
			hp->new_[hp->n_new++] = s;
	}
	for (i = 0; i < h->n_lines && h->lines[i].op == ' '; i++)
		hp->pre++;
	for (i = h->n_lines; i > 0 && h->lines[i - 1].op == ' '; i--)
		hp->suf++;
	if (hp->pre == h->n_lines) /* all context */
		hp->suf = 0;
}

static void hunk_pat_destroy(struct hunk_pat *hp)
{
	free(hp->old);
	free(hp->new_);
}

static bool match_at(const struct lines *in, long where, const struct span *pat, size_t npat,
		     size_t pdrop, size_t sdrop)
{
	if (where < 0 || (size_t)where + npat - sdrop > in->n)
		return false;
	for (size_t i = pdrop; i + sdrop < npat; i++)
		if (!span_eq(&in->v[(size_t)where + i], &pat[i]))
			return false;
	return true;
}

struct located {
	long where;
	size_t pdrop, sdrop;
};

static bool locate(const struct lines *in, const struct span *pat, size_t npat, size_t pre,
		   size_t suf, unsigned fuzz, long guess, long frozen, unsigned long stated,
		   struct located *loc)
{
	long nin = (long)in->n;
	long ctx = (long)(pre > suf ? pre : suf);
	long pfz = (long)fuzz + (long)pre - ctx, sfz = (long)fuzz + (long)suf - ctx;
	long maxw, minw;
	size_t pd, sd;

	if (npat == 0) {
		if (guess < frozen || guess > nin)
			return false;
		loc->where = guess;
		loc->pdrop = loc->sdrop = 0;
		return true;
	}
	if (pfz < 0 && stated <= 1) {
		/* can only match at the start of the file */
		sd = sfz < 0 ? 0 : (size_t)sfz < suf ? (size_t)sfz : suf;
		if (sfz < 0 && (long)npat != nin)
			return false;
		if (frozen > 0 || !match_at(in, 0, pat, npat, 0, sd))
			return false;
		loc->where = 0;
		loc->pdrop = 0;
		loc->sdrop = sd;
		return true;
	}
	if (pfz < 0)
		pfz = 0;
	pd = (size_t)pfz < pre ? (size_t)pfz : pre;
	minw = frozen - (long)(pre - pd);
	if (minw < 0)
		minw = 0;
	if (sfz < 0) {
		/* can only match at the end of the file */
		long w = nin - (long)npat;
		if (w < minw || !match_at(in, w, pat, npat, pd, 0))
			return false;
		loc->where = w;
		loc->pdrop = pd;
		loc->sdrop = 0;
		return true;
	}
	sd = (size_t)sfz < suf ? (size_t)sfz : suf;
	maxw = nin - (long)(npat - sd);
	if (maxw < minw)
		return false;
	for (long off = 0;; off++) {
		bool any = false;
		if (guess + off <= maxw) {
			any = true;
			if (guess + off >= minw && match_at(in, guess + off, pat, npat, pd, sd)) {
				loc->where = guess + off;
				goto found;
			}
		}
		if (off > 0 && guess - off >= minw) {
			any = true;
			if (guess - off <= maxw && match_at(in, guess - off, pat, npat, pd, sd)) {
				loc->where = guess - off;
				goto found;
			}
		}
		if (!any)
			return false;
	}
found:
	loc->pdrop = pd;
	loc->sdrop = sd;
	return true;
}

/* Write one hunk as text (for .rej files). */
static int put_hunk(struct bpo_buf *out, const struct bpo_patch_hunk *h, struct bpo_error *err)
{
	if (bpo_buf_printf(out, err, "@@ -%lu,%lu +%lu,%lu @@\n", h->old_start, h->old_count,
			   h->new_start, h->new_count) < 0)
		return -1;
	for (size_t i = 0; i < h->n_lines; i++)
		if (put_line(out, h->lines[i].op, h->lines[i].text, h->lines[i].len, err) < 0)
			return -1;
	return 0;
}

/*
 * Apply f's hunks to data: the result goes to out (failed hunks left out), each
 * hunk's result to res[], the failed hunks to rej (if not NULL). Returns the
 * number of failed hunks, or -1 when a buffer cap is hit.
 */
static long apply_hunks(const struct bpo_patch_file *f, const char *data, size_t len,
			unsigned maxfuzz, struct bpo_patch_hunk_result *res, struct bpo_buf *out,
			struct bpo_buf *rej, struct bpo_error *err)
{
	struct lines in;
	long in_offset = 0, frozen = 0, failed = 0;
	size_t cursor = 0;

	split_lines(data, len, &in);
	for (size_t hi = 0; hi < f->n_hunks; hi++) {
		const struct bpo_patch_hunk *h = &f->hunks[hi];
		struct hunk_pat hp;
		struct located loc;
		long start0 = (long)(h->old_count ? (h->old_start ? h->old_start - 1 : 0)
						  : h->old_start);
		long guess = start0 + in_offset;
		size_t ctx;
		bool found = false, reverse = false;
		unsigned fz;

		hunk_pat_init(h, &hp);
		ctx = hp.pre > hp.suf ? hp.pre : hp.suf;
		/* as GNU patch: at each fuzz level the hunk, then its reverse */
		for (fz = 0; fz <= maxfuzz && (fz == 0 || fz <= ctx); fz++) {
			if (locate(&in, hp.old, hp.n_old, hp.pre, hp.suf, fz, guess, frozen,
				   h->old_start, &loc)) {
				found = true;
				break;
			}
			if (hp.n_new > 0 &&
			    locate(&in, hp.new_, hp.n_new, hp.pre, hp.suf, fz, guess, frozen,
				   h->new_start, &loc)) {
				reverse = true;
				break;
			}
		}
		if (found) {
			size_t core = (size_t)loc.where + hp.pre;
			for (size_t i = cursor; i < core; i++)
				if (bpo_buf_append(out, in.v[i].p, in.v[i].len, err) < 0)
					goto fail;
			for (size_t i = hp.pre; i + hp.suf < hp.n_new; i++)
				if (bpo_buf_append(out, hp.new_[i].p, hp.new_[i].len, err) < 0)
					goto fail;
			cursor = (size_t)loc.where + hp.n_old - hp.suf;
			frozen = loc.where + (long)(hp.n_old - loc.sdrop);
			in_offset = loc.where - start0;
			res[hi].status = fz ? BPO_HUNK_FUZZ : in_offset ? BPO_HUNK_OFFSET : BPO_HUNK_CLEAN;
			res[hi].fuzz = fz;
			res[hi].offset = in_offset;
			res[hi].line = (unsigned long)loc.where + 1;
		} else if (reverse) {
			/* the reverse applies: already applied; leave those lines as they are */
			frozen = loc.where + (long)hp.n_new;
			in_offset = loc.where - start0;
			res[hi].status = BPO_HUNK_ALREADY;
			res[hi].fuzz = fz;
			res[hi].offset = in_offset;
			res[hi].line = (unsigned long)loc.where + 1;
		} else {
			res[hi].status = BPO_HUNK_FAILED;
			res[hi].offset = 0;
			res[hi].line = (unsigned long)(guess < 0 ? 0 : guess) + 1;
			failed++;
			if (rej && put_hunk(rej, h, err) < 0)
				goto fail;
		}
		hunk_pat_destroy(&hp);
		continue;
fail:
		hunk_pat_destroy(&hp);
		free(in.v);
		return -1;
	}
	for (size_t i = cursor; i < in.n; i++)
		if (bpo_buf_append(out, in.v[i].p, in.v[i].len, err) < 0) {
			free(in.v);
			return -1;
		}
	free(in.v);
	return failed;
}

/* ------------------------------------------------------------------------ */
/* The tree: every path walked component by component under the tree's fd. */

/* Open the directory holding rel (relative, normalised) without following
 * symlinks. create: make missing directories (their paths pushed on created).
 * Returns the fd, or -1 with *missing (nothing exists there) or err set. */
static int open_parent(int treefd, const char *rel, bool create, struct bpo_strv *created,
		       bool *missing, struct bpo_error *err)
{
	char *copy = bpo_xstrdup(rel), *p = copy, *slash;
	int fd = dup(treefd);

	if (missing)
		*missing = false;
	if (fd < 0) {
		bpo_error_set(err, BPO_E_IO, "dup: %s", strerror(errno));
		goto out;
	}
	while ((slash = strchr(p, '/')) != NULL) {
		struct stat st;
		int nfd;
		*slash = '\0';
		if (fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT) {
				bpo_error_set(err, BPO_E_IO, "%s: %s", copy, strerror(errno));
				goto fail;
			}
			if (!create) {
				if (missing)
					*missing = true;
				goto fail;
			}
			if (mkdirat(fd, p, 0755) < 0) {
				bpo_error_set(err, BPO_E_IO, "%s: cannot create directory: %s", copy,
					      strerror(errno));
				goto fail;
			}
			if (created)
				bpo_strv_push(created, copy);
		} else if (S_ISLNK(st.st_mode)) {
			bpo_error_set(err, BPO_E_SYNTAX,
				      "%s: path goes through the symlink %s: refused", rel, copy);
			goto fail;
		} else if (!S_ISDIR(st.st_mode)) {
			bpo_error_set(err, BPO_E_FAIL, "%s: %s is not a directory", rel, copy);
			goto fail;
		}
		nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			bpo_error_set(err, errno == ELOOP ? BPO_E_SYNTAX : BPO_E_IO,
				      "%s: cannot open directory %s: %s", rel, copy, strerror(errno));
			goto fail;
		}
		close(fd);
		fd = nfd;
		*slash = '/';
		p = slash + 1;
	}
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	fd = -1;
out:
	free(copy);
	return fd;
}

static const char *leaf_of(const char *rel)
{
	const char *s = strrchr(rel, '/');
	return s ? s + 1 : rel;
}

struct vfile {
	char *path;
	bool loaded, existed, exists, touched;
	mode_t orig_mode, mode;
	char *data;
	size_t len;
	/* refit: the state before the current patch */
	bool snapped, snap_exists;
	char *snap;
	size_t snap_len;
};

struct vtree {
	int fd;
	struct vfile *v;
	size_t n, cap;
	size_t *slots; /* open-addressing index: vfile index + 1, 0 = empty */
	size_t n_slots;
};

static size_t path_hash(const char *s)
{
	size_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Index of path in t->v, or SIZE_MAX; *slot gets where it is or would go. */
static size_t vtree_find(const struct vtree *t, const char *path, size_t *slot)
{
	size_t i;
	if (t->n_slots == 0)
		return SIZE_MAX;
	for (i = path_hash(path) & (t->n_slots - 1);; i = (i + 1) & (t->n_slots - 1)) {
		if (t->slots[i] == 0) {
			*slot = i;
			return SIZE_MAX;
		}
		if (strcmp(t->v[t->slots[i] - 1].path, path) == 0) {
			*slot = i;
			return t->slots[i] - 1;
		}
	}
}

static void vtree_rehash(struct vtree *t)
{
	size_t n = t->n_slots ? t->n_slots * 2 : 64;
	free(t->slots);
	t->slots = bpo_xcalloc(n, sizeof(*t->slots));
	t->n_slots = n;
	for (size_t i = 0; i < t->n; i++) {
		size_t slot = 0;
		vtree_find(t, t->v[i].path, &slot);
		t->slots[slot] = i + 1;
	}
}

static int vfile_load(struct vtree *t, struct vfile *f, struct bpo_error *err)
{
	struct stat st;
	bool missing;
	int pfd, fd = -1, rc = -1;
	struct bpo_buf b;

	bpo_buf_init(&b, BPO_MAX_PATCHED_FILE);
	f->loaded = true;
	pfd = open_parent(t->fd, f->path, false, NULL, &missing, err);
	if (pfd < 0) {
		if (!missing)
			return -1;
		f->existed = f->exists = false;
		return 0;
	}
	if (fstatat(pfd, leaf_of(f->path), &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT) {
			f->existed = f->exists = false;
			rc = 0;
		} else {
			bpo_error_set(err, BPO_E_IO, "%s: %s", f->path, strerror(errno));
		}
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		bpo_error_set(err, BPO_E_SYNTAX, "%s: is a symlink: refused", f->path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		bpo_error_set(err, BPO_E_FAIL, "%s: not a regular file", f->path);
		goto out;
	}
	if ((uint64_t)st.st_size > BPO_MAX_PATCHED_FILE) {
		bpo_error_set(err, BPO_E_FAIL, "%s: file larger than %u bytes", f->path,
			      BPO_MAX_PATCHED_FILE);
		goto out;
	}
	fd = openat(pfd, leaf_of(f->path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot open: %s", f->path, strerror(errno));
		goto out;
	}
	for (;;) {
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			bpo_error_set(err, BPO_E_IO, "%s: read error: %s", f->path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (bpo_buf_append(&b, chunk, (size_t)n, err) < 0) {
			bpo_error_prefix(err, "%s", f->path);
			goto out;
		}
	}
	f->existed = f->exists = true;
	f->orig_mode = f->mode = st.st_mode & 0777;
	f->data = bpo_buf_steal(&b, &f->len);
	rc = 0;
out:
	bpo_buf_destroy(&b);
	if (fd >= 0)
		close(fd);
	close(pfd);
	return rc;
}

static struct vfile *vtree_get(struct vtree *t, const char *path, struct bpo_error *err)
{
	struct vfile *f;
	size_t slot = 0, i = vtree_find(t, path, &slot);
	if (i != SIZE_MAX)
		return &t->v[i];
	BPO_GROW(t->v, t->cap, t->n + 1);
	f = &t->v[t->n];
	memset(f, 0, sizeof(*f));
	f->path = bpo_xstrdup(path);
	if (vfile_load(t, f, err) < 0) {
		free(f->path);
		free(f->data);
		return NULL;
	}
	t->n++;
	if (t->n * 2 > t->n_slots)
		vtree_rehash(t);
	else
		t->slots[slot] = t->n;
	return f;
}

static void vtree_destroy(struct vtree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].data);
		free(t->v[i].snap);
	}
	free(t->v);
	free(t->slots);
	if (t->fd >= 0)
		close(t->fd);
}

/* Set a file's new content (takes ownership of data). */
static void vfile_set(struct vfile *f, char *data, size_t len, bool exists, mode_t mode)
{
	free(f->data);
	f->data = data;
	f->len = len;
	f->exists = exists;
	f->mode = mode;
	f->touched = true;
}

/* Strip n leading components from a header path and normalise it; refuse
 * absolute paths and "..", also when the stripping leaves one ("a//etc/x"
 * with -p1 is /etc/x, as GNU patch counts slashes). */
static int resolve_path(const char *raw, int strip, char **out, struct bpo_error *err)
{
	const char *p = raw;
	struct bpo_buf b;

	*out = NULL;
	if (raw[0] == '/')
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: absolute path refused", raw);
	for (int i = 0; i < strip; i++) {
		const char *s = strchr(p, '/');
		if (!s)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s: cannot strip %d leading components", raw, strip);
		p = s + 1;
	}
	if (*p == '/')
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: absolute path after -p%d refused", raw,
				     strip);
	bpo_buf_init(&b, 65536);
	while (*p) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			bpo_buf_destroy(&b);
			return bpo_error_set(err, BPO_E_SYNTAX, "%s: '..' in a path refused", raw);
		}
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if ((b.len > 0 && bpo_buf_append(&b, "/", 1, err) < 0) ||
			    bpo_buf_append(&b, p, n, err) < 0) {
				bpo_buf_destroy(&b);
				return -1;
			}
		}
		p = s ? s + 1 : p + n;
	}
	if (b.len == 0) {
		bpo_buf_destroy(&b);
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: empty path after -p%d", raw, strip);
	}
	*out = bpo_buf_steal(&b, NULL);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The series. */

void bpo_patch_report_init(struct bpo_patch_report *rep)
{
	memset(rep, 0, sizeof(*rep));
}

/* Free a report's contents (NULL is fine). */
void bpo_patch_report_destroy(struct bpo_patch_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->n; i++) {
		struct bpo_patch_result *r = &rep->patches[i];
		for (size_t j = 0; j < r->n_files; j++) {
			free(r->files[j].path);
			free(r->files[j].hunks);
			free(r->files[j].error);
		}
		free(r->files);
		free(r->name);
		free(r->refit);
	}
	free(rep->patches);
	memset(rep, 0, sizeof(*rep));
}

const char *bpo_patch_hunk_status_name(enum bpo_hunk_status s)
{
	switch (s) {
	case BPO_HUNK_CLEAN: return "clean";
	case BPO_HUNK_OFFSET: return "offset";
	case BPO_HUNK_FUZZ: return "fuzz";
	case BPO_HUNK_FAILED: return "fails";
	case BPO_HUNK_ALREADY: return "already applied";
	}
	return "?";
}

/* Per-run state of apply_series. */
struct run {
	struct vtree t;
	const struct bpo_patch_opts *opts;
	struct bpo_error first; /* the first failure */
	size_t *touched;        /* refit: vfiles touched by the current patch, in order */
	size_t n_touched, cap_touched;
};

static void note_fail(struct run *r, struct bpo_patch_result *pr,
		      struct bpo_patch_file_result *fr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void note_fail(struct run *r, struct bpo_patch_result *pr,
		      struct bpo_patch_file_result *fr, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	va_start(ap, fmt);
	msg = bpo_xvasprintf(fmt, ap);
	va_end(ap);
	pr->failed = true;
	if (fr && !fr->error)
		fr->error = bpo_xstrdup(msg);
	if (r->first.kind == BPO_E_NONE)
		bpo_error_set(&r->first, BPO_E_FAIL, "patch %s: %s", pr->name, msg);
	free(msg);
}

/* Remember f's state before the current patch (for refit). */
static void snap(struct run *r, struct vfile *f)
{
	if (!r->opts->refit || f->snapped)
		return;
	f->snapped = true;
	f->snap_exists = f->exists;
	f->snap = f->exists ? bpo_xstrndup(f->data ? f->data : "", f->len) : NULL;
	f->snap_len = f->exists ? f->len : 0;
	BPO_GROW(r->touched, r->cap_touched, r->n_touched + 1);
	r->touched[r->n_touched++] = (size_t)(f - r->t.v);
}

static bool exists_in(struct run *r, const char *path, struct bpo_error *err, int *rc)
{
	struct vfile *f = vtree_get(&r->t, path, err);
	if (!f) {
		*rc = -1;
		return false;
	}
	return f->exists;
}

/* Write the failed hunks of a file to PATH.rej in the tree (--edit). */
static int add_rej(struct run *r, const char *path, struct bpo_buf *rej, struct bpo_error *err)
{
	char *rp = bpo_xasprintf("%s.rej", path);
	struct vfile *f = vtree_get(&r->t, rp, err);
	struct bpo_buf full;
	int rc = -1;

	bpo_buf_init(&full, BPO_MAX_PATCH);
	if (!f)
		goto out;
	if (bpo_buf_printf(&full, err, "--- a/%s\n+++ b/%s\n", path, path) < 0 ||
	    bpo_buf_append(&full, rej->data, rej->len, err) < 0)
		goto out;
	{
		size_t len;
		char *d = bpo_buf_steal(&full, &len);
		vfile_set(f, d, len, true, 0644);
	}
	rc = 0;
out:
	bpo_buf_destroy(&full);
	free(rp);
	return rc;
}

/* Apply one file of a patch to the in-memory tree. -1 only for hard errors
 * (hostile path, I/O); hunk failures are noted in the report. */
static int apply_file(struct run *r, const struct bpo_patch *p, int strip,
		      const struct bpo_patch_file *pf, struct bpo_patch_result *pr,
		      struct bpo_patch_file_result *fr, struct bpo_error *err)
{
	char *oldp = NULL, *newp = NULL, *target, *src_path = NULL;
	struct vfile *src = NULL, *dst = NULL;
	struct bpo_buf out, rej;
	enum bpo_patch_op op = pf->op;
	int rc = -1;
	long nfail;

	bpo_buf_init(&out, BPO_MAX_PATCHED_FILE);
	bpo_buf_init(&rej, BPO_MAX_PATCH);
	fr->op = op;
	fr->n_hunks = pf->n_hunks;
	fr->hunks = bpo_xcalloc(pf->n_hunks ? pf->n_hunks : 1, sizeof(*fr->hunks));
	if ((pf->old_path && resolve_path(pf->old_path, strip, &oldp, err) < 0) ||
	    (pf->new_path && resolve_path(pf->new_path, strip, &newp, err) < 0))
		goto out;
	/* which name: as GNU patch, the one that exists; both: the shorter */
	if (op == BPO_PATCH_MODIFY && oldp && newp && strcmp(oldp, newp) != 0) {
		int erc = 0;
		bool eo = exists_in(r, oldp, err, &erc), en = exists_in(r, newp, err, &erc);
		if (erc < 0)
			goto out;
		if (eo && en)
			target = strlen(leaf_of(oldp)) < strlen(leaf_of(newp)) ? oldp : newp;
		else
			target = eo ? oldp : newp;
	} else {
		target = newp ? newp : oldp;
	}
	fr->path = bpo_xstrdup(target);
	for (size_t i = 0; i < pf->n_hunks; i++)
		fr->hunks[i].line = pf->hunks[i].old_start;
	/* diff -N and dpkg-source 1.0 diffs: "@@ -0,0 +1,N @@" on a missing file
	 * creates it; "@@ -1,N +0,0 @@" deletes it (dpkg-source runs patch -E) */
	if (op == BPO_PATCH_MODIFY && !pf->git && pf->n_hunks > 0) {
		const struct bpo_patch_hunk *h0 = &pf->hunks[0], *hl = &pf->hunks[pf->n_hunks - 1];
		if (pf->n_hunks == 1 && h0->old_start == 0 && h0->old_count == 0) {
			/* an existing empty file is patched; a missing one created; a
			 * non-empty one is "file to create exists" (or already applied) */
			struct vfile *t = vtree_get(&r->t, target, err);
			if (!t)
				goto out;
			if (!t->exists || t->len > 0)
				op = BPO_PATCH_CREATE;
		} else if (hl->new_start == 0 && hl->new_count == 0) {
			op = BPO_PATCH_DELETE;
		}
		fr->op = op;
	}

	switch (op) {
	case BPO_PATCH_CREATE:
		dst = vtree_get(&r->t, target, err);
		if (!dst)
			goto out;
		nfail = apply_hunks(pf, "", 0, 0, fr->hunks, &out, NULL, err);
		if (nfail < 0)
			goto out;
		if (dst->exists) {
			if (out.len == dst->len && memcmp(out.data ? out.data : "",
							  dst->data ? dst->data : "", out.len) == 0) {
				for (size_t i = 0; i < pf->n_hunks; i++)
					fr->hunks[i].status = BPO_HUNK_ALREADY;
				break;
			}
			for (size_t i = 0; i < pf->n_hunks; i++)
				fr->hunks[i].status = BPO_HUNK_FAILED;
			note_fail(r, pr, fr, "%s: file to create already exists", target);
			if (r->opts->partial_rejects) {
				for (size_t i = 0; i < pf->n_hunks; i++)
					if (put_hunk(&rej, &pf->hunks[i], err) < 0)
						goto out;
				if (add_rej(r, target, &rej, err) < 0)
					goto out;
			}
			break;
		}
		snap(r, dst);
		{
			size_t len;
			char *d = bpo_buf_steal(&out, &len);
			vfile_set(dst, d, len, true,
				  pf->new_mode ? (mode_t)(pf->new_mode & 0777) : 0644);
		}
		break;
	case BPO_PATCH_DELETE:
	case BPO_PATCH_MODIFY:
	case BPO_PATCH_RENAME:
	case BPO_PATCH_COPY:
		src_path = oldp && op != BPO_PATCH_MODIFY && op != BPO_PATCH_DELETE ? oldp : target;
		src = vtree_get(&r->t, src_path, err);
		if (!src)
			goto out;
		if (op == BPO_PATCH_RENAME || op == BPO_PATCH_COPY) {
			dst = vtree_get(&r->t, newp, err);
			if (!dst)
				goto out;
			/* vtree_get may have grown the array: look src up again */
			src = vtree_get(&r->t, oldp, err);
			if (!src)
				goto out;
			if (!src->exists && dst->exists && op == BPO_PATCH_RENAME) {
				note_fail(r, pr, fr, "%s: file to rename does not exist (%s exists: "
					  "already applied?)", oldp, newp);
				break;
			}
			if (dst->exists && dst != src) {
				note_fail(r, pr, fr, "%s: rename/copy target already exists", newp);
				break;
			}
		}
		if (!src->exists) {
			for (size_t i = 0; i < pf->n_hunks; i++)
				fr->hunks[i].status = BPO_HUNK_FAILED;
			note_fail(r, pr, fr, "%s: file to %s does not exist", src->path,
				  op == BPO_PATCH_DELETE ? "delete" : op == BPO_PATCH_MODIFY ? "patch"
				  : op == BPO_PATCH_RENAME ? "rename" : "copy");
			if (r->opts->partial_rejects && pf->n_hunks > 0) {
				for (size_t i = 0; i < pf->n_hunks; i++)
					if (put_hunk(&rej, &pf->hunks[i], err) < 0)
						goto out;
				if (add_rej(r, target, &rej, err) < 0)
					goto out;
			}
			break;
		}
		nfail = apply_hunks(pf, src->data ? src->data : "", src->len, r->opts->fuzz,
				    fr->hunks, &out, &rej, err);
		if (nfail < 0) {
			bpo_error_prefix(err, "%s", target);
			goto out;
		}
		if (nfail > 0) {
			size_t k = 0;
			while (fr->hunks[k].status != BPO_HUNK_FAILED)
				k++;
			note_fail(r, pr, NULL, "%s: hunk %zu of %zu fails at line %lu", target, k + 1,
				  pf->n_hunks, fr->hunks[k].line);
			if (!r->opts->partial_rejects)
				break;
			if (add_rej(r, target, &rej, err) < 0)
				goto out;
			/* add_rej may have grown the array: look the files up again */
			src = vtree_get(&r->t, src_path, err);
			dst = newp ? vtree_get(&r->t, newp, err) : NULL;
			if (!src || (newp && !dst))
				goto out;
		}
		{
			size_t len;
			char *d = bpo_buf_steal(&out, &len);
			mode_t mode = src->mode;
			bool all_already = pf->n_hunks > 0;
			for (size_t i = 0; i < pf->n_hunks; i++)
				all_already = all_already && fr->hunks[i].status == BPO_HUNK_ALREADY;
			if (pf->new_mode && (pf->old_mode || op != BPO_PATCH_MODIFY))
				mode = (mode_t)(pf->new_mode & 0777);
			if (op == BPO_PATCH_DELETE) {
				if (len > 0 && nfail == 0 && !all_already) {
					free(d);
					note_fail(r, pr, fr, "%s: file to delete is not empty after "
						  "the patch", target);
					break;
				}
				free(d);
				if (all_already)
					break;
				snap(r, src);
				vfile_set(src, NULL, 0, false, 0);
			} else if (op == BPO_PATCH_MODIFY) {
				if (len == src->len && mode == src->mode &&
				    memcmp(d, src->data ? src->data : "", len) == 0) {
					free(d); /* nothing changes */
					break;
				}
				snap(r, src);
				vfile_set(src, d, len, true, mode);
			} else {
				snap(r, dst);
				vfile_set(dst, d, len, true, mode);
				if (op == BPO_PATCH_RENAME) {
					snap(r, src);
					vfile_set(src, NULL, 0, false, 0);
				}
			}
		}
		break;
	}
	rc = 0;
out:
	if (rc < 0 && !fr->error)
		fr->error = bpo_xstrdup(err ? err->msg : "error");
	bpo_buf_destroy(&out);
	bpo_buf_destroy(&rej);
	free(oldp);
	free(newp);
	return rc;
}

/* The refit text of the current patch: its header and a diff of every file it touched. */
static int make_refit(struct run *r, const struct bpo_patch *p, struct bpo_patch_result *pr,
		      struct bpo_error *err)
{
	struct bpo_buf b;
	int rc = -1;

	bpo_buf_init(&b, BPO_MAX_PATCH);
	if (bpo_buf_puts(&b, p->header ? p->header : "", err) < 0)
		goto out;
	for (size_t i = 0; i < r->n_touched; i++) {
		struct vfile *f = &r->t.v[r->touched[i]];
		if (bpo_patch_diff(f->path, f->snap_exists ? (f->snap ? f->snap : "") : NULL,
				   f->snap_len, f->exists ? (f->data ? f->data : "") : NULL, f->len,
				   &b, err) < 0)
			goto out;
	}
	pr->refit = bpo_buf_steal(&b, &pr->refit_len);
	rc = 0;
out:
	for (size_t i = 0; i < r->n_touched; i++) {
		struct vfile *f = &r->t.v[r->touched[i]];
		free(f->snap);
		f->snap = NULL;
		f->snapped = false;
	}
	r->n_touched = 0;
	bpo_buf_destroy(&b);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Writing the result: temp files first, then renames and removals. */

struct pending {
	size_t vi;
	char *tmp; /* leaf name of the temp file in the same directory */
};

static char *tmp_name(void)
{
	unsigned char rnd[8];
	char *s;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	s = bpo_xasprintf(".bpo-patch-%02x%02x%02x%02x%02x%02x%02x%02x.tmp", rnd[0], rnd[1],
			  rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	return s;
}

static int write_tmp(int pfd, const char *tmp, const struct vfile *f, struct bpo_error *err)
{
	const char *p = f->data ? f->data : "";
	size_t left = f->len;
	int fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return bpo_error_set(err, BPO_E_IO, "%s: cannot create a temporary file: %s",
				     f->path, strerror(errno));
	if (bpo_write_all(fd, p, left, f->path, err) < 0) {
		close(fd);
		return -1;
	}
	if (fchmod(fd, f->mode) < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: %s", f->path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return bpo_error_set(err, BPO_E_IO, "%s: close: %s", f->path, strerror(errno));
	return 0;
}

static int commit(struct vtree *t, struct bpo_error *err)
{
	struct pending *pend = NULL;
	size_t np = 0, cap = 0;
	struct bpo_strv created = {0};
	int rc = -1;

	for (size_t i = 0; i < t->n; i++) {
		struct vfile *f = &t->v[i];
		int pfd;
		if (!f->touched || (!f->exists && !f->existed))
			continue;
		BPO_GROW(pend, cap, np + 1);
		pend[np].vi = i;
		pend[np].tmp = NULL;
		np++;
		if (!f->exists)
			continue;
		pfd = open_parent(t->fd, f->path, true, &created, NULL, err);
		if (pfd < 0)
			goto rollback;
		pend[np - 1].tmp = tmp_name();
		if (write_tmp(pfd, pend[np - 1].tmp, f, err) < 0) {
			unlinkat(pfd, pend[np - 1].tmp, 0);
			close(pfd);
			free(pend[np - 1].tmp);
			pend[np - 1].tmp = NULL;
			goto rollback;
		}
		close(pfd);
	}
	/* every temp file is written: one syncfs for all of them (rather than an
	 * fsync each), then the renames and removals, then one more */
	if (syncfs(t->fd) < 0) {
		bpo_error_set(err, BPO_E_IO, "syncfs: %s", strerror(errno));
		goto rollback;
	}
	rc = 0;
	for (size_t i = 0; i < np; i++) {
		struct vfile *f = &t->v[pend[i].vi];
		int pfd = open_parent(t->fd, f->path, false, NULL, NULL, err);
		if (pfd < 0) {
			rc = -1;
			continue;
		}
		if (pend[i].tmp) {
			if (renameat(pfd, pend[i].tmp, pfd, leaf_of(f->path)) < 0)
				rc = bpo_error_set(err, BPO_E_IO, "%s: cannot rename into place: %s",
						   f->path, strerror(errno));
		} else if (unlinkat(pfd, leaf_of(f->path), 0) < 0 && errno != ENOENT) {
			rc = bpo_error_set(err, BPO_E_IO, "%s: cannot remove: %s", f->path,
					   strerror(errno));
		}
		close(pfd);
	}
	if (np > 0 && syncfs(t->fd) < 0)
		rc = bpo_error_set(err, BPO_E_IO, "syncfs: %s", strerror(errno));
	goto out;
rollback:
	for (size_t i = 0; i < np; i++) {
		if (pend[i].tmp) {
			int pfd = open_parent(t->fd, t->v[pend[i].vi].path, false, NULL, NULL, NULL);
			if (pfd >= 0) {
				unlinkat(pfd, pend[i].tmp, 0);
				close(pfd);
			}
		}
	}
	for (size_t i = created.n; i > 0; i--)
		unlinkat(t->fd, created.v[i - 1], AT_REMOVEDIR);
out:
	for (size_t i = 0; i < np; i++)
		free(pend[i].tmp);
	free(pend);
	bpo_strv_destroy(&created);
	return rc;
}

/* Apply a series all or nothing; see patch.h. */
int bpo_patch_apply_series(const char *tree, struct bpo_patch *const *patches, const int *strips,
			   size_t n, const struct bpo_patch_opts *opts,
			   struct bpo_patch_report *rep, struct bpo_error *err)
{
	struct bpo_patch_report local;
	struct run r;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.t.fd = -1;
	r.opts = opts;
	bpo_error_init(&r.first);
	if (!rep) {
		bpo_patch_report_init(&local);
		rep = &local;
	}
	r.t.fd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r.t.fd < 0) {
		bpo_error_set(err, errno == ENOENT ? BPO_E_NOTFOUND : BPO_E_IO,
			      "%s: cannot open the tree: %s", tree, strerror(errno));
		goto out;
	}
	rep->patches = bpo_xcalloc(n ? n : 1, sizeof(*rep->patches));
	rep->n = n;
	for (size_t i = 0; i < n; i++) {
		const struct bpo_patch *p = patches[i];
		struct bpo_patch_result *pr = &rep->patches[i];
		int strip = strips && strips[i] >= 0 ? strips[i]
			    : opts->strip >= 0	   ? opts->strip
						   : p->strip;
		bool all_already = true, any_hunk = false;

		pr->name = bpo_xstrdup(p->name);
		pr->files = bpo_xcalloc(p->n_files ? p->n_files : 1, sizeof(*pr->files));
		pr->n_files = p->n_files;
		for (size_t j = 0; j < p->n_files; j++) {
			if (apply_file(&r, p, p->files[j].git && strips == NULL && opts->strip < 0
					       ? 1 : strip,
				       &p->files[j], pr, &pr->files[j], err) < 0) {
				bpo_error_prefix(err, "patch %s", p->name);
				pr->failed = true;
				rep->failed = true;
				goto out;
			}
			for (size_t k = 0; k < pr->files[j].n_hunks; k++) {
				const struct bpo_patch_hunk_result *h = &pr->files[j].hunks[k];
				any_hunk = true;
				all_already = all_already && h->status == BPO_HUNK_ALREADY;
				if (h->status == BPO_HUNK_OFFSET || h->status == BPO_HUNK_FUZZ)
					pr->inexact = true;
			}
		}
		pr->already = any_hunk && all_already && !pr->failed;
		if (pr->failed)
			rep->failed = true;
		if (opts->refit && make_refit(&r, p, pr, err) < 0)
			goto out;
		if (pr->failed && opts->partial_rejects) {
			rep->n = i + 1;
			break;
		}
	}
	if (rep->failed && !opts->partial_rejects) {
		if (err)
			*err = r.first;
		goto out;
	}
	if (!opts->dry_run && commit(&r.t, err) < 0)
		goto out;
	rc = 0;
out:
	vtree_destroy(&r.t);
	free(r.touched);
	if (rep == &local)
		bpo_patch_report_destroy(&local);
	return rc;
}

/* Refit a series against a tree; see patch.h. */
int bpo_patch_refit(const char *tree, struct bpo_patch *const *patches, const int *strips,
		    size_t n, unsigned fuzz, char **texts, struct bpo_patch_report *rep,
		    struct bpo_error *err)
{
	struct bpo_patch_report local;
	struct bpo_patch_opts o = {.fuzz = fuzz, .strip = -1, .dry_run = true, .refit = true};
	struct bpo_patch_report *rp = rep ? rep : &local;
	int rc;

	bpo_patch_report_init(&local);
	for (size_t i = 0; i < n; i++)
		texts[i] = NULL;
	rc = bpo_patch_apply_series(tree, patches, strips, n, &o, rp, err);
	if (rc == 0)
		for (size_t i = 0; i < n && i < rp->n; i++) {
			texts[i] = rp->patches[i].refit;
			rp->patches[i].refit = NULL;
			if (rep) /* keep a copy in the caller's report too */
				rp->patches[i].refit = bpo_xstrndup(texts[i], rp->patches[i].refit_len);
		}
	bpo_patch_report_destroy(&local);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Diff: Myers' O(ND) algorithm on lines, after trimming the common ends. */

#define DIFF_MAX_D 3000 /* beyond this many edits: the middle is replaced whole */
#define DIFF_CONTEXT 3

enum { OP_EQ, OP_DEL, OP_INS };

struct edit {
	unsigned char op;
	size_t a, b; /* line index in old (EQ, DEL) / new (EQ, INS) */
};

struct edits {
	struct edit *v;
	size_t n, cap;
};

static void push_edit(struct edits *e, unsigned char op, size_t a, size_t b)
{
	BPO_GROW(e->v, e->cap, e->n + 1);
	e->v[e->n].op = op;
	e->v[e->n].a = a;
	e->v[e->n].b = b;
	e->n++;
}

/* Edits turning a[a0..a1) into b[b0..b1), appended (in order) to e. */
static void myers(const struct lines *a, size_t a0, size_t a1, const struct lines *b, size_t b0,
		  size_t b1, struct edits *e)
{
	long N = (long)(a1 - a0), M = (long)(b1 - b0), D = -1, max = N + M;
	long dmax = max < DIFF_MAX_D ? max : DIFF_MAX_D;
	long *V, **trace;
	struct edits rev = {0};

	V = bpo_xcalloc((size_t)(2 * max + 3), sizeof(long));
	trace = bpo_xcalloc((size_t)dmax + 1, sizeof(long *));
	for (long d = 0; d <= dmax && D < 0; d++) {
		for (long k = -d; k <= d; k += 2) {
			long x, y;
			if (k == -d || (k != d && V[k - 1 + max + 1] < V[k + 1 + max + 1]))
				x = V[k + 1 + max + 1];
			else
				x = V[k - 1 + max + 1] + 1;
			y = x - k;
			while (x < N && y < M &&
			       span_eq(&a->v[a0 + (size_t)x], &b->v[b0 + (size_t)y])) {
				x++;
				y++;
			}
			V[k + max + 1] = x;
			if (x >= N && y >= M)
				D = d;
		}
		trace[d] = bpo_xcalloc((size_t)(2 * d + 1), sizeof(long));
		for (long k = -d; k <= d; k++)
			trace[d][k + d] = V[k + max + 1];
	}
	if (D < 0) {
		/* too different: delete everything, insert everything */
		for (size_t i = a0; i < a1; i++)
			push_edit(e, OP_DEL, i, b0);
		for (size_t j = b0; j < b1; j++)
			push_edit(e, OP_INS, a1, j);
		goto out;
	}
	{
		long x = N, y = M;
		for (long d = D; d > 0; d--) {
			long k = x - y, pk, px, py;
			const long *P = trace[d - 1];
			bool down = k == -d || (k != d && P[k - 1 + d - 1] < P[k + 1 + d - 1]);
			pk = down ? k + 1 : k - 1;
			px = P[pk + d - 1];
			py = px - pk;
			while (x > (down ? px : px + 1) && y > (down ? py + 1 : py)) {
				push_edit(&rev, OP_EQ, a0 + (size_t)x - 1, b0 + (size_t)y - 1);
				x--;
				y--;
			}
			if (down)
				push_edit(&rev, OP_INS, a0 + (size_t)px, b0 + (size_t)py);
			else
				push_edit(&rev, OP_DEL, a0 + (size_t)px, b0 + (size_t)py);
			x = px;
			y = py;
		}
		while (x > 0 && y > 0) {
			push_edit(&rev, OP_EQ, a0 + (size_t)x - 1, b0 + (size_t)y - 1);
			x--;
			y--;
		}
		for (size_t i = rev.n; i > 0; i--)
			push_edit(e, rev.v[i - 1].op, rev.v[i - 1].a, rev.v[i - 1].b);
	}
out:
	for (long d = 0; d <= dmax; d++)
		free(trace[d]);
	free(trace);
	free(V);
	free(rev.v);
}

static int put_range_header(struct bpo_buf *out, size_t a_first, size_t a_n, size_t b_first,
			    size_t b_n, struct bpo_error *err)
{
	/* diff -u: a count of 0 names the line before; a count of 1 is left out */
	char as[64], bs[64];
	if (a_n == 1)
		snprintf(as, sizeof(as), "%zu", a_first + 1);
	else
		snprintf(as, sizeof(as), "%zu,%zu", a_n ? a_first + 1 : a_first, a_n);
	if (b_n == 1)
		snprintf(bs, sizeof(bs), "%zu", b_first + 1);
	else
		snprintf(bs, sizeof(bs), "%zu,%zu", b_n ? b_first + 1 : b_first, b_n);
	return bpo_buf_printf(out, err, "@@ -%s +%s @@\n", as, bs);
}

/* A unified diff of one file; see patch.h. */
int bpo_patch_diff(const char *path, const char *old, size_t old_len, const char *new_,
		   size_t new_len, struct bpo_buf *out, struct bpo_error *err)
{
	struct lines a = {0}, b = {0};
	struct edits e = {0};
	size_t pre = 0, suf = 0, i;
	int rc = -1;

	if (!old && !new_)
		return 0;
	if (old && new_ && old_len == new_len && memcmp(old, new_, old_len) == 0)
		return 0;
	split_lines(old ? old : "", old ? old_len : 0, &a);
	split_lines(new_ ? new_ : "", new_ ? new_len : 0, &b);
	if ((!old && b.n == 0) || (!new_ && a.n == 0)) {
		/* an empty file created or deleted: only git's header can say so */
		rc = bpo_buf_printf(out, err, "diff --git a/%s b/%s\n%s file mode 100644\n", path,
				    path, old ? "deleted" : "new");
		goto out;
	}
	while (pre < a.n && pre < b.n && span_eq(&a.v[pre], &b.v[pre]))
		pre++;
	while (suf < a.n - pre && suf < b.n - pre && span_eq(&a.v[a.n - 1 - suf], &b.v[b.n - 1 - suf]))
		suf++;
	for (i = 0; i < pre; i++)
		push_edit(&e, OP_EQ, i, i);
	myers(&a, pre, a.n - suf, &b, pre, b.n - suf, &e);
	for (i = 0; i < suf; i++)
		push_edit(&e, OP_EQ, a.n - suf + i, b.n - suf + i);

	if (bpo_buf_printf(out, err, "--- %s%s\n+++ %s%s\n", old ? "a/" : "/dev/null",
			   old ? path : "", new_ ? "b/" : "/dev/null", new_ ? path : "") < 0)
		goto out;
	/* hunks: runs of changes with DIFF_CONTEXT lines around, merged when close */
	i = 0;
	while (i < e.n) {
		size_t start, end, j, eq_run;
		size_t a_first, b_first, a_n = 0, b_n = 0;
		while (i < e.n && e.v[i].op == OP_EQ)
			i++;
		if (i == e.n)
			break;
		start = i >= DIFF_CONTEXT ? i - DIFF_CONTEXT : 0;
		/* extend while the equal runs between changes are short */
		j = i;
		end = i;
		while (j < e.n) {
			if (e.v[j].op != OP_EQ) {
				end = j + 1;
				j++;
				continue;
			}
			eq_run = 0;
			while (j + eq_run < e.n && e.v[j + eq_run].op == OP_EQ)
				eq_run++;
			if (j + eq_run == e.n || eq_run > 2 * DIFF_CONTEXT)
				break;
			j += eq_run;
		}
		end = end + DIFF_CONTEXT < e.n ? end + DIFF_CONTEXT : e.n;
		a_first = e.v[start].op == OP_INS ? e.v[start].a : e.v[start].a;
		b_first = e.v[start].b;
		for (j = start; j < end; j++) {
			if (e.v[j].op != OP_INS)
				a_n++;
			if (e.v[j].op != OP_DEL)
				b_n++;
		}
		if (put_range_header(out, a_first, a_n, b_first, b_n, err) < 0)
			goto out;
		for (j = start; j < end; j++) {
			const struct span *s = e.v[j].op == OP_INS ? &b.v[e.v[j].b] : &a.v[e.v[j].a];
			char op = e.v[j].op == OP_EQ ? ' ' : e.v[j].op == OP_DEL ? '-' : '+';
			if (put_line(out, op, s->p, s->len, err) < 0)
				goto out;
		}
		i = end;
	}
	rc = 0;
out:
	free(a.v);
	free(b.v);
	free(e.v);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Reports. */

/* The report as a table, one line a hunk; see patch.h. */
int bpo_patch_report_text(const struct bpo_patch_report *rep, struct bpo_buf *out,
			  struct bpo_error *err)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct bpo_patch_result *p = &rep->patches[i];
		const char *state = p->failed ? "FAILS" : p->already ? "already applied"
				    : p->inexact ? "applies (needs refresh: offset/fuzz)" : "applies";
		if (bpo_buf_printf(out, err, "%s: %s\n", p->name, state) < 0)
			return -1;
		for (size_t j = 0; j < p->n_files; j++) {
			const struct bpo_patch_file_result *f = &p->files[j];
			if (f->error && bpo_buf_printf(out, err, "  error: %s\n", f->error) < 0)
				return -1;
			for (size_t k = 0; k < f->n_hunks; k++) {
				const struct bpo_patch_hunk_result *h = &f->hunks[k];
				if (bpo_buf_printf(out, err, "  %-40s hunk %zu/%zu  %-15s line %lu",
						   f->path ? f->path : "?", k + 1, f->n_hunks,
						   bpo_patch_hunk_status_name(h->status), h->line) < 0)
					return -1;
				if ((h->status == BPO_HUNK_OFFSET || h->status == BPO_HUNK_FUZZ) &&
				    h->offset != 0 &&
				    bpo_buf_printf(out, err, "  offset %+ld", h->offset) < 0)
					return -1;
				if (h->status == BPO_HUNK_FUZZ &&
				    bpo_buf_printf(out, err, "  fuzz %u", h->fuzz) < 0)
					return -1;
				if (bpo_buf_puts(out, "\n", err) < 0)
					return -1;
			}
			if (f->n_hunks == 0 && !f->error &&
			    bpo_buf_printf(out, err, "  %-40s %s\n", f->path ? f->path : "?",
					   f->op == BPO_PATCH_CREATE ? "created"
					   : f->op == BPO_PATCH_DELETE ? "deleted"
					   : f->op == BPO_PATCH_RENAME ? "renamed"
					   : f->op == BPO_PATCH_COPY ? "copied" : "mode") < 0)
				return -1;
		}
	}
	return 0;
}

static const char *op_name(enum bpo_patch_op op)
{
	switch (op) {
	case BPO_PATCH_MODIFY: return "modify";
	case BPO_PATCH_CREATE: return "create";
	case BPO_PATCH_DELETE: return "delete";
	case BPO_PATCH_RENAME: return "rename";
	case BPO_PATCH_COPY: return "copy";
	}
	return "?";
}

/* The report as JSON: {"failed":B,"patches":[{"name","status","files":[...]}]}. */
int bpo_patch_report_json(const struct bpo_patch_report *rep, struct bpo_buf *out,
			  struct bpo_error *err)
{
	if (bpo_buf_printf(out, err, "{" BPO_JSON_SV ",\"failed\":%s,\"patches\":[", rep->failed ? "true" : "false") < 0)
		return -1;
	for (size_t i = 0; i < rep->n; i++) {
		const struct bpo_patch_result *p = &rep->patches[i];
		if (bpo_buf_puts(out, i ? ",{\"name\":" : "{\"name\":", err) < 0 ||
		    bpo_json_str(out, p->name, err) < 0 ||
		    bpo_buf_printf(out, err, ",\"status\":\"%s\",\"files\":[",
				   p->failed ? "fails" : p->already ? "already-applied"
				   : p->inexact ? "inexact" : "clean") < 0)
			return -1;
		for (size_t j = 0; j < p->n_files; j++) {
			const struct bpo_patch_file_result *f = &p->files[j];
			if (bpo_buf_puts(out, j ? ",{\"path\":" : "{\"path\":", err) < 0 ||
			    bpo_json_str(out, f->path ? f->path : "", err) < 0 ||
			    bpo_buf_printf(out, err, ",\"op\":\"%s\"", op_name(f->op)) < 0)
				return -1;
			if (f->error && (bpo_buf_puts(out, ",\"error\":", err) < 0 ||
					 bpo_json_str(out, f->error, err) < 0))
				return -1;
			if (bpo_buf_puts(out, ",\"hunks\":[", err) < 0)
				return -1;
			for (size_t k = 0; k < f->n_hunks; k++) {
				const struct bpo_patch_hunk_result *h = &f->hunks[k];
				if (bpo_buf_printf(out, err,
						   "%s{\"status\":\"%s\",\"line\":%lu,\"offset\":%ld,"
						   "\"fuzz\":%u}", k ? "," : "",
						   bpo_patch_hunk_status_name(h->status), h->line,
						   h->offset, h->fuzz) < 0)
					return -1;
			}
			if (bpo_buf_puts(out, "]}", err) < 0)
				return -1;
		}
		if (bpo_buf_puts(out, "]}", err) < 0)
			return -1;
	}
	return bpo_buf_puts(out, "]}\n", err);
}

/* ------------------------------------------------------------------------ */
/* quilt */

/* Read tree/rel through the tree fd without following symlinks. */
static int read_in_tree(int treefd, const char *rel, size_t max, struct bpo_buf *out,
			bool *missing, struct bpo_error *err)
{
	struct vtree t = {.fd = treefd};
	struct vfile f;
	int rc;

	memset(&f, 0, sizeof(f));
	f.path = (char *)(uintptr_t)rel;
	rc = vfile_load(&t, &f, err);
	*missing = rc == 0 && !f.exists;
	if (rc == 0 && f.exists) {
		if (f.len > max)
			rc = bpo_error_set(err, BPO_E_SYNTAX, "%s: larger than %zu bytes", rel, max);
		else
			rc = bpo_buf_append(out, f.data, f.len, err);
	}
	free(f.data);
	return rc;
}

/* Read debian/patches/series and its patches through the tree fd, then apply. */
static int quilt(const char *tree, unsigned fuzz, bool dry_run, struct bpo_patch_report *rep,
		 struct bpo_error *err)
{
	struct bpo_patch_series s = {0};
	struct bpo_patch *ps = NULL, **pp = NULL;
	int *strips = NULL;
	struct bpo_buf b;
	struct bpo_patch_opts o = {.fuzz = fuzz, .strip = -1, .dry_run = dry_run};
	bool missing;
	int treefd, rc = -1;

	bpo_buf_init(&b, BPO_MAX_PATCH);
	treefd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (treefd < 0)
		return bpo_error_set(err, BPO_E_IO, "%s: cannot open: %s", tree, strerror(errno));
	if (read_in_tree(treefd, "debian/patches/series", BPO_MAX_PATCH, &b, &missing, err) < 0)
		goto out;
	if (missing) {
		rc = 0;
		goto out;
	}
	if (bpo_patch_series_parse(b.data ? b.data : "", b.len, "debian/patches/series", &s, err) < 0)
		goto out;
	ps = bpo_xcalloc(s.n ? s.n : 1, sizeof(*ps));
	pp = bpo_xcalloc(s.n ? s.n : 1, sizeof(*pp));
	strips = bpo_xcalloc(s.n ? s.n : 1, sizeof(*strips));
	for (size_t i = 0; i < s.n; i++) {
		char *rel = bpo_xasprintf("debian/patches/%s", s.v[i].name);
		int r;
		bpo_buf_reset(&b);
		r = read_in_tree(treefd, rel, BPO_MAX_PATCH, &b, &missing, err);
		if (r == 0 && missing)
			r = bpo_error_set(err, BPO_E_NOTFOUND,
					  "debian/patches/series:%u: %s does not exist", s.v[i].line,
					  rel);
		free(rel);
		if (r == 0)
			r = bpo_patch_parse(b.data ? b.data : "", b.len, s.v[i].name, &ps[i], err);
		if (r < 0) {
			for (size_t j = 0; j <= i; j++)
				bpo_patch_destroy(&ps[j]);
			goto out_series;
		}
		pp[i] = &ps[i];
		strips[i] = s.v[i].strip;
	}
	rc = bpo_patch_apply_series(tree, pp, strips, s.n, &o, rep, err);
	for (size_t i = 0; i < s.n; i++)
		bpo_patch_destroy(&ps[i]);
out_series:
	free(ps);
	free(pp);
	free(strips);
out:
	bpo_patch_series_destroy(&s);
	bpo_buf_destroy(&b);
	close(treefd);
	return rc;
}

/* Apply the tree's debian/patches/series; see patch.h. */
int bpo_patch_apply_quilt(const char *tree, unsigned fuzz, struct bpo_patch_report *rep,
			  struct bpo_error *err)
{
	return quilt(tree, fuzz, false, rep, err);
}

/* Dry run of the tree's debian/patches/series; see patch.h. */
int bpo_patch_check_quilt(const char *tree, unsigned fuzz, struct bpo_patch_report *rep,
			  struct bpo_error *err)
{
	return quilt(tree, fuzz, true, rep, err);
}

/* ------------------------------------------------------------------------ */
/* Tree diff (quilt refresh). */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool skip_name(const char *rel, const char *const *skip)
{
	size_t n = strlen(rel);
	if ((n > 4 && strcmp(rel + n - 4, ".rej") == 0) || (n > 5 && strcmp(rel + n - 5, ".orig") == 0))
		return true;
	for (size_t i = 0; skip && skip[i]; i++)
		if (strcmp(rel, skip[i]) == 0)
			return true;
	return false;
}

/* List regular files under dirfd (relative paths, no symlinks followed). */
static int list_files(int dirfd, const char *prefix, const char *const *skip, unsigned depth,
		      struct bpo_strv *out, struct bpo_error *err)
{
	DIR *d;
	struct dirent *de;
	int fd = dup(dirfd), rc = 0;

	if (depth > 64)
		return bpo_error_set(err, BPO_E_FAIL, "%s: directories nested too deep", prefix);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return bpo_error_set(err, BPO_E_IO, "%s: cannot list: %s", prefix[0] ? prefix : ".",
				     strerror(errno));
	}
	rewinddir(d);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		struct stat st;
		char *rel;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rel = prefix[0] ? bpo_xasprintf("%s/%s", prefix, de->d_name) : bpo_xstrdup(de->d_name);
		if (skip_name(rel, skip) || fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			free(rel);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				rc = bpo_error_set(err, BPO_E_IO, "%s: %s", rel, strerror(errno));
			} else {
				rc = list_files(sub, rel, skip, depth + 1, out, err);
				close(sub);
			}
			free(rel);
		} else if (S_ISREG(st.st_mode)) {
			bpo_strv_push_owned(out, rel);
		} else {
			free(rel); /* symlinks and specials cannot be expressed in a diff */
		}
	}
	closedir(d);
	return rc;
}

/*
 * Diff two trees (old_tree before, new_tree after) into out: one unified diff
 * per changed regular file, in path order. Paths in skip (relative, exact) and
 * files ending in .rej or .orig are left out; symlinks are not followed.
 */
int bpo_patch_touched(const struct bpo_patch *p, int strip, struct bpo_strv *out,
		      struct bpo_error *err)
{
	for (size_t i = 0; i < p->n_files; i++) {
		const struct bpo_patch_file *f = &p->files[i];
		const char *paths[2] = {f->old_path, f->new_path};
		for (size_t k = 0; k < 2; k++) {
			char *rel = NULL;
			if (!paths[k])
				continue;
			if (resolve_path(paths[k], f->git ? 1 : strip, &rel, err) < 0)
				return -1;
			bool dup = false;
			for (size_t j = 0; j < out->n && !dup; j++)
				dup = strcmp(out->v[j], rel) == 0;
			if (dup)
				free(rel);
			else
				bpo_strv_push_owned(out, rel);
		}
	}
	return 0;
}

/* Keep the sorted list's entries that only (NULL: all) names. */
static void keep_only(struct bpo_strv *l, const char *const *only)
{
	size_t w = 0;
	if (!only)
		return;
	for (size_t i = 0; i < l->n; i++) {
		bool in = false;
		for (const char *const *o = only; *o && !in; o++)
			in = strcmp(*o, l->v[i]) == 0;
		if (in)
			l->v[w++] = l->v[i];
		else
			free(l->v[i]);
	}
	l->n = w;
}

int bpo_patch_diff_trees(const char *old_tree, const char *new_tree, const char *const *skip,
			 const char *const *only, struct bpo_buf *out, struct bpo_error *err)
{
	struct bpo_strv a = {0}, b = {0};
	struct vtree ta = {.fd = -1}, tb = {.fd = -1};
	size_t i = 0, j = 0;
	int rc = -1;

	ta.fd = open(old_tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	tb.fd = open(new_tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ta.fd < 0 || tb.fd < 0) {
		bpo_error_set(err, BPO_E_IO, "%s: cannot open: %s", ta.fd < 0 ? old_tree : new_tree,
			      strerror(errno));
		goto out;
	}
	if (list_files(ta.fd, "", skip, 0, &a, err) < 0 || list_files(tb.fd, "", skip, 0, &b, err) < 0)
		goto out;
	keep_only(&a, only);
	keep_only(&b, only);
	if (a.n)
		qsort(a.v, a.n, sizeof(char *), cmp_str);
	if (b.n)
		qsort(b.v, b.n, sizeof(char *), cmp_str);
	while (i < a.n || j < b.n) {
		int c = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.v[i], b.v[j]);
		const char *path = c <= 0 ? a.v[i] : b.v[j];
		struct vfile *fa = c <= 0 ? vtree_get(&ta, path, err) : NULL;
		struct vfile *fb = c >= 0 ? vtree_get(&tb, path, err) : NULL;
		if ((c <= 0 && !fa) || (c >= 0 && !fb))
			goto out;
		if (bpo_patch_diff(path, fa ? (fa->data ? fa->data : "") : NULL, fa ? fa->len : 0,
				   fb ? (fb->data ? fb->data : "") : NULL, fb ? fb->len : 0, out, err) < 0)
			goto out;
		/* the contents are not needed again */
		if (fa) {
			free(fa->data);
			fa->data = NULL;
		}
		if (fb) {
			free(fb->data);
			fb->data = NULL;
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	rc = 0;
out:
	vtree_destroy(&ta);
	vtree_destroy(&tb);
	bpo_strv_destroy(&a);
	bpo_strv_destroy(&b);
	return rc;
}
