/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for json: string escaping (buffer and stdio), null, members,
 * and valid UTF-8 output for any input bytes. */
#include "config.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "json.h"

static const struct {
	const char *in;
	const char *out;
} cases[] = {
	{"", "\"\""},
	{"plain text", "\"plain text\""},
	{"a\"b\\c", "\"a\\\"b\\\\c\""},
	{"tab\tnl\ncr\r", "\"tab\\tnl\\ncr\\r\""},
	{"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
	{"/ stays", "\"/ stays\""},
	/* well-formed UTF-8 passes through: é, €, U+10FFFF */
	{"caf\xc3\xa9 \xe2\x82\xac \xf4\x8f\xbf\xbf", "\"caf\xc3\xa9 \xe2\x82\xac \xf4\x8f\xbf\xbf\""},
	/* Latin-1 é, a lone continuation byte, 0xff */
	{"caf\xe9", "\"caf\\ufffd\""},
	{"\x80x", "\"\\ufffdx\""},
	{"\xff", "\"\\ufffd\""},
	/* overlong '/', a surrogate (U+D800), above U+10FFFF */
	{"\xc0\xaf", "\"\\ufffd\\ufffd\""},
	{"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},
	{"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},
	/* a sequence cut short by the end of the string, or by an ASCII byte */
	{"ab\xe2\x82", "\"ab\\ufffd\\ufffd\""},
	{"\xe2\x82z\"", "\"\\ufffd\\ufffdz\\\"\""},
};

static void test_escape_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpo_buf b;
		struct bpo_error err;
		char *mem = NULL;
		size_t memlen = 0;
		FILE *f;

		bpo_buf_init(&b, 4096);
		assert_int_equal(bpo_json_str(&b, cases[i].in, &err), 0);
		if (strcmp(b.data, cases[i].out) != 0)
			fail_msg("case %zu: buffer got %s, expected %s", i, b.data, cases[i].out);
		bpo_buf_destroy(&b);

		f = open_memstream(&mem, &memlen);
		assert_non_null(f);
		bpo_json_fputs(f, cases[i].in);
		assert_int_equal(fclose(f), 0);
		if (strcmp(mem, cases[i].out) != 0)
			fail_msg("case %zu: stream got %s, expected %s", i, mem, cases[i].out);
		free(mem);
	}
}

static void test_null_and_member(void **state)
{
	struct bpo_buf b;
	struct bpo_error err;
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f;
	(void)state;

	bpo_buf_init(&b, 4096);
	assert_int_equal(bpo_json_str(&b, NULL, &err), 0);
	assert_string_equal(b.data, "null");
	bpo_buf_reset(&b);
	assert_int_equal(bpo_buf_puts(&b, "{", &err), 0);
	assert_int_equal(bpo_json_member(&b, true, "name", "a\"b", &err), 0);
	assert_int_equal(bpo_json_member(&b, false, "signer", NULL, &err), 0);
	assert_int_equal(bpo_json_member(&b, false, "k\n", "v", &err), 0);
	assert_int_equal(bpo_buf_puts(&b, "}", &err), 0);
	assert_string_equal(b.data, "{\"name\":\"a\\\"b\",\"signer\":null,\"k\\n\":\"v\"}");
	bpo_buf_destroy(&b);

	f = open_memstream(&mem, &memlen);
	assert_non_null(f);
	bpo_json_fputs(f, NULL);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(mem, "null");
	free(mem);
}

/* The buffer's cap is honoured: an escape that does not fit fails cleanly. */
static void test_cap(void **state)
{
	struct bpo_buf b;
	struct bpo_error err;
	(void)state;

	bpo_buf_init(&b, 8);
	bpo_error_init(&err);
	assert_int_equal(bpo_json_str(&b, "\x01\x02\x03", &err), -1);
	assert_int_not_equal(err.kind, BPO_E_NONE);
	assert_non_null(strstr(err.msg, "limit of 8 bytes"));
	bpo_buf_destroy(&b);
}

/* An independent UTF-8 check: decode each sequence to its code point, then
 * refuse overlong forms, surrogates and values above U+10FFFF. */
static bool valid_utf8(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = p[i], need, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			need = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= n || (p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

/* Every pair of bytes (and every triple starting with a multi-byte lead)
 * gives valid JSON text: quoted, no raw control byte or DEL, no unescaped
 * quote, and well-formed UTF-8 throughout. */
static void test_all_bytes_valid(void **state)
{
	struct bpo_buf b;
	struct bpo_error err;
	(void)state;

	bpo_buf_init(&b, 4096);
	for (unsigned a = 1; a < 256; a++) {
		for (unsigned c = 1; c < 256; c++) {
			bool third = a >= 0xe0 && c >= 0x80 && c <= 0xbf;
			for (unsigned d = 0x7f; d < 256; d += third ? 1 : 256) {
				char in[5] = {(char)a, (char)c, (char)d, 'y', 0};
				const unsigned char *p;

				bpo_buf_reset(&b);
				assert_int_equal(bpo_json_str(&b, in, &err), 0);
				p = (const unsigned char *)b.data;
				assert_true(b.len >= 2);
				assert_int_equal(p[0], '"');
				assert_int_equal(p[b.len - 1], '"');
				for (size_t i = 1; i + 1 < b.len; i++) {
					if (p[i] < 0x20 || p[i] == 0x7f)
						fail_msg("raw byte 0x%02x for %02x %02x %02x", p[i], a,
							 c, d);
					if (p[i] == '\\') {
						i++; /* the escaped character */
						continue;
					}
					if (p[i] == '"')
						fail_msg("raw quote for %02x %02x %02x", a, c, d);
				}
				if (!valid_utf8(p, b.len))
					fail_msg("not UTF-8 for %02x %02x %02x: %s", a, c, d, b.data);
			}
		}
	}
	bpo_buf_destroy(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_null_and_member),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_all_bytes_valid),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
