/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for deb822: real Sources/Packages/status/InRelease fixtures
 * (tests/data/deb822) parsed and written back byte for byte, field checks,
 * and tables of syntax errors with their exact messages. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "deb822.h"
#include "err.h"
#include "fsutil.h"
#include "version.h"
#include "xmem.h"

static void load(const char *name, struct bpo_buf *b)
{
	const char *src = getenv("BPO_SRCDIR");
	char *path = bpo_xasprintf("%s/tests/data/deb822/%s", src ? src : ".", name);
	struct bpo_error e;
	bpo_buf_init(b, BPO_MAX_INDEX);
	if (bpo_file_read(path, BPO_MAX_INDEX, b, &e) < 0)
		fail_msg("%s (set BPO_SRCDIR)", e.msg);
	free(path);
}

/* Parse all of data; write every paragraph and the trailer into *out. Returns paragraphs. */
static size_t parse_all(const char *data, size_t len, unsigned flags, struct bpo_buf *out,
			void (*each)(const struct bpo_deb822_para *))
{
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	struct bpo_error e;
	size_t n = 0, tl;
	int rc;
	const char *t;

	bpo_deb822_parser_init(&p, data, len, "t", flags);
	while ((rc = bpo_deb822_next(&p, &para, &e)) == 1) {
		n++;
		if (each)
			each(&para);
		assert_int_equal(bpo_deb822_write(&para, out, &e), 0);
		bpo_deb822_para_destroy(&para);
	}
	if (rc < 0)
		fail_msg("unexpected error: %s", e.msg);
	t = bpo_deb822_trailer(&p, &tl);
	assert_int_equal(bpo_buf_append(out, t, tl, &e), 0);
	/* At the end it stays at the end. */
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 0);
	return n;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Check a "hash size name" multi-line field; collect the names (joined by '/'). */
static size_t check_sums(const char *value, size_t hexlen, struct bpo_buf *names)
{
	const char *cur = value, *line;
	size_t len, n = 0;
	struct bpo_error e;

	assert_int_equal(value[0], '\n'); /* an empty first line */
	while (bpo_deb822_next_line(&cur, &line, &len)) {
		const char *sp1 = memchr(line, ' ', len);
		assert_non_null(sp1);
		assert_int_equal((size_t)(sp1 - line), hexlen);
		assert_true(is_hex(line, hexlen));
		const char *sp2 = memchr(sp1 + 1, ' ', len - hexlen - 1);
		assert_non_null(sp2);
		for (const char *d = sp1 + 1; d < sp2; d++)
			assert_true(*d >= '0' && *d <= '9');
		bpo_buf_append(names, sp2 + 1, len - (size_t)(sp2 + 1 - line), &e);
		bpo_buf_append(names, "/", 1, &e);
		n++;
	}
	return n;
}

static size_t n_sums;

static void check_source(const struct bpo_deb822_para *para)
{
	struct bpo_buf a, b;
	struct bpo_version v;
	struct bpo_error e;
	const char *pkg = bpo_deb822_get(para, "Package");

	assert_non_null(pkg);
	assert_ptr_equal(bpo_deb822_get(para, "PACKAGE"), pkg);
	assert_non_null(bpo_deb822_get(para, "Directory"));
	if (bpo_version_parse(&v, bpo_deb822_get(para, "version"), &e) < 0)
		fail_msg("%s: %s", pkg, e.msg);
	bpo_version_destroy(&v);
	bpo_buf_init(&a, 1 << 20);
	bpo_buf_init(&b, 1 << 20);
	n_sums += check_sums(bpo_deb822_get(para, "Checksums-Sha256"), 64, &a);
	check_sums(bpo_deb822_get(para, "Files"), 32, &b);
	assert_string_equal(a.data, b.data); /* the same files in the same order */
	assert_non_null(strstr(a.data, ".dsc/"));
	bpo_buf_destroy(&a);
	bpo_buf_destroy(&b);
	assert_true(para->line >= 1);
	assert_int_equal(para->fields[0].line, para->line);
}

