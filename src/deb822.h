/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * deb822: Debian control data (Sources, Packages, .dsc, .changes, Release,
 * debian/control) — syntax only, meaning is the caller's (dpkg's parsedump
 * split). Paragraphs of "Name: value" fields, folded continuation lines,
 * '#' comment lines where the caller allows them, OpenPGP clearsigned input.
 *
 * Round trip: every paragraph keeps the exact bytes it was parsed from, and
 * writing an unchanged paragraph reproduces them byte for byte; a field that
 * was set is written as "Name: value\n" in the original position.
 *
 * Ownership: a paragraph owns its fields and strings; free with
 * bpo_deb822_para_destroy(). Field names compare case-insensitively.
 */
#ifndef BPO_DEB822_H
#define BPO_DEB822_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

struct bpo_deb822_field {
	char *name;     /* as written */
	size_t name_len; /* strlen(name) */
	char *value;    /* first line stripped of surrounding blanks; continuation lines
			   follow after '\n' verbatim (leading space kept), no final '\n' */
	char *raw;      /* the exact bytes of the field, name to final newline, comments in
			   between included; NULL after bpo_deb822_set() changed it */
	size_t raw_len;
	unsigned line;  /* 1-based line where the field starts (0: added by set/insert) */
	unsigned own;   /* internal: which of name/value are allocated apart from the arena */
};

struct bpo_deb822_para {
	struct bpo_deb822_field *fields;
	size_t n, cap;
	char *prefix;      /* blank/comment lines before the paragraph, verbatim (may be NULL) */
	size_t prefix_len;
	unsigned line;     /* 1-based line of the first field */
	char *arena;       /* internal: one block holding the parsed strings */
};

/* Parser flags. */
#define BPO_DEB822_COMMENTS 0x1 /* '#' lines are comments (debian/control); else an error */

struct bpo_deb822_parser {
	const char *data;
	size_t len, pos;
	unsigned line;
	unsigned flags;
	const char *name; /* file name for messages */
};

void bpo_deb822_parser_init(struct bpo_deb822_parser *p, const char *data, size_t len,
			    const char *name, unsigned flags);
/* Next paragraph into *para (initialised by the call). Returns 1 when a
 * paragraph was read, 0 at the end, -1 on a syntax error ("name:line: ..."). */
int bpo_deb822_next(struct bpo_deb822_parser *p, struct bpo_deb822_para *para,
		    struct bpo_error *err);
/* Trailing bytes after the last paragraph (blank lines/comments), for round trips. */
const char *bpo_deb822_trailer(const struct bpo_deb822_parser *p, size_t *len);

void bpo_deb822_para_init(struct bpo_deb822_para *para);
void bpo_deb822_para_destroy(struct bpo_deb822_para *para);

/* Field value, or NULL. Case-insensitive name. */
const char *bpo_deb822_get(const struct bpo_deb822_para *para, const char *name);
const struct bpo_deb822_field *bpo_deb822_find(const struct bpo_deb822_para *para,
					       const char *name);
/* Replace a field's value (keeps position) or append a new field. value as
 * in struct bpo_deb822_field (multi-line: "\n line1\n line2"). */
void bpo_deb822_set(struct bpo_deb822_para *para, const char *name, const char *value);
/* Insert a new field before the field named before (or append when absent). */
void bpo_deb822_insert_before(struct bpo_deb822_para *para, const char *before,
			      const char *name, const char *value);
bool bpo_deb822_remove(struct bpo_deb822_para *para, const char *name);
/* Append the paragraph (prefix, then fields) to out. No blank line after it. */
int bpo_deb822_write(const struct bpo_deb822_para *para, struct bpo_buf *out,
		     struct bpo_error *err);

/*
 * OpenPGP clearsigned text. If data starts (after blank lines) with
 * "-----BEGIN PGP SIGNED MESSAGE-----", set *is_signed, and put the signed text
 * (dash-escaping undone, armour headers skipped) into out; otherwise copy data
 * as it is. Malformed armour (no signature block, text after the end) is an error.
 * No verification here: that is the gpg module's job.
 */
int bpo_deb822_clearsign_strip(const char *data, size_t len, const char *name,
			       struct bpo_buf *out, bool *is_signed, struct bpo_error *err);

/* Iterate the lines of a multi-line value (Files, Checksums-Sha256): each call
 * gives the next non-empty line, trimmed, as (ptr,len); returns false at the end. */
bool bpo_deb822_next_line(const char **cursor, const char **line, size_t *len);

#endif
