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
 * bpo_deb822_para_destroy(). Field names compare case-insensitively (ASCII).
 *
 * Syntax decisions (tests/unit/test_deb822.c holds them):
 * - Paragraphs end at a line that is empty or holds only spaces and tabs
 *   (Debian policy 5.1 allows the latter; dpkg rejects it inside a stanza).
 * - A field line is "Name:value"; the name is printable ASCII without space
 *   or ':', not starting with '-' ('#' starts a comment). Continuation lines
 *   start with a space or tab; " ." lines are kept verbatim in the value
 *   (turning them into empty lines is the meaning layer's job).
 * - '#' lines are comments only with BPO_DEB822_COMMENTS (kept in raw/prefix,
 *   left out of values), else an error. NUL bytes are an error.
 * - '\r' is an ordinary byte: in a CRLF file it ends up in the values (dpkg
 *   trims it only from a value's last line) and a "\r\n" separator line is
 *   reported as a field line without a colon, so DOS line endings never pass
 *   silently. Raw bytes round trip either way.
 * - Errors are BPO_E_SYNTAX "name:line: message", e.g. "t:3: duplicate field
 *   'a' (first on line 1)"; names in messages are quoted with \xNN escapes.
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
 * paragraph was read, 0 at the end, -1 on a syntax error ("name:line: ...").
 * On 0 and -1 *para is left empty (destroying it is harmless). The parser
 * keeps pointers into data only; paragraphs do not. */
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
 * in struct bpo_deb822_field (multi-line: "\n line1\n line2"). Not checked
 * here: bpo_deb822_write() refuses a name or value that would not parse back
 * as this one field (a newline not followed by a space/tab, a blank line). */
void bpo_deb822_set(struct bpo_deb822_para *para, const char *name, const char *value);
/* Insert a new field before the field named before (or append when absent);
 * a field already called name is removed first. */
void bpo_deb822_insert_before(struct bpo_deb822_para *para, const char *before,
			      const char *name, const char *value);
bool bpo_deb822_remove(struct bpo_deb822_para *para, const char *name);
/* Append the paragraph (prefix, then fields) to out. No blank line after it.
 * -1 (BPO_E_SYNTAX) for a changed field that would not parse back, or out's cap. */
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
/* The same, and *first_line is the line of data where the signed text starts
 * (1 when unsigned). Dash-escaping keeps lines, so after
 * bpo_deb822_parser_init(&p, out->data, ...), setting p.line = *first_line
 * makes parse errors name the lines of the original file. */
int bpo_deb822_clearsign_strip_at(const char *data, size_t len, const char *name,
				  struct bpo_buf *out, bool *is_signed, unsigned *first_line,
				  struct bpo_error *err);

/* Iterate the lines of a multi-line value (Files, Checksums-Sha256): each call
 * gives the next non-empty line, trimmed, as (ptr,len); returns false at the end. */
bool bpo_deb822_next_line(const char **cursor, const char **line, size_t *len);

#endif