static void test_sources(void **state)
{
	struct bpo_buf in, out;
	(void)state;
	load("Sources", &in);
	bpo_buf_init(&out, BPO_MAX_INDEX);
	n_sums = 0;
	assert_int_equal(parse_all(in.data, in.len, 0, &out, check_source), 120);
	assert_true(n_sums >= 240);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);
	bpo_buf_destroy(&in);
	bpo_buf_destroy(&out);
}

static void check_binary(const struct bpo_deb822_para *para)
{
	assert_non_null(bpo_deb822_get(para, "Package"));
	assert_non_null(bpo_deb822_get(para, "Architecture"));
	const char *sha = bpo_deb822_get(para, "SHA256");
	if (sha) { /* Packages (status has none) */
		assert_int_equal(strlen(sha), 64);
		assert_true(is_hex(sha, 64));
		assert_non_null(bpo_deb822_get(para, "Filename"));
	}
	/* A single-line value has no newline and no surrounding blanks. */
	const char *d = bpo_deb822_get(para, "Description");
	assert_non_null(d);
	assert_true(d[0] != ' ' && d[0] != '\n');
}

static void test_packages_and_status(void **state)
{
	static const char *names[] = {"Packages", "status"};
	static const size_t counts[] = {120, 20};
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct bpo_buf in, out;
		load(names[i], &in);
		bpo_buf_init(&out, BPO_MAX_INDEX);
		assert_int_equal(parse_all(in.data, in.len, 0, &out, check_binary), counts[i]);
		assert_int_equal(out.len, in.len);
		assert_memory_equal(out.data, in.data, in.len);
		bpo_buf_destroy(&in);
		bpo_buf_destroy(&out);
	}
}

static void test_description_folding(void **state)
{
	struct bpo_buf in;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	struct bpo_error e;
	bool found = false;
	(void)state;
	load("status", &in);
	bpo_deb822_parser_init(&p, in.data, in.len, "status", 0);
	while (bpo_deb822_next(&p, &para, &e) == 1) {
		if (strcmp(bpo_deb822_get(&para, "Package"), "libsm6") == 0) {
			found = true;
			assert_string_equal(
				bpo_deb822_get(&para, "Description"),
				"X11 Session Management library\n"
				" This package provides the main interface to the X11 Session "
				"Management\n"
				" library, which allows for applications to both manage sessions, "
				"and make use\n"
				" of session managers to save and restore their state for later use.\n"
				" .\n"
				" This module can be found at\n"
				" git://anongit.freedesktop.org/git/xorg/lib/libSM");
			assert_string_equal(bpo_deb822_get(&para, "Version"), "2:1.2.3-1");
			const struct bpo_deb822_field *f = bpo_deb822_find(&para, "description");
			assert_non_null(f);
			assert_string_equal(f->name, "Description");
			assert_true(bpo_str_has_suffix(f->raw, "lib/libSM\n"));
			assert_int_equal(f->raw_len, strlen(f->raw));
		}
		bpo_deb822_para_destroy(&para);
	}
	assert_true(found);
	bpo_buf_destroy(&in);
}

static void test_inrelease(void **state)
{
	struct bpo_buf in, want, out, rt;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	struct bpo_error e;
	bool is_signed = false;
	const char *cur, *line;
	size_t len, n = 0;
	(void)state;
	load("InRelease", &in);
	load("InRelease.signed-text", &want);
	bpo_buf_init(&out, BPO_MAX_CONTROL);
	assert_int_equal(
		bpo_deb822_clearsign_strip(in.data, in.len, "InRelease", &out, &is_signed, &e), 0);
	assert_true(is_signed);
	/* Exactly the text gpgv --output printed. */
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.data, want.data, want.len);
	bpo_deb822_parser_init(&p, out.data, out.len, "InRelease", 0);
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 1);
	assert_string_equal(bpo_deb822_get(&para, "Suite"), "oldstable");
	assert_string_equal(bpo_deb822_get(&para, "Codename"), "bookworm");
	assert_non_null(bpo_deb822_get(&para, "Date"));
	cur = bpo_deb822_get(&para, "SHA256");
	while (bpo_deb822_next_line(&cur, &line, &len)) {
		assert_true(len > 66);
		assert_true(is_hex(line, 64));
		n++;
	}
	assert_true(n > 500);
	bpo_buf_init(&rt, BPO_MAX_CONTROL);
	assert_int_equal(bpo_deb822_write(&para, &rt, &e), 0);
	assert_memory_equal(rt.data, out.data, rt.len);
	bpo_deb822_para_destroy(&para);
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 0);
	/* Unsigned data is copied as it is. */
	bpo_buf_reset(&out);
	assert_int_equal(bpo_deb822_clearsign_strip(want.data, want.len, "Release", &out,
						    &is_signed, &e),
			 0);
	assert_false(is_signed);
	assert_int_equal(out.len, want.len);
	bpo_buf_destroy(&in);
	bpo_buf_destroy(&want);
	bpo_buf_destroy(&out);
	bpo_buf_destroy(&rt);
}

