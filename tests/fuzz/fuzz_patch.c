/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for the patch parser and the series parser; a parsed
 * patch is also applied as a dry run (matching, fuzz, reverse detection,
 * refit diff) to a small scratch tree made once, which nothing writes to.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "patch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char *tree;

static void remove_tree(void)
{
	bpo_rm_rf(tree, NULL);
	free(tree);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const files[][2] = {
		{"a.c", "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\n"},
		{"b/c.txt", "one\r\ntwo\r\nthree"},
		{"x", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"},
		{"empty", ""},
	};
	(void)argc;
	(void)argv;
	tree = bpo_mkdtemp(NULL, "bpo-fuzz-patch", NULL);
	if (!tree)
		abort();
	atexit(remove_tree);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = bpo_path_join(tree, files[i][0]);
		char *d = bpo_path_join(tree, "b");
		bpo_mkdir_p(d, 0755, NULL);
		bpo_file_write_atomic(p, files[i][1], strlen(files[i][1]), 0644, NULL);
		free(p);
		free(d);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpo_patch p;
	struct bpo_patch_series s;
	struct bpo_error err;

	bpo_error_init(&err);
	if (bpo_patch_series_parse((const char *)data, size, "series", &s, &err) == 0)
		bpo_patch_series_destroy(&s);
	if (bpo_patch_parse((const char *)data, size, "fuzz.patch", &p, &err) == 0) {
		struct bpo_patch *pp[1] = {&p};
		struct bpo_patch_opts o = {.fuzz = 2, .strip = -1, .dry_run = true, .refit = true};
		struct bpo_patch_report rep;
		struct bpo_buf b;
		bpo_patch_report_init(&rep);
		bpo_patch_apply_series(tree, pp, NULL, 1, &o, &rep, &err);
		bpo_buf_init(&b, 1 << 24);
		bpo_patch_report_text(&rep, &b, NULL);
		bpo_patch_report_json(&rep, &b, NULL);
		bpo_buf_destroy(&b);
		bpo_patch_report_destroy(&rep);
	}
	bpo_patch_destroy(&p);
	return 0;
}
