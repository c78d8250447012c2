/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * deb822: control data syntax (see deb822.h). One pass over the lines of a
 * paragraph records where each field lies in the input; then one allocation
 * (the paragraph's arena) receives the raw bytes, names and values of all its
 * fields, so parsing a big index costs two or three mallocs a paragraph.
 *
 * Decisions (documented in deb822.h and tested in tests/unit/test_deb822.c):
 * - A line of only spaces and tabs ends a paragraph (Debian policy 5.1 allows
 *   it; dpkg itself rejects it as "blank line in value").
 * - '\r' is an ordinary byte: in a CRLF file it stays at the end of the values
 *   (dpkg trims it from the last line only), and a "\r\n" separator line is
 *   an error, so DOS line endings never go unnoticed; raw bytes round trip.
 * - NUL bytes are an error (values are C strings).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "deb822.h"
#include "xmem.h"

#define OWN_NAME 0x1u
#define OWN_VALUE 0x2u

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Case-insensitive (ASCII) equality of a (alen bytes) and b (blen bytes). */
static bool name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
			return false;
	return true;
}

/* Quote at most 64 bytes of s (n bytes) for a message: non-printables as \xNN. */
static void quote(char *out, size_t outsz, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; i < n && i < 64 && o + 5 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (i < n && o + 4 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* End of the line starting at pos: index of its '\n', or len. */
static size_t line_end(const char *data, size_t len, size_t pos)
{
	const char *nl = memchr(data + pos, '\n', len - pos);
	return nl ? (size_t)(nl - data) : len;
}

/* After the line ending at eol (its '\n' or len). */
static size_t next_pos(size_t len, size_t eol)
{
	return eol < len ? eol + 1 : len;
}

static bool line_is_blank(const char *data, size_t pos, size_t eol)
{
	for (size_t i = pos; i < eol; i++)
		if (!is_blank(data[i]))
			return false;
	return true;
}

/* Set up p to parse len bytes of data; name is used in messages ("name:line: ..."). */
void bpo_deb822_parser_init(struct bpo_deb822_parser *p, const char *data, size_t len,
			    const char *name, unsigned flags)
{
	p->data = data;
	p->len = len;
	p->pos = 0;
	p->line = 1;
	p->flags = flags;
	p->name = name ? name : "<input>";
}

/* Zero a paragraph. */
void bpo_deb822_para_init(struct bpo_deb822_para *para)
{
	memset(para, 0, sizeof(*para));
}

/* Free what a paragraph owns (the struct is the caller's); accepts NULL. */
void bpo_deb822_para_destroy(struct bpo_deb822_para *para)
{
	if (!para)
		return;
	for (size_t i = 0; i < para->n; i++) {
		if (para->fields[i].own & OWN_NAME)
			free(para->fields[i].name);
		if (para->fields[i].own & OWN_VALUE)
			free(para->fields[i].value);
	}
	free(para->fields);
	free(para->arena);
	memset(para, 0, sizeof(*para));
}

/* Line number of byte offset off, counted from the parser's start (error paths only). */
static unsigned line_of(const struct bpo_deb822_parser *p, size_t from, unsigned from_line,
			size_t off)
{
	unsigned line = from_line;
	for (size_t i = from; i < off; i++)
		if (p->data[i] == '\n')
			line++;
	return line;
}

/*
 * Copy the fields recorded in para (raw pointing into the input, name unset)
 * into one arena block and fill name and value.
 */
static void build_arena(const struct bpo_deb822_parser *p, struct bpo_deb822_para *para,
			const char *prefix, size_t prefix_len)
{
	size_t total = prefix_len + 1, i;
	char *a;

	for (i = 0; i < para->n; i++)
		total += 2 * para->fields[i].raw_len + 3;
	a = para->arena = bpo_xmalloc(total);
	if (prefix_len) {
		memcpy(a, prefix, prefix_len);
		para->prefix = a;
		para->prefix_len = prefix_len;
		a += prefix_len;
	}
	*a++ = '\0';
	for (i = 0; i < para->n; i++) {
		struct bpo_deb822_field *f = &para->fields[i];
		const char *src = f->raw, *end = f->raw + f->raw_len;
		const char *colon = src + f->name_len;
		const char *s, *e;
		size_t nlen = f->name_len;

		memcpy(a, src, f->raw_len);
		a[f->raw_len] = '\0';
		f->raw = a;
		a += f->raw_len + 1;
		memcpy(a, src, nlen);
		a[nlen] = '\0';
		f->name = a;
		a += nlen + 1;
		f->value = a;
		/* First line, stripped of blanks on both sides. */
		s = colon + 1;
		e = memchr(s, '\n', (size_t)(end - s));
		if (!e)
			e = end;
		const char *next = e < end ? e + 1 : end;
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		memcpy(a, s, (size_t)(e - s));
		a += e - s;
		/* Continuation lines verbatim, comment lines dropped. */
		for (s = next; s < end; s = next) {
			e = memchr(s, '\n', (size_t)(end - s));
			if (!e)
				e = end;
			next = e < end ? e + 1 : end;
			if (*s == '#')
				continue;
			*a++ = '\n';
			memcpy(a, s, (size_t)(e - s));
			a += e - s;
		}
		*a++ = '\0';
	}
	(void)p;
}

static int next_para(struct bpo_deb822_parser *p, struct bpo_deb822_para *para,
		     struct bpo_error *err)
{
	const char *d = p->data;
	size_t len = p->len, pos = p->pos, eol, para_start, prefix_start = p->pos;
	unsigned line = p->line, start_line = p->line;
	bool comments = (p->flags & BPO_DEB822_COMMENTS) != 0;
	char q[300];

	bpo_deb822_para_init(para);
	/* Blank and comment lines before the paragraph. */
	for (;;) {
		if (pos >= len)
			return 0; /* p->pos stays: the rest is the trailer */
		eol = line_end(d, len, pos);
		if (line_is_blank(d, pos, eol)) {
			/* a blank line */
		} else if (d[pos] == '#') {
			if (!comments)
				return bpo_error_set(err, BPO_E_SYNTAX,
						     "%s:%u: comment lines ('#') are not "
						     "allowed in this file",
						     p->name, line);
		} else if (is_blank(d[pos])) {
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: continuation line before any field", p->name,
					     line);
		} else {
			break;
		}
		pos = next_pos(len, eol);
		line++;
	}
	para_start = pos;
	para->line = line;
	/* Fields until a blank line or the end. */
	while (pos < len) {
		eol = line_end(d, len, pos);
		if (line_is_blank(d, pos, eol))
			break;
		if (is_blank(d[pos]) || (d[pos] == '#' && comments)) {
			/* continuation or comment: belongs to the current field */
			struct bpo_deb822_field *f = &para->fields[para->n - 1];
			f->raw_len = next_pos(len, eol) - (size_t)(f->raw - d);
		} else if (d[pos] == '#') {
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: comment lines ('#') are not allowed in this "
					     "file",
					     p->name, line);
		} else {
			const char *colon = memchr(d + pos, ':', eol - pos);
			size_t nlen, i;
			if (!colon) {
				quote(q, sizeof(q), d + pos, eol - pos);
				return bpo_error_set(err, BPO_E_SYNTAX,
						     "%s:%u: expected 'Name: value', found no "
						     "colon in '%s'",
						     p->name, line, q);
			}
			nlen = (size_t)(colon - (d + pos));
			if (nlen == 0)
				return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: empty field name",
						     p->name, line);
			for (i = 0; i < nlen; i++) {
				unsigned char c = (unsigned char)d[pos + i];
				if (c <= 0x20 || c >= 0x7f)
					break;
			}
			if (i < nlen) {
				quote(q, sizeof(q), d + pos, nlen);
				return bpo_error_set(err, BPO_E_SYNTAX,
						     "%s:%u: invalid character in field name '%s'",
						     p->name, line, q);
			}
			if (d[pos] == '-') {
				quote(q, sizeof(q), d + pos, nlen);
				return bpo_error_set(err, BPO_E_SYNTAX,
						     "%s:%u: field name '%s' starts with '-'",
						     p->name, line, q);
			}
			for (i = 0; i < para->n; i++) {
				const struct bpo_deb822_field *o = &para->fields[i];
				if (name_eq(o->raw, o->name_len, d + pos, nlen)) {
					quote(q, sizeof(q), d + pos, nlen);
					return bpo_error_set(err, BPO_E_SYNTAX,
							     "%s:%u: duplicate field '%s' "
							     "(first on line %u)",
							     p->name, line, q, o->line);
				}
			}
			BPO_GROW(para->fields, para->cap, para->n + 1);
			struct bpo_deb822_field *f = &para->fields[para->n++];
			memset(f, 0, sizeof(*f));
			f->raw = (char *)(d + pos); /* into the input until build_arena() */
			f->raw_len = next_pos(len, eol) - pos;
			f->name_len = nlen;
			f->line = line;
		}
		pos = next_pos(len, eol);
		line++;
	}
	{
		const char *nul = memchr(d + prefix_start, '\0', pos - prefix_start);
		if (nul)
			return bpo_error_set(err, BPO_E_SYNTAX, "%s:%u: NUL byte in control data",
					     p->name,
					     line_of(p, prefix_start, start_line,
						     (size_t)(nul - d)));
	}
	build_arena(p, para, d + prefix_start, para_start - prefix_start);
	p->pos = pos;
	p->line = line;
	return 1;
}