static const struct {
	const char *in;
	size_t len; /* 0: strlen */
	unsigned flags;
	const char *msg;
} syntax_errors[] = {
	{"Package: a\nbogus line\n", 0, 0,
	 "t:2: expected 'Name: value', found no colon in 'bogus line'"},
	{" cont\nA: b\n", 0, 0, "t:1: continuation line before any field"},
	{"A: b\n\n\tcont\n", 0, 0, "t:3: continuation line before any field"},
	{"A: b\nB: x\na: c\n", 0, 0, "t:3: duplicate field 'a' (first on line 1)"},
	{"A: b\n\nA: b\nB:\nb: c\n", 0, 0, "t:5: duplicate field 'b' (first on line 4)"},
	{": x\n", 0, 0, "t:1: empty field name"},
	{"# c\nA: b\n", 0, 0, "t:1: comment lines ('#') are not allowed in this file"},
	{"A: b\n# c\n", 0, 0, "t:2: comment lines ('#') are not allowed in this file"},
	{"A B: c\n", 0, 0, "t:1: invalid character in field name 'A B'"},
	{"A: b\n\nB: c\nC\x01: d", 0, 0, "t:4: invalid character in field name 'C\\x01'"},
	{"-A: b\n", 0, 0, "t:1: field name '-A' starts with '-'"},
	{"A: b\n\nB: x\n c\0d\n", 14, 0, "t:4: NUL byte in control data"},
	{"A: b\r\n\r\nB: c\r\n", 0, 0, "t:2: expected 'Name: value', found no colon in '\\x0d'"},
	{"A: b\n# ok\n\n\n#\nB: c\nnocolon", 0, BPO_DEB822_COMMENTS,
	 "t:7: expected 'Name: value', found no colon in 'nocolon'"},
	{"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n", 0, 0,
	 "t:1: expected 'Name: value', found no colon in "
	 "'-----BEGIN PGP SIGNED MESSAGE-----'"},
};

static void test_syntax_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(syntax_errors) / sizeof(syntax_errors[0]); i++) {
		struct bpo_deb822_parser p;
		struct bpo_deb822_para para;
		struct bpo_error e;
		int rc;
		size_t len = syntax_errors[i].len ? syntax_errors[i].len
						  : strlen(syntax_errors[i].in);
		bpo_error_init(&e);
		bpo_deb822_parser_init(&p, syntax_errors[i].in, len, "t", syntax_errors[i].flags);
		while ((rc = bpo_deb822_next(&p, &para, &e)) == 1)
			bpo_deb822_para_destroy(&para);
		if (rc != -1 || strcmp(e.msg, syntax_errors[i].msg) != 0)
			fail_msg("case %zu: rc %d, '%s', want '%s'", i, rc, e.msg,
				 syntax_errors[i].msg);
		assert_int_equal(e.kind, BPO_E_SYNTAX);
		assert_int_equal(para.n, 0); /* left empty after an error */
		bpo_deb822_para_destroy(&para);
	}
}

