/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_publish: `bpo publish CHANGES... --repo DIR --suite S`. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "repo.h"

static int run(struct bpo_ctx *ctx, int argc, char **argv);

static const struct bpo_cmd cmd_publish = {
	.name = "publish",
	.summary = "publish build results to a signed apt repository",
	.usage =
		"Usage: bpo publish CHANGES... --repo DIR --suite S [--component C] [--keep N]\n"
		"                   [--lock-timeout SEC]\n"
		"\n"
		"Publish the uploads described by .changes files into suite S of the\n"
		"repository DIR (made with 'bpo repo init'). Every file a .changes lists\n"
		"must exist next to it and match its size, MD5 and SHA-256; when the\n"
		"repository requires signed uploads, the .changes must carry a good\n"
		"signature by a key of the configured keyring. The .debs and, when the\n"
		"upload has one, the source package (.dsc and the files it names) are\n"
		"copied to pool/C/<prefix>/<source>/, then the suite's indices, Release,\n"
		"InRelease and Release.gpg are written aside and swapped in atomically.\n"
		"Nothing changes unless every upload checks out. A binary of\n"
		"Architecture: all goes to every architecture of the repository.\n"
		"\n"
		"Options:\n"
		"  --repo DIR          the repository (required)\n"
		"  --suite S           the suite to publish into (required)\n"
		"  --component C       the component (default: the first configured)\n"
		"  --keep N            keep the N newest versions of each source in S\n"
		"                      (default: Keep in DIR/conf/repo; 0 keeps all)\n"
		"  --lock-timeout SEC  wait at most SEC seconds for another writer (300)\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit status: 0 published, 1 failure (I/O, lock timeout), 2 usage or bad\n"
		"input (unknown suite, malformed .changes or .deb), 3 a size, checksum or\n"
		"signature did not verify, or a listed file is missing.\n",
	.run = run,
};
BPO_REGISTER_COMMAND(cmd_publish)

static int run(struct bpo_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"repo", required_argument, NULL, 'r'},
		{"suite", required_argument, NULL, 's'},
		{"component", required_argument, NULL, 'c'},
		{"keep", required_argument, NULL, 'k'},
		{"lock-timeout", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *suite = NULL, *comp = NULL;
	unsigned long timeout = BPO_REPO_LOCK_TIMEOUT;
	int keep = -1, opt, rc;
	struct bpo_repo *r = NULL;
	struct bpo_error err;
	char *end;

	(void)ctx;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': dir = optarg; break;
		case 's': suite = optarg; break;
		case 'c': comp = optarg; break;
		case 'k': {
			unsigned long n = strtoul(optarg, &end, 10);
			if (!*optarg || *end || optarg[0] == '-' || n > 10000)
				return bpo_cmd_usage_error(&cmd_publish, "--keep: expected a number");
			keep = (int)n;
			break;
		}
		case 't':
			timeout = strtoul(optarg, &end, 10);
			if (!*optarg || *end || optarg[0] == '-' || timeout > 86400)
				return bpo_cmd_usage_error(&cmd_publish,
							   "--lock-timeout: expected seconds");
			break;
		default:
			fprintf(stderr, "Try 'bpo publish --help'.\n");
			return BPO_EXIT_USAGE;
		}
	}
	if (!dir || !suite)
		return bpo_cmd_usage_error(&cmd_publish, "--repo and --suite are needed");
	if (optind >= argc)
		return bpo_cmd_usage_error(&cmd_publish, "no .changes file given");
	bpo_error_init(&err);
	if (bpo_repo_open(&r, dir, true, (unsigned)timeout, &err) < 0)
		return bpo_cmd_fail(&err);
	rc = bpo_repo_publish(r, argv + optind, (size_t)(argc - optind), suite, comp, keep, &err);
	bpo_repo_close(r);
	return rc < 0 ? bpo_cmd_fail(&err) : BPO_EXIT_OK;
}