/*
 * Read the next paragraph into para (initialised here; on 0 and -1 it is left
 * empty, so destroying it is optional then). Returns 1 for a paragraph, 0 at
 * the end of the input (the rest is the trailer), -1 on a syntax error
 * ("name:line: message", BPO_E_SYNTAX).
 */
int bpo_deb822_next(struct bpo_deb822_parser *p, struct bpo_deb822_para *para,
		    struct bpo_error *err)
{
	int rc = next_para(p, para, err);
	if (rc < 0)
		bpo_deb822_para_destroy(para);
	return rc;
}

/* The bytes after the last paragraph (valid once bpo_deb822_next() returned 0). */
const char *bpo_deb822_trailer(const struct bpo_deb822_parser *p, size_t *len)
{
	*len = p->len - p->pos;
	return p->data + p->pos;
}

/* The field called name (ASCII case-insensitive), or NULL. */
const struct bpo_deb822_field *bpo_deb822_find(const struct bpo_deb822_para *para,
					       const char *name)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < para->n; i++)
		if (name_eq(para->fields[i].name, para->fields[i].name_len, name, nlen))
			return &para->fields[i];
	return NULL;
}

/* The value of field name, or NULL when the paragraph has no such field. */
const char *bpo_deb822_get(const struct bpo_deb822_para *para, const char *name)
{
	const struct bpo_deb822_field *f = bpo_deb822_find(para, name);
	return f ? f->value : NULL;
}