static void test_comments_and_blank_lines(void **state)
{
	static const char in[] = "# head comment\n"
				 "\n"
				 "Source: foo\n"
				 "# between\n"
				 "Build-Depends: a,\n"
				 "# inside a value\n"
				 " b\n"
				 " \t\n" /* spaces and tabs only: a paragraph break */
				 "Package: foo\n"
				 "Description: short\n"
				 " long\n"
				 " .\n"
				 " more\n"
				 "\n"
				 "# trailing\n"
				 "\n";
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	struct bpo_error e;
	struct bpo_buf out;
	size_t tl;
	(void)state;
	bpo_deb822_parser_init(&p, in, strlen(in), "control", BPO_DEB822_COMMENTS);
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 1);
	assert_int_equal(para.line, 3);
	assert_int_equal(para.n, 2);
	assert_int_equal(para.prefix_len, strlen("# head comment\n\n"));
	assert_string_equal(bpo_deb822_get(&para, "source"), "foo");
	assert_string_equal(bpo_deb822_get(&para, "Build-Depends"), "a,\n b");
	assert_int_equal(para.fields[1].line, 5);
	assert_string_equal(para.fields[0].raw, "Source: foo\n# between\n");
	bpo_deb822_para_destroy(&para);
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 1);
	assert_int_equal(para.line, 9);
	assert_string_equal(bpo_deb822_get(&para, "Description"), "short\n long\n .\n more");
	assert_null(bpo_deb822_get(&para, "Source"));
	bpo_deb822_para_destroy(&para);
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 0);
	assert_string_equal(bpo_deb822_trailer(&p, &tl), "\n# trailing\n\n");
	assert_int_equal(tl, 13);
	bpo_buf_init(&out, 4096);
	assert_int_equal(parse_all(in, strlen(in), BPO_DEB822_COMMENTS, &out, NULL), 2);
	assert_string_equal(out.data, in);
	bpo_buf_destroy(&out);
}

static void test_crlf_and_no_final_newline(void **state)
{
	static const char crlf[] = "A: b\r\nLong: x\r\n y \r\n";
	static const char nonl[] = "A: b\nB:  c  ";
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	struct bpo_error e;
	struct bpo_buf out;
	(void)state;
	/* '\r' is data: it stays in the values and the bytes round trip. */
	bpo_deb822_parser_init(&p, crlf, strlen(crlf), "t", 0);
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 1);
	assert_string_equal(bpo_deb822_get(&para, "A"), "b\r");
	assert_string_equal(bpo_deb822_get(&para, "Long"), "x\r\n y \r");
	bpo_buf_init(&out, 4096);
	assert_int_equal(bpo_deb822_write(&para, &out, &e), 0);
	assert_string_equal(out.data, crlf);
	bpo_deb822_para_destroy(&para);
	/* No newline at the end: kept as it is; a field written after it starts a new line. */
	bpo_buf_reset(&out);
	bpo_deb822_parser_init(&p, nonl, strlen(nonl), "t", 0);
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 1);
	assert_string_equal(bpo_deb822_get(&para, "B"), "c");
	assert_int_equal(bpo_deb822_write(&para, &out, &e), 0);
	assert_string_equal(out.data, nonl);
	bpo_deb822_set(&para, "C", "d");
	bpo_buf_reset(&out);
	assert_int_equal(bpo_deb822_write(&para, &out, &e), 0);
	assert_string_equal(out.data, "A: b\nB:  c  \nC: d\n");
	bpo_deb822_para_destroy(&para);
	bpo_buf_destroy(&out);
}

