/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness for secure extraction (archive): the input is a tarball
 * (any compression libarchive reads) extracted with small caps into a
 * scratch directory made once. Invariants checked after every input: the
 * scratch directory holds nothing but the input file and, on success, the
 * tree; on failure, nothing at all was left. The path checks are fuzzed too.
 */
#include "config.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "fsutil.h"
#include "xmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char *scratch, *input, *tree;

static void cleanup(void)
{
	bpo_rm_rf(scratch, NULL);
	free(scratch);
	free(input);
	free(tree);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	scratch = bpo_mkdtemp(NULL, "bpo-fuzz-archive", NULL);
	if (!scratch)
		abort();
	input = bpo_path_join(scratch, "input");
	tree = bpo_path_join(scratch, "tree");
	atexit(cleanup);
	return 0;
}

/* Entries of scratch other than the input and (when allowed) the tree. */
static size_t strangers(bool tree_allowed)
{
	DIR *d = opendir(scratch);
	struct dirent *de;
	size_t n = 0;
	if (!d)
		abort();
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "input") || (tree_allowed && !strcmp(de->d_name, "tree")))
			continue;
		n++;
	}
	closedir(d);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpo_archive_opts opts;
	struct bpo_error err;
	int rc;

	/* The checks: the input split at the first NUL is (name, target). */
	if (size < 4096) {
		char *name = bpo_xstrndup((const char *)data, size); /* up to the first NUL */
		size_t n = strlen(name);
		char *target = n + 1 < size ? bpo_xstrndup((const char *)data + n + 1,
							   size - n - 1)
					    : bpo_xstrdup("");
		(void)bpo_archive_check_name(name);
		(void)bpo_archive_check_hardlink(name);
		(void)bpo_archive_check_symlink(name, target, size & 1);
		free(name);
		free(target);
	}

	if (bpo_file_write_atomic(input, data, size, 0600, NULL) < 0)
		abort();
	bpo_archive_opts_init(&opts);
	opts.limits.max_total = 1u << 20;
	opts.limits.max_members = 1000;
	opts.exclude_pc = size & 1;
	opts.only_debian = (size & 6) == 6;
	rc = bpo_archive_extract(input, tree, &opts, &err);
	if (strangers(rc == 0) != 0)
		abort(); /* something outside the tree, or a temporary directory left */
	if (rc != 0 && bpo_path_exists(tree))
		abort(); /* a failed extraction left a tree */
	if (rc == 0 && bpo_rm_rf(tree, NULL) < 0)
		abort();
	return 0;
}