static struct bpo_deb822_field *find_mut(struct bpo_deb822_para *para, const char *name)
{
	return (struct bpo_deb822_field *)bpo_deb822_find(para, name);
}

static void field_new(struct bpo_deb822_field *f, const char *name, const char *value)
{
	memset(f, 0, sizeof(*f));
	f->name = bpo_xstrdup(name);
	f->name_len = strlen(name);
	f->value = bpo_xstrdup(value);
	f->own = OWN_NAME | OWN_VALUE;
}

/*
 * Set field name to value: an existing field keeps its place and spelling and
 * is written anew ("Name: value"); a new one is appended. Checked on write.
 */
void bpo_deb822_set(struct bpo_deb822_para *para, const char *name, const char *value)
{
	struct bpo_deb822_field *f = find_mut(para, name);
	if (f) {
		char *v = bpo_xstrdup(value);
		if (f->own & OWN_VALUE)
			free(f->value);
		f->value = v;
		f->own |= OWN_VALUE;
		f->raw = NULL;
		f->raw_len = 0;
		return;
	}
	BPO_GROW(para->fields, para->cap, para->n + 1);
	field_new(&para->fields[para->n++], name, value);
}

/*
 * Insert field name before the field called before (append when there is no
 * such field). A field already called name is removed first.
 */
void bpo_deb822_insert_before(struct bpo_deb822_para *para, const char *before,
			      const char *name, const char *value)
{
	const struct bpo_deb822_field *b;
	size_t at;

	bpo_deb822_remove(para, name);
	b = bpo_deb822_find(para, before);
	at = b ? (size_t)(b - para->fields) : para->n;
	BPO_GROW(para->fields, para->cap, para->n + 1);
	memmove(&para->fields[at + 1], &para->fields[at],
		(para->n - at) * sizeof(para->fields[0]));
	para->n++;
	field_new(&para->fields[at], name, value);
}