static void test_write_changes(void **state)
{
	static const char in[] = "\nSource: foo\nVersion: 1.0-1\nFiles:\n abc 1 f\n";
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para, again;
	struct bpo_error e;
	struct bpo_buf out;
	(void)state;
	bpo_deb822_parser_init(&p, in, strlen(in), "t", 0);
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 1);
	bpo_deb822_set(&para, "version", "1.0-1~bpo12+1");
	bpo_deb822_set(&para, "Checksums-Sha256", "\n 00 1 f\n 11 2 g");
	bpo_deb822_insert_before(&para, "Version", "Binary", "foo, foo-doc");
	bpo_deb822_insert_before(&para, "Nothing", "Empty", "");
	assert_false(bpo_deb822_remove(&para, "Nothing"));
	assert_true(bpo_deb822_remove(&para, "FILES"));
	bpo_buf_init(&out, 4096);
	assert_int_equal(bpo_deb822_write(&para, &out, &e), 0);
	assert_string_equal(out.data, "\nSource: foo\n"
				      "Binary: foo, foo-doc\n"
				      "Version: 1.0-1~bpo12+1\n"
				      "Checksums-Sha256:\n 00 1 f\n 11 2 g\n"
				      "Empty:\n");
	/* What was written parses back to the same values. */
	bpo_deb822_parser_init(&p, out.data, out.len, "t2", 0);
	assert_int_equal(bpo_deb822_next(&p, &again, &e), 1);
	assert_int_equal(again.n, para.n);
	for (size_t i = 0; i < para.n; i++) {
		assert_string_equal(again.fields[i].name, para.fields[i].name);
		assert_string_equal(again.fields[i].value, para.fields[i].value);
	}
	bpo_deb822_para_destroy(&again);
	/* Insert of an existing name moves it. */
	bpo_deb822_insert_before(&para, "Source", "Empty", "x");
	assert_string_equal(para.fields[0].name, "Empty");
	assert_int_equal(para.n, 5);
	/* Values that would inject fields or end the paragraph are refused on write. */
	static const char *bad[] = {"a\nInjected: yes", "a\n\nPackage: evil", "a\n \n b"};
	for (size_t i = 0; i < 3; i++) {
		bpo_deb822_set(&para, "Version", bad[i]);
		bpo_buf_reset(&out);
		assert_int_equal(bpo_deb822_write(&para, &out, &e), -1);
		assert_string_equal(e.msg, "cannot write field 'Version': a continuation line "
					   "must start with a space or tab and not be blank");
	}
	bpo_deb822_set(&para, "Version", "2");
	bpo_deb822_set(&para, "Bad Name", "x");
	assert_int_equal(bpo_deb822_write(&para, &out, &e), -1);
	assert_string_equal(e.msg, "cannot write field 'Bad Name': invalid character in name");
	bpo_deb822_remove(&para, "Bad Name");
	bpo_deb822_set(&para, "-X", "x");
	assert_int_equal(bpo_deb822_write(&para, &out, &e), -1);
	assert_string_equal(e.msg, "cannot write field '-X': name starts with '-'");
	bpo_deb822_para_destroy(&para);
	bpo_deb822_para_destroy(NULL);
	/* The output cap is honoured. */
	bpo_buf_destroy(&out);
	bpo_buf_init(&out, 8);
	bpo_deb822_parser_init(&p, in, strlen(in), "t", 0);
	assert_int_equal(bpo_deb822_next(&p, &para, &e), 1);
	assert_int_equal(bpo_deb822_write(&para, &out, &e), -1);
	bpo_deb822_para_destroy(&para);
	bpo_buf_destroy(&out);
}

#define SIG "-----BEGIN PGP SIGNATURE-----\n\niHUEARYIAB0WIQ=\n-----END PGP SIGNATURE-----\n"

static const struct {
	const char *in, *msg, *text;
} clearsign_cases[] = {
	{"\n-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\n\nA: b\n- -dash\n"
	 "- - x\nC: d\n" SIG "\n  \n",
	 NULL, "A: b\n-dash\n- x\nC: d\n"},
	{"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\nHash: SHA512\n\n" SIG, NULL, ""},
	{"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n", "t:5: clearsigned message "
	 "has no signature block ('-----BEGIN PGP SIGNATURE-----')", NULL},
	{"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n" SIG "More: x\n",
	 "t:9: text after the signature block", NULL},
	{"-----BEGIN PGP SIGNED MESSAGE-----\nComment: x\n\nA: b\n" SIG,
	 "t:2: unexpected armour header 'Comment: x' (only 'Hash:' is allowed)", NULL},
	{"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n",
	 "t:3: clearsigned message ends in its armour header", NULL},
	{"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n-foo\n" SIG,
	 "t:5: line '-foo' starts with '-' but is not dash-escaped", NULL},
	{"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n"
	 "-----BEGIN PGP SIGNED MESSAGE-----\n",
	 "t:5: line '-----BEGIN PGP SIGNED MESSAGE-----' starts with '-' but is not "
	 "dash-escaped",
	 NULL},
	{"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n"
	 "-----BEGIN PGP SIGNATURE-----\nabc\n",
	 "t:7: signature block has no end line ('-----END PGP SIGNATURE-----')", NULL},
	{"A: b\n-----BEGIN PGP SIGNED MESSAGE-----\n", NULL,
	 "A: b\n-----BEGIN PGP SIGNED MESSAGE-----\n"},
};

