/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_version: `bpo version compare A OP B` and `bpo version sort`. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "version.h"
#include "xmem.h"

/* Most input `bpo version sort` reads from stdin: bytes and lines. */
#define SORT_INPUT_MAX (256u << 20)
#define SORT_LINES_MAX (4u << 20)

static int run_version(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_version = {
	.name = "version",
	.summary = "compare and sort Debian version strings",
	.usage = "Usage: bpo version compare A OP B\n"
		 "       bpo version sort [-r|--reverse]\n"
		 "\n"
		 "Debian version strings ([epoch:]upstream[-revision]) compared exactly as\n"
		 "dpkg does ('~' sorts before anything, even the end of the string).\n"
		 "\n"
		 "compare A OP B\n"
		 "    Exit 0 when 'A OP B' holds, 1 when it does not. OP is one of\n"
		 "    lt le eq ne ge gt, or << <= = >= >>. Versions dpkg only warns about\n"
		 "    (not starting with a digit, unusual characters) are compared with a\n"
		 "    warning, as dpkg --compare-versions does. Unlike dpkg, an empty\n"
		 "    version is an error, not 'no version'.\n"
		 "\n"
		 "sort [-r|--reverse]\n"
		 "    Read versions from standard input, one a line, and print them in\n"
		 "    ascending order (descending with --reverse); leading and trailing\n"
		 "    blanks are dropped, equal versions keep their input order\n"
		 "    (at most 256 MiB and 4194304 lines).\n"
		 "\n"
		 "Exit status: 0 true / sorted, 1 false, 2 bad operator, bad usage or an\n"
		 "invalid version (the message names the reason, and for sort the line).\n",
	.run = run_version,
};
BPO_REGISTER_COMMAND(cmd_version)

static int do_compare(int argc, char **argv)
{
	struct bpo_error err;
	struct bpo_version v;
	bool result;

	if (argc != 5)
		return bpo_cmd_usage_error(&cmd_version, "compare needs exactly A OP B");
	bpo_error_init(&err);
	if (!bpo_version_op_valid(argv[3]))
		return bpo_cmd_usage_error(&cmd_version,
					   "unknown operator '%s' (expected lt le eq ne ge gt, "
					   "<< <= = >= >>)",
					   argv[3]);
	for (int i = 2; i <= 4; i += 2) {
		int rc = bpo_version_parse_lax(&v, argv[i], &err);
		if (rc < 0)
			return bpo_cmd_fail(&err);
		if (rc > 0)
			bpo_warn("%s", err.msg);
		bpo_version_destroy(&v);
	}
	if (bpo_version_relation(argv[2], argv[3], argv[4], &result, &err) < 0)
		return bpo_cmd_fail(&err);
	return result ? BPO_EXIT_OK : BPO_EXIT_FAIL;
}

struct sort_item {
	struct bpo_version v;
	const char *text;
	size_t index;
};

static int cmp_items(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	int rc = bpo_version_compare(&a->v, &b->v);
	if (rc)
		return rc;
	return (a->index > b->index) - (a->index < b->index);
}

static int cmp_items_rev(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	int rc = bpo_version_compare(&b->v, &a->v);
	if (rc)
		return rc;
	return (a->index > b->index) - (a->index < b->index);
}

static int read_all(int fd, struct bpo_buf *in, struct bpo_error *err)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return bpo_error_set(err, BPO_E_IO, "<stdin>: read: %s", strerror(errno));
		}
		if (n == 0)
			return 0;
		if (bpo_buf_append(in, chunk, (size_t)n, err) < 0)
			return bpo_error_prefix(err, "<stdin>");
	}
}

static int do_sort(int argc, char **argv)
{
	struct bpo_buf in;
	struct bpo_error err;
	struct sort_item *items = NULL;
	size_t n = 0, cap = 0, i;
	bool reverse = false;
	int rc = BPO_EXIT_USAGE;
	char *s, *end;
	unsigned line = 0;

	bpo_buf_init(&in, SORT_INPUT_MAX);
	bpo_error_init(&err);
	for (int a = 2; a < argc; a++) {
		if (strcmp(argv[a], "-r") == 0 || strcmp(argv[a], "--reverse") == 0) {
			reverse = true;
		} else {
			rc = bpo_cmd_usage_error(&cmd_version, "sort: unexpected argument '%s'",
						 argv[a]);
			goto out;
		}
	}
	if (read_all(0, &in, &err) < 0) {
		rc = bpo_cmd_fail(&err);
		goto out;
	}
	if (in.len && memchr(in.data, '\0', in.len)) {
		bpo_error("<stdin>: NUL byte in the input");
		rc = BPO_EXIT_USAGE;
		goto out;
	}
	s = in.data ? in.data : (char *)"";
	end = s + in.len;
	while (s < end) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		int prc;
		if (nl)
			*nl = '\0';
		if (++line > SORT_LINES_MAX) {
			bpo_error("<stdin>: more than %u lines", SORT_LINES_MAX);
			rc = BPO_EXIT_USAGE;
			goto out;
		}
		BPO_GROW(items, cap, n + 1);
		prc = bpo_version_parse_lax(&items[n].v, s, &err);
		if (prc < 0) {
			bpo_error("<stdin>:%u: %s", line, err.msg);
			rc = BPO_EXIT_USAGE;
			goto out;
		}
		if (prc > 0)
			bpo_warn("<stdin>:%u: %s", line, err.msg);
		while (*s == ' ' || *s == '\t')
			s++;
		for (char *e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		items[n].text = s;
		items[n].index = n;
		n++;
		s = nl ? nl + 1 : end;
	}
	if (n)
		qsort(items, n, sizeof(items[0]), reverse ? cmp_items_rev : cmp_items);
	for (i = 0; i < n; i++)
		puts(items[i].text);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		bpo_error("<stdout>: write error");
		rc = BPO_EXIT_FAIL;
		goto out;
	}
	rc = BPO_EXIT_OK;
out:
	for (i = 0; i < n; i++)
		bpo_version_destroy(&items[i].v);
	free(items);
	bpo_buf_destroy(&in);
	return rc;
}

static int run_version(struct bpo_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	if (argc < 2)
		return bpo_cmd_usage_error(&cmd_version, "expected 'compare' or 'sort'");
	if (strcmp(argv[1], "compare") == 0)
		return do_compare(argc, argv);
	if (strcmp(argv[1], "sort") == 0)
		return do_sort(argc, argv);
	return bpo_cmd_usage_error(&cmd_version, "unknown action '%s' (expected compare or sort)",
				   argv[1]);
}