/* Remove field name; false when there was none. */
bool bpo_deb822_remove(struct bpo_deb822_para *para, const char *name)
{
	struct bpo_deb822_field *f = find_mut(para, name);
	size_t at;
	if (!f)
		return false;
	at = (size_t)(f - para->fields);
	if (f->own & OWN_NAME)
		free(f->name);
	if (f->own & OWN_VALUE)
		free(f->value);
	memmove(&para->fields[at], &para->fields[at + 1],
		(para->n - at - 1) * sizeof(para->fields[0]));
	para->n--;
	return true;
}

/* A field written anew must parse back as the same single field. */
static int check_field(const struct bpo_deb822_field *f, struct bpo_error *err)
{
	char q[300];
	size_t nlen = strlen(f->name);
	const char *v;

	quote(q, sizeof(q), f->name, nlen);
	if (nlen == 0)
		return bpo_error_set(err, BPO_E_SYNTAX, "cannot write a field with an empty name");
	for (size_t i = 0; i < nlen; i++) {
		unsigned char c = (unsigned char)f->name[i];
		if (c <= 0x20 || c >= 0x7f || c == ':')
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "cannot write field '%s': invalid character in name",
					     q);
	}
	if (f->name[0] == '-' || f->name[0] == '#')
		return bpo_error_set(err, BPO_E_SYNTAX,
				     "cannot write field '%s': name starts with '%c'", q,
				     f->name[0]);
	for (v = strchr(f->value, '\n'); v; v = strchr(v + 1, '\n')) {
		const char *e = strchr(v + 1, '\n');
		size_t n = e ? (size_t)(e - (v + 1)) : strlen(v + 1);
		if (!is_blank(v[1]) || line_is_blank(v + 1, 0, n))
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "cannot write field '%s': a continuation line must "
					     "start with a space or tab and not be blank",
					     q);
	}
	return 0;
}

/* Append the paragraph to out: prefix, raw bytes of unchanged fields, changed ones anew. */
int bpo_deb822_write(const struct bpo_deb822_para *para, struct bpo_buf *out,
		     struct bpo_error *err)
{
	if (para->prefix_len && bpo_buf_append(out, para->prefix, para->prefix_len, err) < 0)
		return -1;
	for (size_t i = 0; i < para->n; i++) {
		const struct bpo_deb822_field *f = &para->fields[i];
		if (f->raw) {
			if (bpo_buf_append(out, f->raw, f->raw_len, err) < 0)
				return -1;
			continue;
		}
		if (check_field(f, err) < 0)
			return -1;
		if (out->len && out->data[out->len - 1] != '\n' &&
		    bpo_buf_append(out, "\n", 1, err) < 0)
			return -1;
		if (bpo_buf_puts(out, f->name, err) < 0 || bpo_buf_append(out, ":", 1, err) < 0)
			return -1;
		if (f->value[0] && f->value[0] != '\n' && bpo_buf_append(out, " ", 1, err) < 0)
			return -1;
		if (bpo_buf_puts(out, f->value, err) < 0 || bpo_buf_append(out, "\n", 1, err) < 0)
			return -1;
	}
	return 0;
}

/* Length of the line at s..end without trailing blanks and '\r'. */
static size_t trimmed_len(const char *s, const char *e)
{
	while (e > s && (is_blank(e[-1]) || e[-1] == '\r'))
		e--;
	return (size_t)(e - s);
}

static bool line_is(const char *s, const char *e, const char *what)
{
	size_t n = trimmed_len(s, e);
	return n == strlen(what) && memcmp(s, what, n) == 0;
}

/*
 * Undo OpenPGP clearsigning (RFC 4880 7): see deb822.h. Only "Hash:" armour
 * headers are allowed (as gpg), every text line starting with '-' must be
 * dash-escaped, the signature block must be complete and nothing but blank
 * lines may follow it.
 */