static void test_clearsign(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(clearsign_cases) / sizeof(clearsign_cases[0]); i++) {
		struct bpo_buf out;
		struct bpo_error e;
		bool is_signed;
		int rc;
		bpo_buf_init(&out, 1 << 20);
		bpo_error_init(&e);
		rc = bpo_deb822_clearsign_strip(clearsign_cases[i].in, strlen(clearsign_cases[i].in),
						"t", &out, &is_signed, &e);
		if (clearsign_cases[i].msg) {
			if (rc != -1 || strcmp(e.msg, clearsign_cases[i].msg) != 0)
				fail_msg("case %zu: rc %d '%s'", i, rc, e.msg);
			assert_int_equal(e.kind, BPO_E_SYNTAX);
		} else {
			if (rc != 0)
				fail_msg("case %zu: %s", i, e.msg);
			assert_string_equal(out.data ? out.data : "", clearsign_cases[i].text);
			assert_int_equal(is_signed, i < 2);
		}
		bpo_buf_destroy(&out);
	}
}

static void test_clearsign_lines(void **state)
{
	static const char in[] = "\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
				 "A: b\n- B: c\nbroken\n" SIG;
	struct bpo_buf out;
	struct bpo_error e;
	struct bpo_deb822_parser p;
	struct bpo_deb822_para para;
	unsigned first = 0;
	bool is_signed;
	(void)state;
	bpo_buf_init(&out, 4096);
	assert_int_equal(bpo_deb822_clearsign_strip_at(in, strlen(in), "x.dsc", &out, &is_signed,
						       &first, &e),
			 0);
	assert_true(is_signed);
	assert_int_equal(first, 5);
	bpo_deb822_parser_init(&p, out.data, out.len, "x.dsc", 0);
	p.line = first;
	assert_int_equal(bpo_deb822_next(&p, &para, &e), -1);
	/* "broken" is line 7 of the original file. */
	assert_string_equal(e.msg, "x.dsc:7: expected 'Name: value', found no colon in 'broken'");
	bpo_buf_reset(&out);
	assert_int_equal(bpo_deb822_clearsign_strip_at("A: b\n", 5, "y", &out, &is_signed, &first,
						       &e),
			 0);
	assert_false(is_signed);
	assert_int_equal(first, 1);
	bpo_buf_destroy(&out);
}

static void test_next_line(void **state)
{
	const char *cur = "\n a b \n\n \t\n\tc\n d", *line;
	size_t len;
	(void)state;
	assert_true(bpo_deb822_next_line(&cur, &line, &len));
	assert_int_equal(len, 3);
	assert_memory_equal(line, "a b", 3);
	assert_true(bpo_deb822_next_line(&cur, &line, &len));
	assert_memory_equal(line, "c", len);
	assert_true(bpo_deb822_next_line(&cur, &line, &len));
	assert_memory_equal(line, "d", len);
	assert_false(bpo_deb822_next_line(&cur, &line, &len));
	assert_false(bpo_deb822_next_line(&cur, &line, &len));
	cur = "";
	assert_false(bpo_deb822_next_line(&cur, &line, &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_packages_and_status),
		cmocka_unit_test(test_description_folding),
		cmocka_unit_test(test_inrelease),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_comments_and_blank_lines),
		cmocka_unit_test(test_crlf_and_no_final_newline),
		cmocka_unit_test(test_write_changes),
		cmocka_unit_test(test_clearsign),
		cmocka_unit_test(test_clearsign_lines),
		cmocka_unit_test(test_next_line),
	};
	return cmocka_run_group_tests_name("deb822", tests, NULL, NULL);
}