int bpo_deb822_clearsign_strip(const char *data, size_t len, const char *name,
			       struct bpo_buf *out, bool *is_signed, struct bpo_error *err)
{
	unsigned first_line;
	return bpo_deb822_clearsign_strip_at(data, len, name, out, is_signed, &first_line, err);
}

/*
 * As bpo_deb822_clearsign_strip(), and *first_line is the 1-based line of data
 * where the signed text starts (1 when unsigned): set a parser's line to it
 * and its messages name the lines of the original file.
 */
int bpo_deb822_clearsign_strip_at(const char *data, size_t len, const char *name,
				  struct bpo_buf *out, bool *is_signed, unsigned *first_line,
				  struct bpo_error *err)
{
	const char *p = data, *end = data + len, *e, *next;
	unsigned line = 1;
	size_t out_start = out->len;
	char q[300];

	*is_signed = false;
	*first_line = 1;
	if (!name)
		name = "<input>";
	/* Blank lines, then the BEGIN line or unsigned data. */
	for (;; p = next, line++) {
		if (p >= end)
			return bpo_buf_append(out, data, len, err);
		e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		next = e < end ? e + 1 : end;
		if (trimmed_len(p, e) == 0)
			continue;
		if (!line_is(p, e, "-----BEGIN PGP SIGNED MESSAGE-----"))
			return bpo_buf_append(out, data, len, err);
		break;
	}
	*is_signed = true;
	/* Armour headers up to an empty line. */
	for (p = next, line++;; p = next, line++) {
		if (p >= end)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: clearsigned message ends in its armour "
					     "header",
					     name, line);
		e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		next = e < end ? e + 1 : end;
		if (trimmed_len(p, e) == 0)
			break;
		if ((size_t)(e - p) < 5 || memcmp(p, "Hash:", 5) != 0) {
			quote(q, sizeof(q), p, trimmed_len(p, e));
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: unexpected armour header '%s' (only 'Hash:' "
					     "is allowed)",
					     name, line, q);
		}
	}
	/* The signed text, dash-escaped. */
	*first_line = line + 1;
	for (p = next, line++;; p = next, line++) {
		if (p >= end)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: clearsigned message has no signature block "
					     "('-----BEGIN PGP SIGNATURE-----')",
					     name, line);
		e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		next = e < end ? e + 1 : end;
		if (*p == '-') {
			if (line_is(p, e, "-----BEGIN PGP SIGNATURE-----"))
				break;
			if (e - p < 2 || p[1] != ' ') {
				quote(q, sizeof(q), p, (size_t)(e - p));
				return bpo_error_set(err, BPO_E_SYNTAX,
						     "%s:%u: line '%s' starts with '-' but is not "
						     "dash-escaped",
						     name, line, q);
			}
			p += 2;
		}
		if (bpo_buf_append(out, p, (size_t)(next - p), err) < 0)
			return -1;
	}
	/* The signature block. */
	for (p = next, line++;; p = next, line++) {
		if (p >= end)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: signature block has no end line "
					     "('-----END PGP SIGNATURE-----')",
					     name, line);
		e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		next = e < end ? e + 1 : end;
		if (line_is(p, e, "-----END PGP SIGNATURE-----"))
			break;
	}
	/* Only blank lines after it. */
	for (p = next, line++; p < end; p = next, line++) {
		e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		next = e < end ? e + 1 : end;
		if (trimmed_len(p, e) != 0)
			return bpo_error_set(err, BPO_E_SYNTAX,
					     "%s:%u: text after the signature block", name, line);
	}
	if (out->len > out_start && memchr(out->data + out_start, '\0', out->len - out_start))
		return bpo_error_set(err, BPO_E_SYNTAX, "%s: NUL byte in the signed text", name);
	return 0;
}

/*
 * Next non-empty line of a multi-line value, trimmed of blanks: *line and *len
 * point into the value; *cursor moves on. False at the end.
 */
bool bpo_deb822_next_line(const char **cursor, const char **line, size_t *len)
{
	const char *s = *cursor;
	while (*s) {
		const char *e = strchr(s, '\n');
		const char *next = e ? e + 1 : s + strlen(s);
		if (!e)
			e = next;
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		*cursor = next;
		if (e > s) {
			*line = s;
			*len = (size_t)(e - s);
			return true;
		}
		s = next;
	}
	*cursor = s;
	return false;
}
